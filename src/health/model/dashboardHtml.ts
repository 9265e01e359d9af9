// The dashboard's HTML, built from a HealthSnapshot as strings. Pure (no DOM, no `acquireVsCodeApi`):
// the webview script assigns the result to innerHTML, so every value from the workspace, AWS or the
// history goes through `esc` here, and unit tests check that it does.
import type { EndpointSnapshot, HealthSnapshot } from './snapshot';
import { formatBudget, formatLatency, formatMoney, formatPercent, formatWindow } from './statusText';

export const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const WINDOW_LABEL: Record<string, string> = { '1h': '1 h', '24h': '24 h', '7d': '7 d', '30d': '30 d', month: 'Month' };

export function stateBadge(e: EndpointSnapshot): string {
  const icon = { up: '●', down: '▲', maintenance: '◆', unknown: '○' }[e.status] ?? '○';
  const extra = [e.flapping ? 'flapping' : '', e.muted ? 'muted' : ''].filter(Boolean).join(', ');
  return `<span class="state state-${e.status}"><span aria-hidden="true">${icon}</span> ${e.status}${extra ? ` (${extra})` : ''}</span>`;
}

/** Availability cells for one SLA report, greyed while a window is not yet full. */
function windowCells(windows: EndpointSnapshot['sla']['windows']): string {
  return windows
    .map((w) => {
      const f = formatWindow(w);
      return `<td class="num${f.coverage ? ' partial muted' : ''}" data-window="${w.window}" title="${w.ok} ok, ${w.failed} failed${f.coverage ? `; ${f.coverage}, not the whole window` : ''}">${f.text}${f.coverage ? `<br><span class="small">${f.coverage}</span>` : ''}</td>`;
    })
    .join('');
}

/** The Route 53 figures under the local ones: the same windows, budget and burn, and what each checker region sees. */
function route53Row(e: EndpointSnapshot): string {
  const r = e.route53;
  if (!r) return '';
  const bt = formatBudget(r.sla.budget, r.sla);
  const burn = r.sla.burn.find((x) => x.firing);
  const obs = r.observations.length
    ? r.observations.map((o) => `<li>${esc(o.region)}: ${esc(o.status)}</li>`).join('')
    : '<li class="muted">no checker observations yet</li>';
  return `<tr class="r53" data-route53="${esc(e.name)}" tabindex="0" aria-label="${esc(e.name)} from Route 53${e.slaOfRecord === 'route53' ? ' (SLA of record)' : ''}: ${formatPercent(r.sla.sloAvailability)}">
      <th scope="row"><span class="small">Route 53${e.slaOfRecord === 'route53' ? ' <strong>(SLA of record)</strong>' : ''}</span><br><span class="muted small">check ${esc(r.checkId)} (${r.foundBy === 'tag' ? 'by its opsdeck:endpoint tag' : 'route53 in health.yaml'})</span></th>
      <td><ul class="small checkers">${obs}</ul></td>
      ${windowCells(r.sla.windows)}
      <td class="num ${bt.partial ? 'muted' : r.sla.budget.remainingRatio < 0 ? 'bad' : ''}">${esc(bt.share)}<br><span class="small muted">${esc(bt.minutes)}</span></td>
      <td class="num">${burn ? `<span class="warn">${burn.longBurn.toFixed(1)}× (${burn.severity})</span>` : `${r.sla.burn[0].longBurn.toFixed(1)}×`}</td>
      <td class="num muted">—</td>
      <td></td>
    </tr>`;
}

