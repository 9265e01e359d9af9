// What the operations capability needs from the other three, as narrow interfaces. Each capability's
// register() returns its port; extension.ts hands them over. Nothing here reaches into another
// capability's classes, so each side can change inside without the other noticing.
import type * as vscode from 'vscode';
import type { ChangeModel } from '../stacks/model/changeModel';
import type { HealthSnapshot } from '../health/model/snapshot';
import type { VerifyRules, WindowCheck } from './model/regression';

export type RecordedOperation = 'up' | 'destroy' | 'refresh' | 'rollback';

/** The lifecycle of one operation run from the Stacks view, as the stacks capability reports it. */
export type StackOperationEvent =
  | { kind: 'preview-ready'; key: string; projectDir: string; project: string; stack: string; at: number; model: ChangeModel }
  | {
      kind: 'started';
      key: string;
      projectDir: string;
      project: string;
      stack: string;
      at: number;
      operation: RecordedOperation;
      /** The preview this operation applies (its change list), when there was one. */
      model?: ChangeModel;
      /** True when the user (or API caller) answered the guard question. */
      confirmed: boolean;
    }
  | { kind: 'resource-failed'; key: string; at: number; resource: string; type: string; message: string }
  | {
      kind: 'finished';
      key: string;
      projectDir: string;
      stack: string;
      at: number;
      operation: RecordedOperation;
      result: 'succeeded' | 'failed' | 'cancelled' | 'no-changes';
      countsLine: string;
      durationMs: number;
      failure?: string;
    };

export interface StackFacts {
  resources?: number;
  /** The stack's newest update: what a rollback after this operation returns to. */
  lastUpdate?: { version: number; when?: string; who?: string; commit?: string };
}

export interface StacksPort {
  onOperation(listener: (e: StackOperationEvent) => void): vscode.Disposable;
  facts(projectDir: string, stack: string): Promise<StackFacts>;
  isProduction(stack: string): boolean;
  /** Masks secrets the stacks capability knows of (config secrets, passphrase) in a text. */
  mask(text: string): string;
}

export interface HealthPort {
  snapshot(): HealthSnapshot;
  /** Names of the endpoints and alarms that belong to a stack (`stack:` in health.yaml; all when none says). */
  scope(stackRef: string, stack: string): { endpoints: string[]; alarmNames: (name: string) => boolean };
  onCheck(listener: (endpoint: string, check: WindowCheck & { error?: string }) => void): vscode.Disposable;
  /** Probes these endpoints every `intervalMs` until disposed (the verification window's faster checks). */
  probeFaster(endpoints: string[], intervalMs: number): vscode.Disposable;
  verifyRules(): VerifyRules;
}

export interface DocumentsPort {
  /** Creates the `operation` document (a team template for that kind is honoured), filled, no snippet. */
  createOperationRecord(title: string, values: Record<string, string>, stack: { project: string; stack: string }): Promise<vscode.Uri>;
}
