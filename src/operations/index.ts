// Capability 4: operations that record and verify themselves. Takes the other three capabilities'
// ports (stacks events and facts, health checks, the operation document), builds the recorder, and
// adds what a user sees of it: the Stacks view's Operations section, "Roll Back This Operation", the
// status bar countdown (owned by the recorder) and a link in today's open development session.
import * as path from 'path';
import * as vscode from 'vscode';
import { OpsDeckContext } from '../context';
import { clockFacts, localTimeZone } from '../documents/clock';
import { progressLogEntry } from '../documents/living';
import type { StacksRegistration } from '../stacks';
import type { OperationListItem } from '../stacks/tree';
import type { RecordChoice } from './model/policy';
import type { DocumentsPort, HealthPort, RecordedOperation } from './ports';
import { OperationEntry, OperationRecorder, OperationsSettings } from './recorder';

/** Read-only surface under `api.operations` (tests and other extensions). */
export interface OperationsApi {
  entries(projectDir: string, stack: string): OperationEntry[];
  /** Regression notifications shown, newest last, with the answer once given. */
  notices(): ReadonlyArray<{ key: string; message: string; at: number; answer?: string }>;
  /** The status bar text while a verification window runs. */
  statusText(): string | undefined;
  /** What the operations capability wrote to the log. */
  logText(): string;
}

class Settings implements OperationsSettings {
  private get c() {
    return vscode.workspace.getConfiguration('opsdeck.operations');
  }
  record(): RecordChoice {
    const v = this.c.get<string>('record', 'ask');
    return v === 'always' || v === 'never' ? v : 'ask';
  }
  recordByStack(): Record<string, string> {
    const v = this.c.get<unknown>('recordByStack', {});
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, string>) : {};
  }
  verifyMinutes(): number {
    const v = this.c.get<number>('verifyMinutes', 5);
    return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 5;
  }
  verifyIntervalSeconds(): number {
    const v = this.c.get<number>('verifyIntervalSeconds', 5);
    return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 5;
  }
  autoRollback(): string[] {
    const v = this.c.get<unknown>('autoRollback', []);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  }
}

export function register(
  ctx: OpsDeckContext,
  ports: { stacks: StacksRegistration; health: HealthPort | undefined; documents: DocumentsPort },
): void {
  const lines: string[] = [];
  const log = (line: string) => {
    const masked = ctx.mask(line);
    ctx.output.info(masked);
    lines.push(masked);
    if (lines.length > 2000) lines.splice(0, lines.length - 2000);
  };
  const recorder = ctx.own(
    new OperationRecorder(ports.stacks, ports.health, ports.documents, new Settings(), ctx.extension.workspaceState, log),
  );
  ctx.own(
    ports.stacks.setOperationsSource({
      entries: (key) => recorder.entries(key) as OperationListItem[],
      onDidChange: recorder.onDidChange,
    }),
  );
  // The change view of the operation links its record.
  ctx.own(recorder.onRecordOpened((e) => ports.stacks.linkRecord(e.key, e.uri)));
  ctx.own(
    recorder.onRecordOpened(
      (e) => void linkFromSession(e.uri, e.stackRef, e.operation).catch((err) => log(`session log: ${(err as Error).message}`)),
    ),
  );

  ctx.registerCommands({
    // From the Operations section (a node) or { project, stack, id }: back to the update before it.
    rollbackOperation: async (arg: unknown) => {
      const a = (arg ?? {}) as { kind?: string; project?: { dir: string } | string; stack?: string; entry?: OperationEntry; id?: string };
      const projectDir = typeof a.project === 'string' ? a.project : a.project?.dir;
      if (!projectDir || !a.stack) throw new Error('Roll Back This Operation needs an operation from the Stacks view.');
      const key = `${projectDir}#${a.stack}`;
      const entry = a.entry ?? recorder.entries(key).find((e) => e.id === a.id);
      if (!entry) throw new Error(`No recorded operation ${a.id ?? ''} on ${a.stack}.`);
      if (!entry.rollbackTo?.commit)
        throw new Error(
          `The update before this ${entry.operation} recorded no git commit, so there is nothing to roll back to. Commit the project before deploying.`,
        );
      return vscode.commands.executeCommand('opsdeck.rollback', { project: projectDir, stack: a.stack, version: entry.rollbackTo.version });
    },
  });

  const api: OperationsApi = {
    entries: (projectDir, stack) => recorder.entries(`${projectDir}#${stack}`),
    notices: () => recorder.notices.slice(),
    statusText: () => recorder.statusText,
    logText: () => lines.join('\n'),
  };
  ctx.api.operations = Object.freeze(api);
}

/**
 * A development-session document of today that is open gets a progress entry linking the record.
 * Today's session is recognised by its heading ("# Development Session - <today> …"). With several
 * open, the one the user sees wins, else the one opened last (the session they are working in).
 */
async function linkFromSession(record: vscode.Uri, stackRef: string, operation: RecordedOperation): Promise<void> {
  const c = clockFacts(new Date(), localTimeZone());
  const heading = new RegExp(`^# Development Session - ${c.date}\\b`, 'm');
  const sessions = vscode.workspace.textDocuments.filter(
    (d) => !d.isClosed && d.languageId === 'markdown' && d.uri.toString() !== record.toString() && heading.test(d.getText()),
  );
  const visible = vscode.window.visibleTextEditors.map((e) => e.document).find((d) => sessions.includes(d));
  const doc = visible ?? sessions[sessions.length - 1];
  if (!doc) return;
  const rel = path.relative(path.dirname(doc.uri.fsPath), record.fsPath).split(path.sep).join('/');
  const entry = progressLogEntry(doc.getText(), c.hhmm, `Deployment Phase: ${operation} of ${stackRef}`);
  const text = `${entry.edit.text}\nOperation record: [${path.basename(record.fsPath)}](${encodeURI(rel)})\n`;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(doc.positionAt(entry.edit.start), doc.positionAt(entry.edit.end)), text);
  await vscode.workspace.applyEdit(edit);
}
