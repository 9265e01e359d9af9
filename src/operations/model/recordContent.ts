// What OpsDeck writes into an operation record, as markdown: the state before (taken when the preview
// ran), the change list, the verification window's before/after comparison, and the rollback target.
// Pure: figures in, markdown out; names and messages from the cloud are escaped for tables.
import type { ChangeOp } from '../../stacks/model/changeModel';
import type { Risk } from './risk';

export interface EndpointFigures {
  name: string;
  status: string;
  slo: number;
  availability24h?: number;
  availability30d?: number;
  p95Ms?: number;
  budgetLeftPct?: number;
  /** How much history the figures rest on, e.g. "3 min of data" when less than the window. */
  coverage?: string;
}

export interface PreState {
  takenAt: string;
  endpoints: EndpointFigures[];
  alarmsFiring: Array<{ name: string; since?: string; reason?: string }>;
  cost?: { text: string };
  resources?: number;
  lastUpdate?: { version: number; when?: string; who?: string; commit?: string };
  /** Why a part is missing (no health configuration, AWS not reachable...). */
  notes: string[];
}

export interface ChangeEntry {
  op: ChangeOp;
  type: string;
  name: string;
  properties: string[];
  replaceReasons: string[];
}

export interface ChangeSummary {
  operation: string;
  countsLine: string;
  entries: ChangeEntry[];
}

export interface WindowEndpoint {
  name: string;
  beforeP95Ms?: number;
  afterP95Ms?: number;
  beforeAvailability?: number;
  afterAvailability?: number;
  checks: number;
}

export interface VerificationResult {
  minutes: number;
  endpoints: WindowEndpoint[];
  alarmsStarted: Array<{ name: string; since: string }>;
  verdict: 'passed' | 'regressed' | 'cut short';
  regressions: string[];
  /** Seconds from the deploy's end to the first regression, and from then to the rollback's end. */
  detectionSeconds?: number;
  rollbackSeconds?: number;
}

export interface RollbackTarget {
  version: number;
  when?: string;
  commit?: string;
  /** `command:opsdeck.rollback?…` for the link. */
  commandUri: string;
}

/** A table cell: no pipes, no line breaks, no raw HTML. */
export function cell(s: string | number | undefined): string {
  if (s === undefined || s === '') return '—';
  return String(s).replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const pct = (v: number | undefined, digits = 2) => (v === undefined ? undefined : `${v.toFixed(digits)}%`);
const ms = (v: number | undefined) => (v === undefined ? undefined : `${Math.round(v)} ms`);

export function renderRisk(r: Risk): string {
  return `OpsDeck's assessment from the preview: **${r.level}** (${cell(r.reason)}).`;
}

export function renderPreState(p: PreState): string {
  const out: string[] = [`Measured by OpsDeck when the preview ran (${p.takenAt}).`, ''];
  if (p.endpoints.length) {
    out.push('| Endpoint | Status | Availability 24 h | Availability 30 d | p95 latency | Error budget left | SLO |');
    out.push('|---|---|---|---|---|---|---|');
    for (const e of p.endpoints) {
      out.push(
        `| ${cell(e.name)} | ${cell(e.status)} | ${cell(pct(e.availability24h, 3))} | ${cell(pct(e.availability30d, 3))}${e.coverage ? ` (${cell(e.coverage)})` : ''} | ${cell(ms(e.p95Ms))} | ${cell(pct(e.budgetLeftPct, 1))} | ${e.slo}% |`,
      );
    }
    out.push('');
  }
  out.push(
    p.alarmsFiring.length
      ? `**CloudWatch alarms firing**: ${p.alarmsFiring.map((a) => `${cell(a.name)}${a.since ? ` (since ${a.since})` : ''}`).join(', ')}`
      : '**CloudWatch alarms firing**: none',
  );
  if (p.cost) out.push(`**Cost**: ${cell(p.cost.text)}`);
  if (p.resources !== undefined) out.push(`**Resources in the stack**: ${p.resources}`);
  if (p.lastUpdate) {
    const u = p.lastUpdate;
    out.push(
      `**Last update**: #${u.version}${u.when ? ` at ${u.when}` : ''}${u.who ? ` by ${cell(u.who)}` : ''}${u.commit ? ` (commit \`${u.commit.slice(0, 12)}\`)` : ''}`,
    );
  }
  for (const n of p.notes) out.push(`> ${cell(n)}`);
  return out.join('\n');
}

export function renderChange(c: ChangeSummary): string {
  const out = [`**${c.operation}**: ${c.countsLine}.`];
  if (c.entries.length) {
    out.push(
      '',
      `<details><summary>${c.entries.length} resource${c.entries.length === 1 ? '' : 's'} in the change</summary>`,
      '',
      '| Operation | Type | Name | Properties changed | Replaced because of |',
      '|---|---|---|---|---|',
    );
    for (const e of c.entries) {
      out.push(
        `| ${e.op} | \`${cell(e.type)}\` | ${cell(e.name)} | ${cell(e.properties.join(', '))} | ${cell(e.replaceReasons.join(', '))} |`,
      );
    }
    out.push('', '</details>');
  }
  return out.join('\n');
}

export function renderVerification(v: VerificationResult): string {
  const verdict =
    v.verdict === 'passed'
      ? `✅ no regression in ${v.minutes} min`
      : v.verdict === 'regressed'
        ? `❌ regression: ${v.regressions.map(cell).join('; ')}`
        : `⏹ cut short: ${v.regressions.map(cell).join('; ') || 'the window was stopped'}`;
  const out = [`**Verification (${v.minutes} min after the deploy)**: ${verdict}`];
  if (v.detectionSeconds !== undefined) out.push(`**Detected**: ${v.detectionSeconds.toFixed(1)} s after the deploy ended`);
  if (v.rollbackSeconds !== undefined) out.push(`**Rolled back**: ${v.rollbackSeconds.toFixed(1)} s after detection`);
  if (v.endpoints.length) {
    out.push(
      '',
      '| Endpoint | p95 before | p95 after | Availability before (24 h) | Availability in the window | Checks |',
      '|---|---|---|---|---|---|',
    );
    for (const e of v.endpoints) {
      out.push(
        `| ${cell(e.name)} | ${cell(ms(e.beforeP95Ms))} | ${cell(ms(e.afterP95Ms))} | ${cell(pct(e.beforeAvailability, 3))} | ${cell(pct(e.afterAvailability, 3))} | ${e.checks} |`,
      );
    }
  }
  if (v.alarmsStarted.length) {
    out.push('', `**Alarms that started during the operation**: ${v.alarmsStarted.map((a) => `${cell(a.name)} (${a.since})`).join(', ')}`);
  }
  return out.join('\n');
}

export function renderRollback(t: RollbackTarget, stackRef: string): string {
  return [
    `Return \`${cell(stackRef)}\` to update **#${t.version}**${t.when ? ` (${t.when})` : ''}${t.commit ? `, commit \`${t.commit.slice(0, 12)}\`` : ''}:`,
    '',
    `- In VS Code: [Roll back with OpsDeck](${t.commandUri}) (or the CodeLens above this section): it checks the commit out into a temporary worktree, previews, and deploys after you confirm.`,
    t.commit
      ? `- By hand: \`git worktree add /tmp/rollback ${t.commit.slice(0, 12)} && cd /tmp/rollback/<project> && pulumi up --stack ${cell(stackRef.split('/').pop())}\``
      : '- By hand: check out the program as it was at that update and run `pulumi up` on the stack.',
  ].join('\n');
}
