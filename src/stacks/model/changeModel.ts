// Reduces the engine's event stream into what the change view shows: per resource its operation,
// status, property diffs (old → new) and replacement reasons; diagnostics with their resource;
// counts per operation; the final summary. Pure, incremental (feed events one by one), so the view
// can fill in live and tests can replay recorded events.
import { EngineEventLike, OpType, OperationKind, StepMetadata } from './engineEvents';
import { getPath, renderValue, splitPath, stripColour } from './values';
import { parseUrn } from './urn';
import { DiffLine, lineDiff } from './lineDiff';
import { countsAsResource } from './resourceCount';
import { PolicyViolation, violationOf } from './policy';

/** The operation a user reads: the engine's step ops folded into six words. */
export type ChangeOp = 'create' | 'update' | 'replace' | 'delete' | 'same' | 'read';
export const CHANGE_OPS: readonly ChangeOp[] = ['create', 'update', 'replace', 'delete', 'read', 'same'];

export type ResourceStatus = 'pending' | 'running' | 'done' | 'failed';

export interface PropertyChange {
  path: string;
  kind: 'add' | 'delete' | 'update';
  /** True when this property's change forces a replacement. */
  replace: boolean;
  old: string;
  new: string;
  /** For a multi-line string value: the line diff old → new (shown instead of the two columns). */
  lines?: DiffLine[];
}

/** Adds the line diff when old and new are multi-line strings. */
function withLines<T extends { old: string; new: string }>(c: T, o: unknown, n: unknown): T & { lines?: DiffLine[] } {
  const lines = lineDiff(o, n);
  return lines ? { ...c, lines } : c;
}

export interface ChangeDiagnostic {
  severity: 'error' | 'warning' | 'info';
  urn?: string;
  message: string;
}

export interface ResourceChange {
  urn: string;
  name: string;
  type: string;
  parentUrn?: string;
  op: ChangeOp;
  /** The engine's own step ops seen for this resource, in order (e.g. create-replacement, replace, delete-replaced). */
  steps: OpType[];
  status: ResourceStatus;
  diffs: PropertyChange[];
  replaceReasons: string[];
  diagnostics: ChangeDiagnostic[];
}

export interface ChangeModel {
  operation: OperationKind;
  stack: string;
  /** Resources in first-seen order. */
  resources: ResourceChange[];
  diagnostics: ChangeDiagnostic[];
  /** The stack's own outputs differ between the state and this run (a change even when no resource changes). */
  outputsChanged?: boolean;
  /** Policy-pack violations and remediations, in the order the engine reported them. */
  policies: PolicyViolation[];
  counts: Record<ChangeOp, number>;
  finished: boolean;
  result?: 'succeeded' | 'failed' | 'cancelled';
  summary?: { durationSeconds: number; resourceChanges: Record<string, number>; maybeCorrupt: boolean };
  cancelled: boolean;
}

export function emptyModel(operation: OperationKind, stack: string): ChangeModel {
  return {
    operation,
    stack,
    resources: [],
    diagnostics: [],
    policies: [],
    counts: { create: 0, update: 0, replace: 0, delete: 0, same: 0, read: 0 },
    finished: false,
    cancelled: false,
  };
}

export function foldOp(op: OpType): ChangeOp {
  switch (op) {
    case 'create':
    case 'import':
      return 'create';
    case 'update':
      return 'update';
    case 'replace':
    case 'create-replacement':
    case 'delete-replaced':
    case 'import-replacement':
    case 'read-replacement':
    case 'discard-replaced':
    case 'remove-pending-replace':
      return 'replace';
    case 'delete':
    case 'discard':
      return 'delete';
    case 'read':
      return 'read';
    case 'refresh':
    case 'same':
      return 'same';
  }
}

/** Replace dominates the other ops of one resource; then delete, create, update, read, same. */
const RANK: Record<ChangeOp, number> = { replace: 5, delete: 4, create: 3, update: 2, read: 1, same: 0 };

const INTERNAL_KEYS = new Set(['__provider', '__meta']);

export class ChangeModelBuilder {
  readonly model: ChangeModel;
  private readonly byUrn = new Map<string, ResourceChange>();

  constructor(operation: OperationKind, stack: string) {
    this.model = emptyModel(operation, stack);
  }