export function endpointsSection(s: HealthSnapshot): string {
  if (!s.endpoints.length)
    return '<section aria-labelledby="h-endpoints"><h2 id="h-endpoints">Endpoints</h2><p>No endpoints configured. Add some under <code>endpoints:</code> in the health configuration.</p></section>';
  const windows = s.endpoints[0].sla.windows.map((w) => w.window);
  const rows = s.endpoints.map((e, i) => {
    const cells = e.sla.windows
      .map((w) => {
        // A window whose history does not reach back to its start is greyed out and says how much it rests on.
        const f = formatWindow(w);
        return `<td class="num${f.coverage ? ' partial muted' : ''}" data-window="${w.window}" title="${w.ok} ok, ${w.failed} failed, ${w.excluded} in maintenance, ${w.retries} retries${f.coverage ? `; ${f.coverage}, not the whole window` : ''}">${f.text}${f.coverage ? `<br><span class="small">${f.coverage}</span>` : ''}</td>`;
      })
      .join('');
    const w24 = e.sla.windows.find((w) => w.window === '24h');
    const b = e.sla.budget;
    const bt = formatBudget(b, e.sla);
    const burn = e.sla.burn.find((x) => x.firing);
    const budgetClass = bt.partial ? 'muted' : b.remainingRatio < 0 ? 'bad' : b.remainingRatio < 0.25 ? 'warn' : '';
    return `<tr tabindex="0" data-row="${i}" aria-label="${esc(e.name)}: ${e.status}, ${formatPercent(e.sla.sloAvailability)} over ${e.sloWindowDays} days, error budget ${bt.left}">
      <th scope="row"><span class="ep-name">${esc(e.name)}</span><br><span class="muted small">${esc(e.target)}</span>${e.route53 ? '<br><span class="small">local checks (this editor)</span>' : ''}${e.route53Problem ? `<br><span class="small err">${esc(e.route53Problem)}</span>` : ''}</th>
      <td>${stateBadge(e)}${e.problem ? `<br><span class="small err">Not checked: ${esc(e.problem)}</span>` : ''}${e.lastCheck && !e.lastCheck.ok ? `<br><span class="small err">${esc(e.lastCheck.error ?? '')}</span>` : ''}${w24 && (w24.retries || w24.excluded) ? `<br><span class="small muted">24 h: ${w24.retries} retr${w24.retries === 1 ? 'y' : 'ies'} (not failures), ${w24.excluded} in maintenance (not counted)</span>` : ''}</td>
      ${cells}
      <td class="num ${budgetClass}">${esc(bt.share)}<br><span class="small muted">${esc(bt.minutes)}</span></td>
      <td class="num">${burn ? `<span class="warn">${burn.longBurn.toFixed(1)}× (${burn.severity})</span>` : `${e.sla.burn[0].longBurn.toFixed(1)}×`}</td>
      <td class="num">${formatLatency(w24?.p50)} / ${formatLatency(w24?.p95)} / ${formatLatency(w24?.p99)}</td>
      <td><button type="button" class="link" data-mute="${esc(e.name)}" aria-label="Mute notifications for ${esc(e.name)}">Mute</button></td>
    </tr>${route53Row(e)}`;
  });
  return `<section aria-labelledby="h-endpoints"><h2 id="h-endpoints">Endpoints</h2>
  <table class="grid" id="endpoints">
    <caption class="sr-only">Endpoint state, availability per window, error budget, burn rate and latency</caption>
    <thead><tr><th scope="col">Endpoint</th><th scope="col">State</th>${windows.map((w) => `<th scope="col" class="num">${WINDOW_LABEL[w] ?? w}</th>`).join('')}<th scope="col" class="num">Budget left</th><th scope="col" class="num">Burn (1 h)</th><th scope="col" class="num">p50 / p95 / p99 (24 h)</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
    <tbody>${rows.join('')}</tbody>
  </table>
  ${s.maintenance.length ? `<p class="small">Maintenance: ${s.maintenance.map((m) => `${new Date(m.startMs).toISOString().slice(0, 16)}–${new Date(m.endMs).toISOString().slice(11, 16)} UTC on ${m.endpoints ? esc(m.endpoints.join(', ')) : 'all endpoints'}${m.reason ? ` (${esc(m.reason)})` : ''}`).join('; ')} — checks are shown but not counted.</p>` : ''}
  </section>`;
}

export function alarmsSection(s: HealthSnapshot): string {
  if (!s.alarms.length && !s.awsProblem) return '';
  const items = s.alarms.map(
    (a) =>
      `<li class="alarm alarm-${esc(a.state)}" tabindex="0"><strong>${esc(a.name)}</strong> <span class="state">${esc(a.state)}</span>${a.since ? ` <span class="muted small">since ${esc(new Date(a.since).toISOString().slice(0, 16).replace('T', ' '))} UTC</span>` : ''}${a.reason ? `<br><span class="small">${esc(a.reason)}</span>` : ''}</li>`,
  );
  return `<section aria-labelledby="h-alarms"><h2 id="h-alarms">CloudWatch alarms</h2>${s.awsProblem ? `<p class="notice" role="alert">${esc(s.awsProblem.message)}</p>` : ''}<ul class="alarms">${items.join('')}</ul></section>`;
}

export function metricsSection(s: HealthSnapshot): string {
  if (!s.metrics.length) return '';
  const parts = s.metrics.map(
    (m, i) =>
      `<figure class="metric"><figcaption><strong>${esc(m.label)}</strong>${m.forecast ? ` — <span class="forecast ${m.forecast.alreadyAbove ? 'bad' : m.forecast.daysToThreshold !== undefined && m.forecast.daysToThreshold < 14 ? 'warn' : ''}">${esc(m.forecast.text)}</span>` : ''}</figcaption><div class="chart" id="metric-${i}" role="img" aria-label="${esc(m.label)}: ${m.points.length} points${m.points.length ? `, latest ${m.points[m.points.length - 1][1].toFixed(2)}` : ''}"></div></figure>`,
  );
  return `<section aria-labelledby="h-metrics"><h2 id="h-metrics">Metrics and capacity</h2>${parts.join('')}</section>`;
}

