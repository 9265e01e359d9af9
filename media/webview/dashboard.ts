// Health dashboard front-end (runs in the webview; bundled by scripts/build.mjs to dist/webview/).
// Renders the extension's HealthSnapshot; charts with uPlot; colours from VS Code's theme variables.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './dashboard.css';
import type { DashboardViewState, FromDashboard, ToDashboard } from '../../src/health/dashboardProtocol';
import type { EndpointSnapshot, HealthSnapshot } from '../../src/health/model/snapshot';
import { formatBudget, formatLatency, formatMoney, formatPercent } from '../../src/health/model/statusText';

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

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
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
const WINDOW_LABEL: Record<string, string> = { '1h': '1 h', '24h': '24 h', '7d': '7 d', '30d': '30 d', month: 'Month' };

function stateBadge(e: EndpointSnapshot): string {
  const icon = { up: '●', down: '▲', maintenance: '◆', unknown: '○' }[e.status] ?? '○';
  const extra = [e.flapping ? 'flapping' : '', e.muted ? 'muted' : ''].filter(Boolean).join(', ');
  return `<span class="state state-${e.status}"><span aria-hidden="true">${icon}</span> ${e.status}${extra ? ` (${extra})` : ''}</span>`;
}

function endpointsSection(s: HealthSnapshot): string {
  if (!s.endpoints.length)
    return '<section aria-labelledby="h-endpoints"><h2 id="h-endpoints">Endpoints</h2><p>No endpoints configured. Add some under <code>endpoints:</code> in the health configuration.</p></section>';
  const windows = s.endpoints[0].sla.windows.map((w) => w.window);
  const rows = s.endpoints.map((e, i) => {
    const cells = e.sla.windows
      .map(
        (w) =>
          `<td class="num" data-window="${w.window}" title="${w.ok} ok, ${w.failed} failed, ${w.excluded} in maintenance, ${w.retries} retries">${formatPercent(w.availability)}</td>`,
      )
      .join('');
    const w24 = e.sla.windows.find((w) => w.window === '24h');
    const b = e.sla.budget;
    const burn = e.sla.burn.find((x) => x.firing);
    const budgetClass = b.remainingRatio < 0 ? 'bad' : b.remainingRatio < 0.25 ? 'warn' : '';
    return `<tr tabindex="0" data-row="${i}" aria-label="${esc(e.name)}: ${e.status}, ${formatPercent(e.sla.sloAvailability)} over ${e.sloWindowDays} days, error budget ${formatBudget(b).share}">
      <th scope="row"><span class="ep-name">${esc(e.name)}</span><br><span class="muted small">${esc(e.target)}</span></th>
      <td>${stateBadge(e)}${e.lastCheck && !e.lastCheck.ok ? `<br><span class="small err">${esc(e.lastCheck.error ?? '')}</span>` : ''}${w24 && (w24.retries || w24.excluded) ? `<br><span class="small muted">24 h: ${w24.retries} retr${w24.retries === 1 ? 'y' : 'ies'} (not failures), ${w24.excluded} in maintenance (not counted)</span>` : ''}</td>
      ${cells}
      <td class="num ${budgetClass}">${formatBudget(b).share}<br><span class="small muted">${formatBudget(b).minutes}</span></td>
      <td class="num">${burn ? `<span class="warn">${burn.longBurn.toFixed(1)}× (${burn.severity})</span>` : `${e.sla.burn[0].longBurn.toFixed(1)}×`}</td>
      <td class="num">${formatLatency(w24?.p50)} / ${formatLatency(w24?.p95)} / ${formatLatency(w24?.p99)}</td>
      <td><button type="button" class="link" data-mute="${esc(e.name)}" aria-label="Mute notifications for ${esc(e.name)}">Mute</button></td>
    </tr>`;
  });
  return `<section aria-labelledby="h-endpoints"><h2 id="h-endpoints">Endpoints</h2>
  <table class="grid" id="endpoints">
    <caption class="sr-only">Endpoint state, availability per window, error budget, burn rate and latency</caption>
    <thead><tr><th scope="col">Endpoint</th><th scope="col">State</th>${windows.map((w) => `<th scope="col" class="num">${WINDOW_LABEL[w] ?? w}</th>`).join('')}<th scope="col" class="num">Budget left</th><th scope="col" class="num">Burn (1 h)</th><th scope="col" class="num">p50 / p95 / p99 (24 h)</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
    <tbody>${rows.join('')}</tbody>
  </table>
  ${s.maintenance.length ? `<p class="small">Maintenance: ${s.maintenance.map((m) => `${new Date(m.startMs).toISOString().slice(0, 16)}–${new Date(m.endMs).toISOString().slice(11, 16)} UTC on ${m.endpoints?.join(', ') ?? 'all endpoints'}`).join('; ')} — checks are shown but not counted.</p>` : ''}
  </section>`;
}