  /** Applies one event; returns true when something visible changed. */
  apply(e: EngineEventLike): boolean {
    if (e.resourcePreEvent) return this.onStep(e.resourcePreEvent.metadata, 'running');
    if (e.resOutputsEvent) return this.onStep(e.resOutputsEvent.metadata, 'done');
    if (e.resOpFailedEvent) {
      const r = this.resource(e.resOpFailedEvent.metadata);
      r.status = 'failed';
      return true;
    }
    if (e.diagnosticEvent) {
      const d = e.diagnosticEvent;
      if (d.ephemeral) return false;
      const message = stripColour(d.message).trim();
      if (!message) return false;
      const severity: ChangeDiagnostic['severity'] = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'info';
      // The engine's own "info" chatter (program stdout) belongs in the log, not in the change view.
      if (severity === 'info') return false;
      const diag: ChangeDiagnostic = { severity, urn: d.urn || undefined, message };
      this.model.diagnostics.push(diag);
      if (diag.urn) {
        const r = this.byUrn.get(diag.urn);
        if (r) {
          r.diagnostics.push(diag);
          if (severity === 'error') r.status = 'failed';
        }
      }
      return true;
    }
    if (e.policyEvent || (e as { policyRemediationEvent?: unknown }).policyRemediationEvent) {
      const v = violationOf(e);
      if (!v) return false;
      this.model.policies.push(v);
      return true;
    }
    if (e.cancelEvent) {
      this.model.finished = true;
      return true;
    }
    if (e.summaryEvent) {
      this.model.summary = {
        durationSeconds: e.summaryEvent.durationSeconds,
        resourceChanges: { ...e.summaryEvent.resourceChanges },
        maybeCorrupt: e.summaryEvent.maybeCorrupt,
      };
      return true;
    }
    return false;
  }

  /** Marks the run as ended; resources still running are reported as pending (never done). */
  finish(result: 'succeeded' | 'failed' | 'cancelled'): void {
    this.model.finished = true;
    this.model.result = result;
    this.model.cancelled = result === 'cancelled';
    if (result !== 'succeeded') for (const r of this.model.resources) if (r.status === 'running') r.status = 'pending';
  }

  private resource(m: StepMetadata): ResourceChange {
    let r = this.byUrn.get(m.urn);
    if (!r) {
      const p = parseUrn(m.urn);
      r = {
        urn: m.urn,
        name: p.name,
        type: m.type,
        parentUrn: (m.new ?? m.old)?.parent || undefined,
        op: foldOp(m.op),
        steps: [],
        status: 'pending',
        diffs: [],
        replaceReasons: [],
        diagnostics: [],
      };
      this.byUrn.set(m.urn, r);
      this.model.resources.push(r);
      this.model.counts[r.op]++;
    }
    return r;
  }

  private onStep(m: StepMetadata, phase: 'running' | 'done'): boolean {
    const r = this.resource(m);
    if (m.type === 'pulumi:pulumi:Stack' && (foldOp(m.op) !== 'same' || (phase === 'done' && stackOutputsDiffer(m))))
      this.model.outputsChanged = true;
    if (!r.steps.includes(m.op)) r.steps.push(m.op);
    let op = foldOp(m.op);
    // A refresh reports op "refresh" for every resource; what changed is in the diff between states.
    if (m.op === 'refresh' && this.model.operation === 'refresh') op = refreshOp(m);
    if (RANK[op] > RANK[r.op] || (m.op === 'refresh' && op !== r.op)) {
      this.model.counts[r.op]--;
      r.op = op;
      this.model.counts[op]++;
    }
    if (r.status !== 'failed') {
      // A replace is several steps: it is done only when its last step reports outputs.
      r.status = phase === 'done' && !(r.op === 'replace' && m.op === 'create-replacement') ? 'done' : 'running';
    }
    const diffs = propertyChanges(m, this.model.operation);
    if (diffs.length) r.diffs = diffs;
    const reasons = replaceReasons(m);
    if (reasons.length) r.replaceReasons = reasons;
    return true;
  }
}

/** The engine's placeholder for a value a preview cannot know yet. */
const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

/**
 * Whether the stack's registered outputs (its resOutputsEvent) differ from the state's: a known new
 * value that differs, or an output gone. Unknown values and the first, empty registration say nothing.
 */
function stackOutputsDiffer(m: StepMetadata): boolean {
  const o = m.old?.outputs;
  const n = m.new?.outputs;
  if (!o || !n || !Object.keys(n).length) return false;
  for (const [k, v] of Object.entries(n)) if (v !== UNKNOWN && JSON.stringify(v) !== JSON.stringify(o[k])) return true;
  return Object.keys(o).some((k) => !(k in n));
}

function refreshOp(m: StepMetadata): ChangeOp {
  if (m.old && !m.new) return 'delete';
  if (!m.old && m.new) return 'create';
  if (m.detailedDiff && Object.keys(m.detailedDiff).length) return 'update';
  if (m.diffs && m.diffs.length) return 'update';
  if (m.old && m.new && JSON.stringify(m.old.outputs ?? {}) !== JSON.stringify(m.new.outputs ?? {})) return 'update';
  return 'same';
}