export function costSection(s: HealthSnapshot): string {
  const c = s.cost;
  if (!c)
    return s.costProblem
      ? `<section aria-labelledby="h-cost"><h2 id="h-cost">Cost</h2><p class="notice" role="alert">${esc(s.costProblem)}</p></section>`
      : '';
  // formatMoney prints an unknown currency as written (it may come from the workspace): escape it.
  const money = (v: number) => esc(formatMoney(v, c.currency, 2));
  return `<section aria-labelledby="h-cost"><h2 id="h-cost">Cost</h2>
    <dl class="kpis">
      <div><dt>Month to date</dt><dd id="cost-mtd">${money(c.monthToDate)}</dd></div>
      <div><dt>Forecast to month end</dt><dd class="${c.budgetAtRisk ? 'bad' : ''}">${money(c.forecastMonthEnd)}</dd></div>
      ${c.budget !== undefined ? `<div><dt>Budget</dt><dd>${money(c.budget)}${c.budgetAtRisk ? ' <span class="bad">— forecast exceeds budget</span>' : ''}</dd></div>` : ''}
      <div><dt>As of</dt><dd>${esc(new Date(c.asOf).toISOString().slice(0, 16).replace('T', ' '))} UTC${c.fromCache ? ' (cached)' : ''} <button type="button" data-action="refreshCost">Refresh cost</button></dd></div>
    </dl>
    ${s.costProblem ? `<p class="notice" role="alert">${esc(s.costProblem)}</p>` : ''}
    ${teamBudgetsTable(c)}
    <div class="chart" id="cost-chart" role="img" aria-label="Daily cost for the last ${c.daily.length} days and the forecast to month end"></div>
    <div class="cols">
      <table class="grid"><caption>By service (this month)</caption><thead><tr><th scope="col">Service</th><th scope="col" class="num">Cost</th></tr></thead>
      <tbody>${c.byService.map((g) => `<tr tabindex="0"><th scope="row">${esc(g.name)}</th><td class="num">${money(g.amount)}</td></tr>`).join('') || '<tr><td colspan="2">No cost yet this month.</td></tr>'}</tbody></table>
      ${c.byStack ? `<table class="grid"><caption>By stack (tag ${esc(c.stackTag ?? '')})</caption><thead><tr><th scope="col">Stack</th><th scope="col" class="num">Cost</th></tr></thead><tbody>${c.byStack.map((g) => `<tr tabindex="0"><th scope="row">${esc(g.stack)}</th><td class="num">${money(g.amount)}</td></tr>`).join('')}</tbody></table>` : ''}
    </div></section>`;
}

/** The team's AWS Budgets: limit, actual and forecast per budget; they decide the warning when present. */
function teamBudgetsTable(c: NonNullable<HealthSnapshot['cost']>): string {
  if (c.budgetsProblem) return `<p class="notice" role="status">${esc(c.budgetsProblem)}</p>`;
  if (!c.teamBudgets?.length) return '';
  const rows = c.teamBudgets.map((b) => {
    const m = (v: number | undefined) => (v === undefined ? '—' : esc(formatMoney(v, b.unit, 2)));
    const state = b.over
      ? '<span class="bad">over the limit</span>'
      : b.atRisk
        ? '<span class="bad">forecast passes the limit</span>'
        : 'within';
    return `<tr tabindex="0" data-budget="${esc(b.name)}"><th scope="row">${esc(b.name)}</th><td>${esc(b.timeUnit.toLowerCase())}</td><td class="num">${m(b.limit)}</td><td class="num">${m(b.actual)}</td><td class="num">${m(b.forecast)}</td><td>${state}</td></tr>`;
  });
  return `<table class="grid" id="team-budgets"><caption>AWS Budgets (the team's; they decide the warning${c.budget !== undefined ? ', not the local budget' : ''})</caption><thead><tr><th scope="col">Budget</th><th scope="col">Period</th><th scope="col" class="num">Limit</th><th scope="col" class="num">Actual</th><th scope="col" class="num">Forecast</th><th scope="col">State</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function header(s: HealthSnapshot): string {
  const overall = { ok: 'All good', warning: 'Attention', error: 'Problem', unknown: 'Waiting for data' }[s.overall];
  return `<header><h1>OpsDeck Health</h1><p class="overall overall-${s.overall}" role="status">${overall}${s.role === 'reader' ? ' · results from another window' : ''}</p>
  <div class="actions"><button type="button" data-action="checkNow">Check now</button><button type="button" data-action="openConfig" class="secondary">Edit configuration</button></div></header>
  ${s.configProblem ? `<p class="notice" role="alert">${esc(s.configProblem)}</p>` : ''}
  ${s.route53Problem ? `<p class="notice" role="alert">${esc(s.route53Problem)}</p>` : ''}
  ${s.notProbingReason ? `<p class="notice" role="status">${esc(s.notProbingReason)}</p>` : ''}
  ${s.historySkippedLines ? `<p class="small muted">${s.historySkippedLines} unreadable history line(s) skipped (an interrupted write); everything else is intact.</p>` : ''}`;
}