function alarmsSection(s: HealthSnapshot): string {
  if (!s.alarms.length && !s.awsProblem) return '';
  const items = s.alarms.map(
    (a) =>
      `<li class="alarm alarm-${a.state}" tabindex="0"><strong>${esc(a.name)}</strong> <span class="state">${esc(a.state)}</span>${a.since ? ` <span class="muted small">since ${esc(new Date(a.since).toISOString().slice(0, 16).replace('T', ' '))} UTC</span>` : ''}${a.reason ? `<br><span class="small">${esc(a.reason)}</span>` : ''}</li>`,
  );
  return `<section aria-labelledby="h-alarms"><h2 id="h-alarms">CloudWatch alarms</h2>${s.awsProblem ? `<p class="notice" role="alert">${esc(s.awsProblem.message)}</p>` : ''}<ul class="alarms">${items.join('')}</ul></section>`;
}

function metricsSection(s: HealthSnapshot): string {
  if (!s.metrics.length) return '';
  const parts = s.metrics.map(
    (m, i) =>
      `<figure class="metric"><figcaption><strong>${esc(m.label)}</strong>${m.forecast ? ` — <span class="forecast ${m.forecast.alreadyAbove ? 'bad' : m.forecast.daysToThreshold !== undefined && m.forecast.daysToThreshold < 14 ? 'warn' : ''}">${esc(m.forecast.text)}</span>` : ''}</figcaption><div class="chart" id="metric-${i}" role="img" aria-label="${esc(m.label)}: ${m.points.length} points${m.points.length ? `, latest ${m.points[m.points.length - 1][1].toFixed(2)}` : ''}"></div></figure>`,
  );
  return `<section aria-labelledby="h-metrics"><h2 id="h-metrics">Metrics and capacity</h2>${parts.join('')}</section>`;
}

function costSection(s: HealthSnapshot): string {
  const c = s.cost;
  if (!c)
    return s.costProblem
      ? `<section aria-labelledby="h-cost"><h2 id="h-cost">Cost</h2><p class="notice" role="alert">${esc(s.costProblem)}</p></section>`
      : '';
  const money = (v: number) => formatMoney(v, c.currency, 2);
  return `<section aria-labelledby="h-cost"><h2 id="h-cost">Cost</h2>
    <dl class="kpis">
      <div><dt>Month to date</dt><dd id="cost-mtd">${money(c.monthToDate)}</dd></div>
      <div><dt>Forecast to month end</dt><dd class="${c.budgetAtRisk ? 'bad' : ''}">${money(c.forecastMonthEnd)}</dd></div>
      ${c.budget !== undefined ? `<div><dt>Budget</dt><dd>${money(c.budget)}${c.budgetAtRisk ? ' <span class="bad">— forecast exceeds budget</span>' : ''}</dd></div>` : ''}
      <div><dt>As of</dt><dd>${esc(new Date(c.asOf).toISOString().slice(0, 16).replace('T', ' '))} UTC${c.fromCache ? ' (cached)' : ''} <button type="button" data-action="refreshCost">Refresh cost</button></dd></div>
    </dl>
    ${s.costProblem ? `<p class="notice" role="alert">${esc(s.costProblem)}</p>` : ''}
    <div class="chart" id="cost-chart" role="img" aria-label="Daily cost for the last ${c.daily.length} days and the forecast to month end"></div>
    <div class="cols">
      <table class="grid"><caption>By service (this month)</caption><thead><tr><th scope="col">Service</th><th scope="col" class="num">Cost</th></tr></thead>
      <tbody>${c.byService.map((g) => `<tr tabindex="0"><th scope="row">${esc(g.name)}</th><td class="num">${money(g.amount)}</td></tr>`).join('') || '<tr><td colspan="2">No cost yet this month.</td></tr>'}</tbody></table>
      ${c.byStack ? `<table class="grid"><caption>By stack (tag ${esc(c.stackTag ?? '')})</caption><thead><tr><th scope="col">Stack</th><th scope="col" class="num">Cost</th></tr></thead><tbody>${c.byStack.map((g) => `<tr tabindex="0"><th scope="row">${esc(g.stack)}</th><td class="num">${money(g.amount)}</td></tr>`).join('')}</tbody></table>` : ''}
    </div></section>`;
}

function header(s: HealthSnapshot): string {
  const overall = { ok: 'All good', warning: 'Attention', error: 'Problem', unknown: 'Waiting for data' }[s.overall];
  return `<header><h1>OpsDeck Health</h1><p class="overall overall-${s.overall}" role="status">${overall}${s.role === 'reader' ? ' · results from another window' : ''}</p>
  <div class="actions"><button type="button" data-action="checkNow">Check now</button><button type="button" data-action="openConfig" class="secondary">Edit configuration</button></div></header>
  ${s.configProblem ? `<p class="notice" role="alert">${esc(s.configProblem)}</p>` : ''}
  ${s.historySkippedLines ? `<p class="small muted">${s.historySkippedLines} unreadable history line(s) skipped (an interrupted write); everything else is intact.</p>` : ''}`;
}

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
