// What the status bar says, and its Markdown tooltip, from the one snapshot. Pure.
import { MINUTE, isPartial } from './slaMath';
import type { TeamBudgetView } from './teamBudgets';
import { EndpointSnapshot, HealthSnapshot, Overall } from './snapshot';

export function formatPercent(ratio: number | undefined): string {
  if (ratio === undefined) return '—';
  if (ratio >= 1) return '100%';
  // Truncate rather than round: 99.999% must never read as 100%.
  const v = Math.floor(ratio * 10000) / 100;
  return `${v.toFixed(2)}%`;
}

export function formatMoney(amount: number, currency = 'USD', decimals = 0): string {
  try {
    return new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency,
      maximumFractionDigits: decimals,
      minimumFractionDigits: decimals,
    }).format(amount);
  } catch {
    return `${amount.toFixed(decimals)} ${currency}`;
  }
}

export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(ms)} ms`;
  if (abs < 60_000) return `${Math.round(ms / 1000)} s`;
  if (abs < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (abs < 86_400_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} d`;
}

export function formatLatency(ms: number | undefined): string {
  if (ms === undefined) return '—';
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

/**
 * Error budget for people: "73% (31 of 43 min)", or how far it is overspent. Overspending is told as a
 * multiple of the budget: the budget is a share of failures, so "overspent by N min" would project a short
 * outage over the whole window and name minutes of downtime that never happened.
 *
 * While the history is younger than the SLO window (`coverage`), the budget is not stated at all: minutes
 * of data say nothing about 30 days. What they do say is the burn rate, told as what it means: how long
 * the whole budget would last if failures went on at that rate. `left` reads in a sentence ("73% left").
 */
export function formatBudget(
  b: { remainingRatio: number; remainingMinutes: number; totalMinutes: number },
  coverage?: { sloWindowMs: number; sloCoveredMs: number },
): { share: string; minutes: string; left: string; partial: boolean } {
  const mins = (m: number) => `${Math.round(m).toLocaleString('en-US')} min`;
  if (coverage && isPartial({ spanMs: coverage.sloWindowMs, coveredMs: coverage.sloCoveredMs })) {
    const burn = 1 - b.remainingRatio;
    const data = coverage.sloCoveredMs > 0 ? `${formatDuration(coverage.sloCoveredMs)} of data` : 'no data yet';
    const minutes =
      coverage.sloCoveredMs <= 0
        ? 'no checks yet'
        : burn <= 0
          ? 'no failures so far'
          : burn <= 1
            ? `failures at ${burn.toFixed(1)}× the sustainable rate (within the ${mins(b.totalMinutes)} budget)`
            : `failures at ${burn.toFixed(1)}× the sustainable rate: the ${mins(b.totalMinutes)} budget would last ${formatDuration(coverage.sloWindowMs / burn)} at that rate`;
    return { share: `too early (${data})`, minutes, left: `too early to tell (${data})`, partial: true };
  }
  if (b.remainingRatio < 0)
    return {
      share: 'exhausted',
      minutes: `failing at ${(1 - b.remainingRatio).toFixed(1)}× the ${mins(b.totalMinutes)} budget`,
      left: 'exhausted',
      partial: false,
    };
  const share = `${Math.floor(b.remainingRatio * 100)}%`;
  return { share, minutes: `${mins(b.remainingMinutes)} of ${mins(b.totalMinutes)}`, left: `${share} left`, partial: false };
}

/** Availability for a window, with how much data it rests on while the window is not yet full. */
export function formatWindow(w: { availability?: number; spanMs: number; coveredMs: number; observedMs?: number }): {
  text: string;
  coverage?: string;
} {
  const text = formatPercent(w.availability);
  const observed = w.observedMs ?? w.coveredMs;
  if (isPartial(w)) return { text, coverage: observed > 0 ? `over ${formatDuration(observed)} of data` : 'no data yet' };
  // A full window with gaps (no window was probing): the figure is over the observed time only.
  if (observed < w.coveredMs - MINUTE)
    return { text, coverage: `over ${formatDuration(observed)} observed, ${formatDuration(w.coveredMs - observed)} not observed` };
  return { text };
}

/** One line for the tree, the tooltip and the warning: "prod-monthly: $420 of $500, forecast $610 (over)". */
export function budgetLine(b: TeamBudgetView): string {
  const m = (v: number) => formatMoney(v, b.unit);
  return `${b.name}: ${m(b.actual)} of ${m(b.limit)} ${b.timeUnit.toLowerCase()}${b.forecast !== undefined ? `, forecast ${m(b.forecast)}` : ''}${b.over ? ' — over the limit' : b.atRisk ? ' — forecast passes the limit' : ''}`;
}

/** The SLA that counts for an endpoint: Route 53's where it is the SLA of record, else the local one. */
export function recordSla(e: Pick<EndpointSnapshot, 'sla' | 'route53' | 'slaOfRecord'>): EndpointSnapshot['sla'] {
  return e.slaOfRecord === 'route53' && e.route53 ? e.route53.sla : e.sla;
}

/** The budget counts toward the colour only once the SLO window holds enough data (see formatBudget). */
const budgetLow = (e: EndpointSnapshot) => {
  const sla = recordSla(e);
  return !isPartial({ spanMs: sla.sloWindowMs, coveredMs: sla.sloCoveredMs }) && sla.budget.remainingRatio < 0.25;
};

/**
 * Why the status bar has its colour, one line per cause, for the tooltip: a yellow bar a user cannot
 * explain (the demo's flaky endpoint turns it yellow within seconds, on purpose) reads as a bug.
 */
export function overallReasons(s: Pick<HealthSnapshot, 'endpoints' | 'alarms' | 'cost' | 'awsProblem'>): string[] {
  const out: string[] = [];
  for (const e of s.endpoints) {
    if (e.status === 'down') out.push(`${e.name} is down`);
    if (e.flapping) out.push(`${e.name} is flapping`);
    const firing = recordSla(e).burn.find((b) => b.firing);
    if (firing)
      out.push(
        `${e.name} fails ${firing.longBurn.toFixed(1)}× faster than its ${formatPercent(e.slo)} SLO allows (burn-rate ${firing.severity} alert over ${formatDuration(firing.longMs)})`,
      );
    else if (budgetLow(e)) out.push(`${e.name} has ${formatBudget(recordSla(e).budget).left} of its error budget`);
  }
  for (const a of s.alarms) if (a.state === 'ALARM') out.push(`alarm ${a.name} is firing`);
  const risky = s.cost?.teamBudgets?.filter((b) => b.atRisk) ?? [];
  if (risky.length)
    out.push(`AWS budget ${risky.map((b) => b.name).join(', ')} ${risky.length === 1 ? 'is' : 'are'} forecast past the limit`);
  else if (s.cost?.budgetAtRisk) out.push('the cost forecast passes the budget');
  if (s.awsProblem?.kind === 'credentials') out.push('AWS credentials need attention');
  return out;
}

/** Worst of: endpoints down, alarms firing, budget at risk, burn alerts. */
export function overallOf(s: Pick<HealthSnapshot, 'endpoints' | 'alarms' | 'cost' | 'awsProblem'>): Overall {
  if (s.endpoints.some((e) => e.status === 'down') || s.alarms.some((a) => a.state === 'ALARM')) return 'error';
  if (
    s.endpoints.some((e) => e.flapping || recordSla(e).burn.some((b) => b.firing) || budgetLow(e)) ||
    s.cost?.budgetAtRisk ||
    s.awsProblem?.kind === 'credentials'
  )
    return 'warning';
  if (!s.endpoints.length && !s.alarms.length && !s.cost) return 'unknown';
  if (s.endpoints.length && s.endpoints.every((e) => e.status === 'unknown')) return 'unknown';
  return 'ok';
}

const ICON: Record<Overall, string> = { ok: '$(pass)', warning: '$(warning)', error: '$(error)', unknown: '$(pulse)' };

/** The lowest availability over each endpoint's SLO window: the number on-call cares about. */
export function worstAvailability(endpoints: readonly EndpointSnapshot[]): number | undefined {
  let worst: number | undefined;
  for (const e of endpoints) {
    const a = recordSla(e).sloAvailability;
    if (a !== undefined && (worst === undefined || a < worst)) worst = a;
  }
  return worst;
}

export function statusBarText(s: Pick<HealthSnapshot, 'endpoints' | 'alarms' | 'cost' | 'awsProblem' | 'configProblem'>): string {
  const overall = overallOf(s);
  const parts: string[] = [];
  const down = s.endpoints.filter((e) => e.status === 'down').length;
  if (down) parts.push(`${down} down`);
  if (s.endpoints.length) parts.push(formatPercent(worstAvailability(s.endpoints)));
  const firing = s.alarms.filter((a) => a.state === 'ALARM').length;
  if (firing) parts.push(`${firing} alarm${firing === 1 ? '' : 's'}`);
  if (s.cost) parts.push(`${formatMoney(s.cost.monthToDate, s.cost.currency)} MTD`);
  if (!parts.length) parts.push(s.configProblem ? 'config error' : 'Health');
  return `${ICON[overall]} ${parts.join(' · ')}`;
}

/** Escapes Markdown (and the `<` of inline HTML) so data reads as text. */
export const md = (s: string) => s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);

