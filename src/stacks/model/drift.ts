// Drift: what a preview-only refresh found different between the state and the cloud, per resource
// and property (state value → cloud value), and when a scheduled check may run next. Pure.
import { ChangeModel, PropertyChange, isUserResource } from './changeModel';

export interface DriftedResource {
  urn: string;
  name: string;
  type: string;
  /** changed: properties differ; deleted: the cloud no longer has it. */
  kind: 'changed' | 'deleted';
  /** old = the state's value, new = the cloud's value. */
  properties: PropertyChange[];
}

export interface DriftReport {
  stack: string;
  /** Milliseconds since the epoch. */
  checkedAt: number;
  resources: DriftedResource[];
}

/** The drift in a preview-only refresh's change model. */
export function driftFromModel(model: ChangeModel, checkedAt: number): DriftReport {
  const resources: DriftedResource[] = [];
  for (const r of model.resources) {
    if (!isUserResource(r)) continue;
    if (r.op === 'delete') resources.push({ urn: r.urn, name: r.name, type: r.type, kind: 'deleted', properties: [] });
    else if (r.op === 'update' || r.op === 'replace') {
      // Since Pulumi 3.1xx a refresh also reports a resource whose state outputs differ from its
      // program inputs (as after an accepted drift); only a difference between the state and the cloud is drift.
      const properties = r.diffs.filter((p) => p.old !== p.new);
      if (properties.length) resources.push({ urn: r.urn, name: r.name, type: r.type, kind: 'changed', properties });
    }
  }
  return { stack: model.stack, checkedAt, resources };
}

/** "1 resource drifted" / "no drift". */
export function driftLine(r: DriftReport): string {
  const n = r.resources.length;
  return n ? `${n} resource${n === 1 ? '' : 's'} drifted` : 'no drift';
}

/** The tooltip line of one drifted resource: "a: content "hello" → "edited"" or "b: deleted outside Pulumi". */
export function driftedResourceLine(d: DriftedResource): string {
  if (d.kind === 'deleted') return `${d.name}: deleted outside Pulumi`;
  const props = d.properties.map((p) => `${p.path} ${p.old} → ${p.new}`);
  return `${d.name}: ${props.length ? props.join('; ') : 'changed'}`;
}

export const MAX_BACKOFF_FACTOR = 8;

/**
 * Minutes until the next scheduled check of a stack: the setting's interval, doubled for each check in
 * a row that could not reach the backend, up to 8 × the interval.
 */
export function nextCheckMinutes(intervalMinutes: number, unreachableInARow: number): number {
  if (!(intervalMinutes > 0)) return 0;
  return intervalMinutes * Math.min(MAX_BACKOFF_FACTOR, 2 ** Math.max(0, unreachableInARow));
}

export interface ScheduleInput {
  intervalMinutes: number;
  trusted: boolean;
  /** An operation runs on the stack now. */
  busy: boolean;
  /** When the stack was last checked (ms), if ever in this window. */
  lastCheckAt?: number;
  unreachableInARow: number;
  now: number;
}

/** Whether a scheduled check of a stack is due now: never untrusted, never while the stack is busy. */
export function checkDue(s: ScheduleInput): boolean {
  if (!(s.intervalMinutes > 0) || !s.trusted || s.busy) return false;
  if (s.lastCheckAt === undefined) return true;
  return s.now - s.lastCheckAt >= nextCheckMinutes(s.intervalMinutes, s.unreachableInARow) * 60_000;
}