/** Property-level changes: from the provider's detailed diff when given, else from `diffs` keys. */
export function propertyChanges(m: StepMetadata, operation?: OperationKind): PropertyChange[] {
  const out: PropertyChange[] = [];
  const pick = (state: StepMetadata['old'], path: string, inputDiff: boolean) => {
    if (!state) return undefined;
    const primary = inputDiff ? state.inputs : state.outputs;
    const v = getPath(primary, path);
    return v !== undefined ? v : getPath(inputDiff ? state.outputs : state.inputs, path);
  };
  if (m.detailedDiff && Object.keys(m.detailedDiff).length) {
    for (const [path, d] of Object.entries(m.detailedDiff)) {
      if (INTERNAL_KEYS.has(path)) continue;
      const kind = d.diffKind.startsWith('add') ? 'add' : d.diffKind.startsWith('delete') ? 'delete' : 'update';
      const o = kind === 'add' ? undefined : pick(m.old, path, d.inputDiff);
      const n = kind === 'delete' ? undefined : pick(m.new, path, d.inputDiff);
      out.push(
        withLines(
          {
            path,
            kind,
            replace: d.diffKind.endsWith('-replace'),
            old: kind === 'add' ? '(none)' : renderValue(o),
            new: kind === 'delete' ? '(none)' : renderValue(n),
          },
          o,
          n,
        ),
      );
    }
  } else if (m.diffs && m.diffs.length && m.op !== 'create' && m.op !== 'delete') {
    const keys = new Set(m.keys ?? []);
    for (const path of m.diffs) {
      if (INTERNAL_KEYS.has(path)) continue;
      const o = pick(m.old, path, true);
      const n = pick(m.new, path, true);
      out.push(
        withLines(
          {
            path,
            kind: o === undefined ? 'add' : n === undefined ? 'delete' : 'update',
            replace: keys.has(path),
            old: renderValue(o),
            new: renderValue(n),
          },
          o,
          n,
        ),
      );
    }
  } else if (operation !== 'refresh' && m.old && m.new && (m.op === 'update' || foldOp(m.op) === 'replace') && m.op !== 'delete-replaced') {
    // The provider gave no property list (dynamic providers report only "changed" and the replace
    // keys): compare the old and new inputs, as the CLI's own display does.
    const keys = new Set(m.keys ?? []);
    for (const c of diffValues(m.old.inputs ?? {}, m.new.inputs ?? {}, '')) {
      const top = String(splitPath(c.path)[0] ?? c.path);
      out.push({ ...c, replace: keys.has(top) || keys.has(c.path) });
    }
  } else if ((m.op === 'refresh' || operation === 'refresh') && m.old && m.new) {
    // Refresh steps carry no diff: compare the recorded outputs with what the provider read.
    const o = m.old.outputs ?? {};
    const n = m.new.outputs ?? {};
    for (const k of new Set([...Object.keys(o), ...Object.keys(n)])) {
      if (INTERNAL_KEYS.has(k)) continue;
      if (JSON.stringify(o[k]) === JSON.stringify(n[k])) continue;
      out.push(
        withLines(
          {
            path: k,
            kind: !(k in o) ? 'add' : !(k in n) ? 'delete' : 'update',
            replace: false,
            old: renderValue(o[k]),
            new: renderValue(n[k]),
          },
          o[k],
          n[k],
        ),
      );
    }
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

export function replaceReasons(m: StepMetadata): string[] {
  if (foldOp(m.op) !== 'replace') return [];
  const fromDetailed = Object.entries(m.detailedDiff ?? {})
    .filter(([, d]) => d.diffKind.endsWith('-replace'))
    .map(([k]) => k);
  const keys = fromDetailed.length ? fromDetailed : (m.keys ?? []);
  return [...new Set(keys)].filter((k) => !INTERNAL_KEYS.has(k)).sort();
}

/** Diagnostics ordered for reading: errors first, then warnings, then the rest; stable otherwise. */
export function orderedDiagnostics(model: ChangeModel): ChangeDiagnostic[] {
  const rank = { error: 0, warning: 1, info: 2 } as const;
  return model.diagnostics
    .map((d, i) => ({ d, i }))
    .sort((a, b) => rank[a.d.severity] - rank[b.d.severity] || a.i - b.i)
    .map((x) => x.d);
}

/**
 * The stack resource and default providers are engine bookkeeping: the engine's own summary leaves
 * them out, and so do the change view's groups and counts. Explicit providers stay (a changed
 * region matters).
 */
export function isUserResource(r: ResourceChange): boolean {
  return countsAsResource(r);
}

/** Resources that change (not `same`), grouped by operation in reading order. */
export function groupedChanges(model: ChangeModel, includeSame = false): Array<{ op: ChangeOp; resources: ResourceChange[] }> {
  const groups: Array<{ op: ChangeOp; resources: ResourceChange[] }> = [];
  for (const op of CHANGE_OPS) {
    if (op === 'same' && !includeSame) continue;
    const rs = model.resources.filter((r) => r.op === op && isUserResource(r));
    if (rs.length) groups.push({ op, resources: rs });
  }
  return groups;
}

/** Counts excluding the stack resource itself, for "2 to create, 1 to replace". */
export function changeCounts(model: ChangeModel): Record<ChangeOp, number> {
  const c: Record<ChangeOp, number> = { create: 0, update: 0, replace: 0, delete: 0, same: 0, read: 0 };
  for (const r of model.resources) if (isUserResource(r)) c[r.op]++;
  return c;
}

export function countsLine(counts: Record<ChangeOp, number>, future = true): string {
  const verbs: Record<ChangeOp, [string, string]> = {
    create: ['to create', 'created'],
    update: ['to update', 'updated'],
    replace: ['to replace', 'replaced'],
    delete: ['to delete', 'deleted'],
    read: ['to read', 'read'],
    same: ['unchanged', 'unchanged'],
  };
  const parts = CHANGE_OPS.filter((op) => counts[op] > 0).map((op) => `${counts[op]} ${verbs[op][future ? 0 : 1]}`);
  return parts.length ? parts.join(', ') : 'no changes';
}

export function hasChanges(counts: Record<ChangeOp, number>): boolean {
  return counts.create + counts.update + counts.replace + counts.delete > 0;
}

const MAX_DIFF_DEPTH = 4;

/** Leaf-level differences between two input objects, as engine-style paths (a.b[0]). */
export function diffValues(o: unknown, n: unknown, prefix: string, depth = 0): Array<Omit<PropertyChange, 'replace'>> {
  const out: Array<Omit<PropertyChange, 'replace'>> = [];
  const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
  if (depth < MAX_DIFF_DEPTH && isObj(o) && isObj(n)) {
    for (const k of [...new Set([...Object.keys(o), ...Object.keys(n)])].sort()) {
      if (depth === 0 && INTERNAL_KEYS.has(k)) continue;
      const p = prefix ? (/^[A-Za-z_$][\w$]*$/.test(k) ? `${prefix}.${k}` : `${prefix}[${JSON.stringify(k)}]`) : k;
      out.push(...diffValues(o[k], n[k], p, depth + 1));
    }
    return out;
  }
  if (depth < MAX_DIFF_DEPTH && Array.isArray(o) && Array.isArray(n)) {
    for (let i = 0; i < Math.max(o.length, n.length); i++) out.push(...diffValues(o[i], n[i], `${prefix}[${i}]`, depth + 1));
    return out;
  }
  if (JSON.stringify(o) === JSON.stringify(n)) return out;
  out.push(
    withLines(
      {
        path: prefix,
        kind: o === undefined ? 'add' : n === undefined ? 'delete' : 'update',
        old: renderValue(o),
        new: renderValue(n),
      },
      o,
      n,
    ),
  );
  return out;
}

/**
 * The change view's status line and the text shown when no resource changes, decided together so
 * they never contradict each other: a run that failed or was cancelled before the engine planned
 * anything says so (the failure section explains why) instead of "no changes".
 */
export function viewSummary(model: ChangeModel, status: string): { countsLine: string; emptyText?: string } {
  const done = model.finished && model.operation !== 'preview' && ['succeeded', 'failed', 'cancelled'].includes(status);
  const counts = changeCounts(model);
  const any = CHANGE_OPS.some((op) => counts[op] > 0);
  const stopped = status === 'failed' || status === 'cancelled' || model.result === 'failed' || model.result === 'cancelled';
  if (stopped) return { countsLine: any ? countsLine(counts, !done) : '' };
  if (!model.finished && !model.resources.some(isUserResource))
    return { countsLine: countsLine(counts, !done), emptyText: 'Waiting for the engine…' };
  return {
    countsLine: countsLine(counts, !done),
    emptyText: model.finished && !groupedChanges(model).length ? 'Nothing to change: the stack already matches the program.' : undefined,
  };
}

/** Statuses of a change view in which nothing has been applied yet (the guard's preview included). */
const PLANNING_STATUSES = new Set(['previewing', 'preview ready', 'awaiting confirmation', 'not confirmed']);

/**
 * The word a resource's row shows. A step the engine has worked out in a preview is "planned", not
 * "done": on the demo, "done" beside "+ service-config" read as already created.
 */
export function resourceStatusLabel(status: ResourceStatus, model: ChangeModel, viewStatus: string): string {
  return status === 'done' && (model.operation === 'preview' || PLANNING_STATUSES.has(viewStatus)) ? 'planned' : status;
}

/** A preview can be deployed as shown only when it succeeded and found something to change. */
export function deployablePreview(model: ChangeModel): boolean {
  return model.finished && model.result === 'succeeded' && hasChanges(changeCounts(model));
}