const STATE_ICON: Record<string, string> = { up: '$(pass)', down: '$(error)', unknown: '$(question)', maintenance: '$(tools)' };

/** Markdown for the status bar tooltip (rendered with isTrusted limited to OpsDeck commands). */
export function tooltipMarkdown(s: HealthSnapshot): string {
  const lines: string[] = ['**OpsDeck Health**', ''];
  const overall = s.overall ?? overallOf(s);
  if (overall === 'warning' || overall === 'error')
    lines.push(
      `$(${overall === 'error' ? 'error' : 'warning'}) ${overall === 'error' ? 'Red' : 'Yellow'} because ${md(overallReasons(s).join('; '))}.`,
      '',
    );
  if (s.configProblem) lines.push(`$(warning) ${md(s.configProblem)}`, '');
  if (s.endpoints.length) {
    lines.push('| Endpoint | State | 24 h | SLO window | Budget left | p95 |', '|---|---|---:|---:|---:|---:|');
    for (const e of s.endpoints) {
      const w24 = e.sla.windows.find((w) => w.window === '24h');
      const state = `${STATE_ICON[e.status] ?? ''} ${e.status}${e.flapping ? ' (flapping)' : ''}${e.muted ? ' (muted)' : ''}`;
      const budget = formatBudget(recordSla(e).budget, recordSla(e));
      const w24text = w24 ? formatWindow(w24) : { text: '—' };
      lines.push(
        `| ${md(e.name)} | ${state} | ${w24text.text}${w24text.coverage ? ` (${w24text.coverage})` : ''} | ${formatPercent(recordSla(e).sloAvailability)} of ${formatPercent(e.slo)}${e.slaOfRecord === 'route53' && e.route53 ? ' (Route 53)' : ''} | ${budget.share} (${budget.minutes}) | ${formatLatency(w24?.p95)} |`,
      );
    }
    lines.push('');
  } else lines.push('No endpoints configured.', '');
  const firing = s.alarms.filter((a) => a.state === 'ALARM');
  if (firing.length) lines.push(`$(bell) Alarms firing: ${firing.map((a) => md(a.name)).join(', ')}`, '');
  if (s.cost) {
    lines.push(
      `$(credit-card) ${formatMoney(s.cost.monthToDate, s.cost.currency)} month to date, forecast ${formatMoney(s.cost.forecastMonthEnd, s.cost.currency)}${!s.cost.teamBudgets?.length && s.cost.budget !== undefined ? ` of ${formatMoney(s.cost.budget, s.cost.currency)} budget` : ''}${!s.cost.teamBudgets?.length && s.cost.budgetAtRisk ? ' $(warning) over budget' : ''} (as of ${new Date(s.cost.asOf).toISOString().slice(0, 16).replace('T', ' ')} UTC)`,
      '',
    );
    for (const b of s.cost.teamBudgets ?? []) lines.push(`${b.atRisk ? '$(warning)' : '$(pie-chart)'} ${md(budgetLine(b))}`, '');
  }
  if (s.awsProblem) lines.push(`$(warning) AWS: ${md(s.awsProblem.message)}`, '');
  if (s.role === 'reader') lines.push('_Another window runs the checks; this one shows its results._', '');
  // "Refresh cost" only where there is a cost to refresh: health.yaml has a `cost:` section.
  const links = [
    '[$(dashboard) Open dashboard](command:opsdeck.openHealthDashboard)',
    '[$(refresh) Check now](command:opsdeck.checkHealthNow)',
    ...(s.costEnabled || s.cost ? ['[$(credit-card) Refresh cost](command:opsdeck.refreshCost)'] : []),
    '[$(gear) Edit config](command:opsdeck.openHealthConfig)',
  ];
  lines.push(links.join(' · '));
  return lines.join('\n');
}

/** Markdown for an endpoint's tooltip in the Health tree. */
export function endpointTooltipMarkdown(e: Pick<EndpointSnapshot, 'name' | 'target' | 'lastCheck' | 'problem'>): string {
  // Names, targets and errors come from the workspace and the endpoints: escaped, so they read as text.
  const state = e.problem
    ? `Not checked: ${md(e.problem)}`
    : e.lastCheck?.error
      ? `Last error: ${md(e.lastCheck.error)}`
      : e.lastCheck
        ? 'Last check passed'
        : 'Not checked yet';
  return `**${md(e.name)}** — ${md(e.target)}\n\n${state}`;
}
