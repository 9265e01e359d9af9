// Messages between the change view webview and the extension, declared once for both sides.
import { ChangeOp, PropertyChange, ResourceStatus } from './model/changeModel';

export interface ChangeViewResource {
  urn: string;
  name: string;
  type: string;
  op: ChangeOp;
  status: ResourceStatus;
  diffs: PropertyChange[];
  replaceReasons: string[];
  errors: string[];
  hasSource: boolean;
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
  /** How the program runs (on-disk via language host, or inline), said plainly. */
  route?: string;
  /** What the deploy will apply: "the update plan saved by this preview" etc. */
  planNote?: string;
  /** Present when this preview can be deployed exactly as shown. */
  canDeploy: boolean;
  failure?: { message: string; remedy: string };
  /** The operation record of the operation shown (workspace-relative path), when one is written. */
  record?: string;
}

export type ToWebview = { type: 'state'; state: ChangeViewState };

export type FromWebview = { type: 'ready' } | { type: 'openSource'; urn: string } | { type: 'deploy' } | { type: 'openRecord' };

export function isFromWebview(m: unknown): m is FromWebview {
  if (!m || typeof m !== 'object') return false;
  const t = (m as { type?: unknown }).type;
  if (t === 'ready' || t === 'deploy' || t === 'openRecord') return true;
  return t === 'openSource' && typeof (m as { urn?: unknown }).urn === 'string';
}
