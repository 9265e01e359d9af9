// Messages between the extension host and the inline-program worker (a forked Node process, see
// inlineWorker.ts), declared once for both sides. Everything is plain JSON: engine events, output
// text, notes and the result cross the IPC channel; workspace code never runs in the host.
import { EngineEventLike, OperationKind } from '../model/engineEvents';

export interface InlineStart {
  type: 'start';
  workDir: string;
  main?: string;
  /** The project's own @pulumi/pulumi folder (its Automation API must run the program). */
  pulumiDir?: string;
  /** <root>/bin/pulumi is the CLI. */
  cliRoot: string;
  /** `pulumi version` as the host already read it (saves a CLI call per run). */
  cliVersion?: string;
  /** The CLI's environment (the workspace's envVars): crosses IPC, never the command line. */
  envVars: Record<string, string>;
  stack: string;
  operation: OperationKind;
  planFile?: string;
  previewOnly?: boolean;
  /** preview / up: local policy-pack folders (absolute) to run. */
  policyPacks?: string[];
  /** preview / up: refresh first (`--refresh`). */
  refresh?: boolean;
  clearPendingCreates?: boolean;
}

/** Sent to a spare worker right after it starts: load the project's Automation API now, before an operation needs it. */
export interface InlinePreload {
  type: 'preload';
  workDir: string;
}

export type ToWorker = InlineStart | InlinePreload | { type: 'cancel' };

export interface WorkerError {
  name?: string;
  message: string;
  stderr?: string;
  stack?: string;
}

export type FromWorker =
  | { type: 'event'; event: EngineEventLike }
  | { type: 'output'; text: string }
  | { type: 'note'; text: string }
  /** The operation is over (the engine finished, or the Automation API call returned). */
  | { type: 'result'; ok: true; changeSummary?: Record<string, number> }
  | { type: 'result'; ok: false; error: WorkerError }
  /** An error nobody caught in the worker (the program threw asynchronously, for example). */
  | { type: 'uncaught'; error: WorkerError }
  /** Everything the Automation API still did after the result (read-backs) is done. */
  | { type: 'done' };

export function isFromWorker(m: unknown): m is FromWorker {
  return !!m && typeof m === 'object' && typeof (m as { type?: unknown }).type === 'string';
}
