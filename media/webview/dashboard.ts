// Health dashboard front-end (runs in the webview; bundled by scripts/build.mjs to dist/webview/).
// Renders the extension's HealthSnapshot; charts with uPlot; colours from VS Code's theme variables.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './dashboard.css';
import type { DashboardViewState, FromDashboard, ToDashboard } from '../../src/health/dashboardProtocol';
import type { HealthSnapshot } from '../../src/health/model/snapshot';
import { alarmsSection, costSection, endpointsSection, header, metricsSection } from '../../src/health/model/dashboardHtml';

interface VsCodeApi {
  postMessage(m: FromDashboard): void;
  getState(): DashboardViewState | undefined;
  setState(s: DashboardViewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;
let charts: uPlot[] = [];
let state: DashboardViewState = vscode.getState() ?? { scrollY: 0 };
/** True when this document came back from saved webview state (hidden and shown again, or a reload). */
let restored = !!state.snapshot;
if (!state.snapshot) {
  const raw = document.body.dataset.state;
  if (raw) state.snapshot = JSON.parse(raw) as HealthSnapshot;
}

const cssVar = (name: string, fallback: string) => getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
const themeKind = () =>
  document.body.classList.contains('vscode-high-contrast')
    ? 'high-contrast'
    : document.body.classList.contains('vscode-light')
      ? 'light'
      : 'dark';
const PALETTE = [
  '--vscode-charts-blue',
  '--vscode-charts-green',
  '--vscode-charts-orange',
  '--vscode-charts-purple',
  '--vscode-charts-red',
  '--vscode-charts-yellow',
];
const color = (i: number) => cssVar(PALETTE[i % PALETTE.length], ['#3794ff', '#89d185', '#d18616', '#b180d7', '#f14c4c', '#cca700'][i % 6]);

function chartOpts(title: string, width: number, series: uPlot.Series[], yLabel: string): uPlot.Options {
  const fg = cssVar('--vscode-foreground', '#ccc');
  const grid = cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)');
  const axis: uPlot.Axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
  return {
    title,
    width,
    height: 220,
    series: [{}, ...series],
    axes: [axis, { ...axis, label: yLabel }],
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
  };
}

function drawCharts(s: HealthSnapshot): number {
  charts.forEach((c) => c.destroy());
  charts = [];
  const width = Math.max(300, app.clientWidth - 32);
  const lat = document.getElementById('latency-chart');
  if (lat && s.endpoints.some((e) => e.recent.length)) {
    // Align each endpoint's points on one time axis (uPlot wants shared x values).
    const xs = [...new Set(s.endpoints.flatMap((e) => e.recent.map(([t]) => Math.round(t / 1000))))].sort((a, b) => a - b);
    const idx = new Map(xs.map((x, i) => [x, i]));
    const ys = s.endpoints.map((e) => {
      // Another endpoint's timestamps are alignment artifacts (undefined: uPlot draws across them);
      // a failed check is null and breaks the line, so an outage shows as a gap.
      const arr: Array<number | null | undefined> = new Array<undefined>(xs.length).fill(undefined);
      for (const [t, v] of e.recent) arr[idx.get(Math.round(t / 1000))!] = v;
      return arr;
    });
    charts.push(
      new uPlot(
        chartOpts(
          'Latency, last hour (ms)',
          width,
          s.endpoints.map((e, i) => ({ label: e.name, stroke: color(i), width: 2, spanGaps: false, points: { show: xs.length < 60 } })),
          'ms',
        ),
        [xs, ...ys] as uPlot.AlignedData,
        lat,
      ),
    );
  }
  s.metrics.forEach((m, i) => {
    const el = document.getElementById(`metric-${i}`);
    if (!el || !m.points.length) return;
    const xs = m.points.map(([t]) => t / 1000);
    const series: uPlot.Series[] = [{ label: m.label, stroke: color(i), width: 2 }];
    const data: Array<Array<number | null>> = [m.points.map(([, v]) => v)];
    if (m.threshold !== undefined) {
      series.push({ label: `threshold ${m.threshold}`, stroke: cssVar('--vscode-charts-red', '#f14c4c'), dash: [6, 4], width: 1 });
      data.push(m.points.map(() => m.threshold!));
    }
    charts.push(new uPlot(chartOpts(m.label, width, series, m.unit ?? ''), [xs, ...data] as uPlot.AlignedData, el));
  });
  const costEl = document.getElementById('cost-chart');
  if (costEl && s.cost && (s.cost.daily.length || s.cost.forecastDaily.length)) {
    const c = s.cost;
    const days = [...c.daily.map((d) => d.date), ...c.forecastDaily.map((d) => d.date)].filter((d, i, a) => a.indexOf(d) === i).sort();
    const xs = days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
    const actual = days.map((d) => c.daily.find((x) => x.date === d)?.amount ?? null);
    const fc = days.map((d) => c.forecastDaily.find((x) => x.date === d)?.amount ?? null);
    charts.push(
      new uPlot(
        chartOpts(
          `Daily cost (${c.currency})`,
          width,
          [
            { label: 'actual', stroke: color(0), width: 2 },
            { label: 'forecast', stroke: color(2), dash: [5, 5], width: 2 },
          ],
          c.currency,
        ),
        [xs, actual, fc] as uPlot.AlignedData,
        costEl,
      ),
    );
  }
  return charts.length;
}

function render(s: HealthSnapshot): void {
  const t0 = performance.now();
  const latency = s.endpoints.length
    ? `<section aria-labelledby="h-latency"><h2 id="h-latency">Latency</h2><div class="chart" id="latency-chart" role="img" aria-label="Latency of each endpoint over the last hour"></div></section>`
    : '';
  app.innerHTML = header(s) + endpointsSection(s) + latency + alarmsSection(s) + metricsSection(s) + costSection(s);
  app.setAttribute('aria-busy', 'false');
  const n = drawCharts(s);
  vscode.postMessage({
    type: 'rendered',
    summary: {
      endpoints: s.endpoints.length,
      charts: n,
      costShown: !!s.cost,
      theme: themeKind(),
      restored,
      renderMs: Math.round((performance.now() - t0) * 10) / 10,
      sinceNavigationMs: Math.round(performance.now()),
      assetsLoadedMs: Math.round(
        Math.max(0, ...(performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((e) => e.responseEnd)),
      ),
    },
  });
  if (state.focusedId) document.querySelector<HTMLElement>(`[data-row="${state.focusedId}"]`)?.focus({ preventScroll: true });
}

app.addEventListener('click', (ev) => {
  const t = ev.target as HTMLElement;
  const action = t.closest<HTMLElement>('[data-action]')?.dataset.action;
  if (action === 'checkNow' || action === 'refreshCost' || action === 'openConfig') vscode.postMessage({ type: action });
  const mute = t.closest<HTMLElement>('[data-mute]')?.dataset.mute;
  if (mute) vscode.postMessage({ type: 'mute', endpoint: mute });
});

// Arrow keys move between table rows; Home/End jump to the first/last.
app.addEventListener('keydown', (ev) => {
  const row = (ev.target as HTMLElement).closest<HTMLElement>('tr[tabindex]');
  if (!row) return;
  const rows = Array.from(row.parentElement!.querySelectorAll<HTMLElement>('tr[tabindex]'));
  const i = rows.indexOf(row);
  const next =
    ev.key === 'ArrowDown'
      ? rows[i + 1]
      : ev.key === 'ArrowUp'
        ? rows[i - 1]
        : ev.key === 'Home'
          ? rows[0]
          : ev.key === 'End'
            ? rows[rows.length - 1]
            : undefined;
  if (next) {
    ev.preventDefault();
    next.focus();
  }
});
app.addEventListener('focusin', (ev) => {
  const r = (ev.target as HTMLElement).closest<HTMLElement>('tr[data-row]');
  if (r) save({ focusedId: r.dataset.row });
});

function save(patch: Partial<DashboardViewState>): void {
  state = { ...state, ...patch };
  vscode.setState(state);
}

window.addEventListener('message', (ev: MessageEvent<ToDashboard>) => {
  const m = ev.data;
  if (m?.type === 'snapshot') {
    restored = false;
    save({ snapshot: m.snapshot });
    render(m.snapshot);
  }
});
let scrollTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('scroll', () => {
  clearTimeout(scrollTimer);
  scrollTimer = setTimeout(() => save({ scrollY: window.scrollY }), 200);
});
let resizeTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => state.snapshot && drawCharts(state.snapshot), 150);
});
// Theme switches change body classes: redraw so chart colours follow.
new MutationObserver(() => state.snapshot && render(state.snapshot)).observe(document.body, {
  attributes: true,
  attributeFilter: ['class'],
});

if (state.snapshot) {
  render(state.snapshot);
  window.scrollTo(0, state.scrollY);
}
vscode.postMessage({ type: 'ready' });
