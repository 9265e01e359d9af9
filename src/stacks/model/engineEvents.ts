// The subset of the Pulumi engine's event stream (the Automation API's `EngineEvent`) that OpsDeck
// reads. Declared here rather than imported so pure modules stay free of `@pulumi/pulumi`; the
// shapes mirror node_modules/@pulumi/pulumi/automation/events.d.ts (3.259).

export type OpType =
  | 'same'
  | 'create'
  | 'update'
  | 'delete'
  | 'replace'
  | 'create-replacement'
  | 'delete-replaced'
  | 'read'
  | 'read-replacement'
  | 'refresh'
  | 'discard'
  | 'discard-replaced'
  | 'remove-pending-replace'
  | 'import'
  | 'import-replacement';

export type DiffKindName = 'add' | 'add-replace' | 'delete' | 'delete-replace' | 'update' | 'update-replace';

export interface StepState {
  type: string;
  urn: string;
  id?: string;
  parent?: string;
  custom?: boolean;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  provider?: string;
}

export interface StepMetadata {
  op: OpType;
  urn: string;
  type: string;
  old?: StepState | null;
  new?: StepState | null;
  keys?: string[];
  diffs?: string[];
  detailedDiff?: Record<string, { diffKind: DiffKindName; inputDiff: boolean }> | null;
  logical?: boolean;
  provider?: string;
}

export interface EngineEventLike {
  sequence?: number;
  timestamp?: number;
  cancelEvent?: object;
  stdoutEvent?: { message: string };
  diagnosticEvent?: { urn?: string; prefix?: string; message: string; severity: string; ephemeral?: boolean };
  preludeEvent?: { config: Record<string, string> };
  summaryEvent?: { maybeCorrupt: boolean; durationSeconds: number; resourceChanges: Record<string, number> };
  resourcePreEvent?: { metadata: StepMetadata; planning?: boolean };
  resOutputsEvent?: { metadata: StepMetadata; planning?: boolean };
  resOpFailedEvent?: { metadata: StepMetadata; status: number; steps: number };
  policyEvent?: { resourceUrn?: string; message: string; policyName: string; policyPackName?: string; enforcementLevel: string };
  policyRemediationEvent?: {
    resourceUrn?: string;
    policyName: string;
    policyPackName?: string;
    before?: Record<string, unknown>;
    after?: Record<string, unknown>;
  };
}

export type OperationKind = 'preview' | 'up' | 'refresh' | 'destroy';

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

function validMetadata(m: unknown): boolean {
  if (!isObj(m) || !isStr(m.op) || !isStr(m.urn) || !isStr(m.type)) return false;
  if (m.detailedDiff !== undefined && m.detailedDiff !== null) {
    if (!isObj(m.detailedDiff)) return false;
    for (const d of Object.values(m.detailedDiff)) if (!isObj(d) || !isStr(d.diffKind)) return false;
  }
  for (const k of ['old', 'new'] as const) if (m[k] !== undefined && m[k] !== null && !isObj(m[k])) return false;
  for (const k of ['keys', 'diffs'] as const)
    if (m[k] !== undefined && m[k] !== null && !(Array.isArray(m[k]) && (m[k] as unknown[]).every(isStr))) return false;
  return true;
}

/**
 * Whether an event has the shape OpsDeck reads for the kind it claims to be. The engine's stream is
 * trusted only so far: a malformed event (a broken plugin, a truncated line) is skipped with a note
 * instead of throwing inside the Automation API's callback. Returns what is wrong, or undefined.
 */
export function malformedEvent(e: unknown): string | undefined {
  if (!isObj(e)) return 'not an object';
  if (e.resourcePreEvent !== undefined && !(isObj(e.resourcePreEvent) && validMetadata(e.resourcePreEvent.metadata)))
    return 'resourcePreEvent without a valid metadata (op, urn, type)';
  if (e.resOutputsEvent !== undefined && !(isObj(e.resOutputsEvent) && validMetadata(e.resOutputsEvent.metadata)))
    return 'resOutputsEvent without a valid metadata (op, urn, type)';
  if (e.resOpFailedEvent !== undefined && !(isObj(e.resOpFailedEvent) && validMetadata(e.resOpFailedEvent.metadata)))
    return 'resOpFailedEvent without a valid metadata (op, urn, type)';
  if (e.diagnosticEvent !== undefined) {
    const d = e.diagnosticEvent;
    if (!isObj(d) || !isStr(d.message) || !isStr(d.severity) || (d.urn !== undefined && !isStr(d.urn)))
      return 'diagnosticEvent without a message and severity';
  }
  if (e.summaryEvent !== undefined) {
    const s = e.summaryEvent;
    if (!isObj(s) || !isObj(s.resourceChanges) || !Object.values(s.resourceChanges).every((n) => typeof n === 'number'))
      return 'summaryEvent without resourceChanges counts';
  }
  if (e.preludeEvent !== undefined && !(isObj(e.preludeEvent) && isObj(e.preludeEvent.config))) return 'preludeEvent without a config';
  if (e.policyEvent !== undefined && !(isObj(e.policyEvent) && isStr(e.policyEvent.message))) return 'policyEvent without a message';
  return undefined;
}
