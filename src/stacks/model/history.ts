// History entries (the Automation API's UpdateSummary) as tree rows: kind, result, when, who,
// duration and resource changes, plus the git commit when the update recorded one (for rollback).

export interface UpdateSummaryLike {
  kind: string;
  startTime: string | Date;
  endTime?: string | Date;
  message?: string;
  environment?: Record<string, string>;
  result: string;
  version: number;
  resourceChanges?: Record<string, number>;
}

export interface HistoryRow {
  version: number;
  label: string;
  description: string;
  tooltip: string;
  result: string;
  kind: string;
  commit?: string;
  icon: string;
  /** Position of the entry in the list given to historyRows (to find its full record). */
  index?: number;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return `${m}m ${s % 60}s`;
}

export function formatWhen(d: Date, now: Date): string {
  const diff = now.getTime() - d.getTime();
  if (diff >= 0 && diff < 60_000) return 'just now';
  if (diff >= 0 && diff < 3_600_000) return `${Math.floor(diff / 60_000)} min ago`;
  if (diff >= 0 && diff < 86_400_000) return `${Math.floor(diff / 3_600_000)} h ago`;
  return d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

export function changesLine(rc: Record<string, number> | undefined): string {
  if (!rc) return '';
  const order = ['create', 'update', 'replace', 'delete', 'same'];
  const sign: Record<string, string> = { create: '+', update: '~', replace: '±', delete: '-', same: '=' };
  return order
    .filter((k) => (rc[k] ?? 0) > 0)
    .map((k) => `${sign[k]}${rc[k]}`)
    .join(' ');
}

export function commitOf(u: UpdateSummaryLike): string | undefined {
  const c = u.environment?.['git.head'];
  return c && /^[0-9a-f]{7,40}$/i.test(c) ? c : undefined;
}

export function whoOf(u: UpdateSummaryLike): string | undefined {
  const e = u.environment ?? {};
  return e['git.author'] || e['git.committer'] || e['exec.user'] || undefined;
}

export function historyRow(u: UpdateSummaryLike, now: Date): HistoryRow {
  const start = new Date(u.startTime);
  const end = u.endTime ? new Date(u.endTime) : undefined;
  // History records keep whole seconds: an update that started and ended in the same second took "< 1s", not "0 ms".
  const ms = end ? end.getTime() - start.getTime() : undefined;
  const dur = ms === undefined ? 'running' : ms === 0 ? '< 1s' : formatDuration(ms);
  const who = whoOf(u);
  const changes = changesLine(u.resourceChanges);
  const commit = commitOf(u);
  const icon =
    u.result === 'succeeded' ? 'pass' : u.result === 'failed' ? 'error' : u.result === 'in-progress' ? 'sync~spin' : 'circle-slash';
  const tooltip = [
    `#${u.version} ${u.kind} — ${u.result}`,
    `started ${start.toISOString()}`,
    `duration ${dur}`,
    who ? `by ${who}` : undefined,
    changes ? `changes ${changes}` : undefined,
    commit ? `git ${commit}${u.environment?.['git.dirty'] === 'true' ? ' (uncommitted changes)' : ''}` : undefined,
    u.message ? `message: ${u.message}` : undefined,
  ]
    .filter(Boolean)
    .join('\n');
  return {
    version: u.version,
    label: `#${u.version} ${u.kind}`,
    description: [u.result, formatWhen(start, now), dur, who, changes].filter(Boolean).join(' · '),
    tooltip,
    result: u.result,
    kind: u.kind,
    commit,
    icon,
  };
}

/**
 * Rows newest first. The file backend reports version 0 for every update, so when versions are
 * missing they are numbered by position (the CLI's history lists newest first as well).
 */
export function historyRows(us: readonly UpdateSummaryLike[], now: Date): HistoryRow[] {
  const indexed = us.map((u, index) => ({ u, index }));
  const numbered = us.some((u) => u.version > 0)
    ? indexed.sort((a, b) => b.u.version - a.u.version)
    : indexed
        .sort((a, b) => new Date(b.u.startTime).getTime() - new Date(a.u.startTime).getTime())
        .map((x, i, all) => ({ u: { ...x.u, version: all.length - i }, index: x.index }));
  return numbered.map((x) => ({ ...historyRow(x.u, now), index: x.index }));
}
