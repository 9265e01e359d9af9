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
  policyEvent?: { resourceUrn?: string; message: string; policyName: string; enforcementLevel: string };
}

export type OperationKind = 'preview' | 'up' | 'refresh' | 'destroy';
