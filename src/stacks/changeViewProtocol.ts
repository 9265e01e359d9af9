// Messages between the change view webview and the extension, declared once for both sides.
import { ChangeOp, PropertyChange, ResourceStatus } from './model/changeModel';
import { PolicyViolation } from './model/policy';

/** A policy-pack violation or remediation as the view shows it: the model's, and whether it has a source line. */
export type ChangeViewPolicy = PolicyViolation & { hasSource: boolean };

export interface ChangeViewResource {
  urn: string;
  name: string;
  type: string;
  op: ChangeOp;
  status: ResourceStatus;
  /** The row's status word: "planned" where nothing has been applied (a preview, or awaiting the guard). */
  label: string;
  diffs: PropertyChange[];
  replaceReasons: string[];
  errors: string[];
  hasSource: boolean;
  /** The policy violations on this resource, beside it. */
  policies?: ChangeViewPolicy[];
}

export interface ChangeViewState {
  stack: string;
  project: string;
  operation: string;
  /** "running", "succeeded", "failed", "cancelled", "awaiting confirmation" … */
  status: string;
  /** "2 to create, 1 unchanged"; empty when a failed or cancelled run planned nothing. */
  countsLine: string;
  /** Shown when no resource changes: why the list is empty (never for a failed run). */
  emptyText?: string;
  groups: Array<{ op: ChangeOp; resources: ChangeViewResource[] }>;
  diagnostics: Array<{ severity: string; resource?: string; message: string }>;
  /** Every policy violation and remediation of the run, mandatory first (also those on unchanged resources). */
  policies?: ChangeViewPolicy[];
  /** The policy packs the run used (absolute folders). */
  policyPacks?: string[];
  /** How the program runs (on-disk via language host, or inline), said plainly. */
  route?: string;
  /** What the deploy will apply: "the update plan saved by this preview" etc. */
  planNote?: string;
  /** Present when this preview can be deployed exactly as shown. */
  canDeploy: boolean;
  failure?: { message: string; remedy: string };
  /** The operation record of the operation shown (workspace-relative path), when one is written. */
  record?: string;
  /** Drift mode: a drift check's findings (state value → cloud value per property), with Accept / Revert. */
  drift?: {
    checkedAt: number;
    resources: Array<{
      urn: string;
      name: string;
      type: string;
      kind: 'changed' | 'deleted';
      properties: PropertyChange[];
      hasSource: boolean;
    }>;
  };
}

export type ToWebview = { type: 'state'; state: ChangeViewState };

export type FromWebview =
  | { type: 'ready' }
  | { type: 'openSource'; urn: string }
  | { type: 'deploy' }
  | { type: 'openRecord' }
  | { type: 'acceptDrift' }
  | { type: 'revertDrift' };

export function isFromWebview(m: unknown): m is FromWebview {
  if (!m || typeof m !== 'object') return false;
  const t = (m as { type?: unknown }).type;
  if (t === 'ready' || t === 'deploy' || t === 'openRecord' || t === 'acceptDrift' || t === 'revertDrift') return true;
  return t === 'openSource' && typeof (m as { urn?: unknown }).urn === 'string';
}
