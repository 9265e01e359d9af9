// Applies record events to the record on disk or in its open editor. An open document gets one small
// WorkspaceEdit computed from its current text (so what the user is typing stays, and their undo
// history stays theirs); a closed one is read, edited and replaced atomically. A record that was
// closed, moved or deleted never fails the operation: the event is dropped and the log says why.
import { promises as fsp } from 'fs';
import * as vscode from 'vscode';
import { replaceFileAtomically } from '../shared/atomicFile';
import { applyRecordEvent, RecordEvent } from './model/record';
import { minimalEdit } from './model/recordEdits';

export type ApplyOutcome = { kind: 'applied'; kept: string[] } | { kind: 'gone'; reason: string };

export class RecordFile {
  /** One event at a time, in order. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly uri: vscode.Uri,
    private readonly log: (line: string) => void,
  ) {}

  apply(event: RecordEvent): Promise<ApplyOutcome> {
    const next = this.queue.then(() => this.applyNow(event));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async applyNow(event: RecordEvent): Promise<ApplyOutcome> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === this.uri.toString() && !d.isClosed);
    // An editor left open on a record deleted from disk: saving would bring the file back.
    if (open && !open.isDirty && !(await exists(this.uri.fsPath))) {
      this.log(`operation record ${this.uri.fsPath} not updated: it was deleted or moved`);
      return { kind: 'gone', reason: 'it was deleted or moved' };
    }
    if (open) {
      for (let attempt = 0; attempt < 3; attempt++) {
        const before = open.getText();
        const version = open.version;
        const { text, kept } = applyRecordEvent(before, event);
        const e = minimalEdit(before, text);
        if (!e) return { kind: 'applied', kept };
        if (open.version !== version) continue; // the user typed in between: recompute from the new text
        const wasDirty = open.isDirty;
        const edit = new vscode.WorkspaceEdit();
        edit.replace(this.uri, new vscode.Range(open.positionAt(e.start), open.positionAt(e.end)), e.text);
        if (await vscode.workspace.applyEdit(edit)) {
          // Keep the file in step for other windows, unless the user has unsaved work of their own in it.
          if (!wasDirty) await open.save();
          return { kind: 'applied', kept };
        }
      }
      return { kind: 'gone', reason: `${this.uri.fsPath} kept changing while OpsDeck tried to add to it` };
    }
    let before: string;
    try {
      before = await fsp.readFile(this.uri.fsPath, 'utf8');
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'it was deleted or moved' : (e as Error).message;
      this.log(`operation record ${this.uri.fsPath} not updated: ${reason}`);
      return { kind: 'gone', reason };
    }
    const { text, kept } = applyRecordEvent(before, event);
    if (text !== before) {
      // Re-read just before replacing: if someone wrote in between, apply to their text instead.
      const now = await fsp.readFile(this.uri.fsPath, 'utf8').catch(() => undefined);
      if (now === undefined) return { kind: 'gone', reason: 'it was deleted or moved' };
      const final = now === before ? text : applyRecordEvent(now, event).text;
      await replaceFileAtomically(this.uri.fsPath, final);
    }
    return { kind: 'applied', kept };
  }
}

function exists(file: string): Promise<boolean> {
  return fsp.access(file).then(
    () => true,
    () => false,
  );
}
