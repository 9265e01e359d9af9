// Editor glue for living documents: progress-log entries and the operation status line. The text
// work is in living.ts; here we only pick values, apply the edit and move the cursor.
import * as vscode from 'vscode';
import { clockFacts, localTimeZone } from './clock';
import { progressLogEntry, operationStatusEdits, OPERATION_STATUSES, OperationStatus, TextEdit } from './living';
import { UserError } from './scaffold';

const PHASES = ['Setup Phase', 'Implementation Phase', 'Testing Phase', 'Deployment Phase', 'Validation Phase', 'Rollback'];

function activeMarkdownEditor(what: string): vscode.TextEditor {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'markdown') {
    throw new UserError({
      message: `${what} works on a markdown document, and none is active.`,
      remedy: 'Open an OpsDeck document (for example one made with "OpsDeck: New Development Session") and run the command again.',
    });
  }
  return editor;
}

async function apply(editor: vscode.TextEditor, edits: readonly TextEdit[]): Promise<void> {
  const doc = editor.document;
  const ok = await editor.edit((b) => {
    for (const e of edits) b.replace(new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.text);
  });
  if (!ok) throw new UserError({ message: 'The document changed while OpsDeck was editing it.', remedy: 'Run the command again.' });
}

export async function addProgressLogEntry(args?: { phase?: string }): Promise<boolean> {
  const editor = activeMarkdownEditor('Add Progress Log Entry');
  let phase = args?.phase;
  if (phase === undefined) {
    const other = '$(edit) Other…';
    const picked = await vscode.window.showQuickPick([...PHASES, other], {
      title: 'OpsDeck: Add Progress Log Entry',
      placeHolder: 'Which phase is this entry about?',
    });
    if (picked === undefined) return false;
    phase =
      picked === other
        ? await vscode.window.showInputBox({
            title: 'OpsDeck: Add Progress Log Entry',
            prompt: 'Phase or heading of the entry',
            validateInput: (t) => (t.trim() ? undefined : 'Please enter a phase (Escape cancels).'),
          })
        : picked;
    if (phase === undefined) return false;
  }
  const hhmm = clockFacts(new Date(), localTimeZone()).hhmm;
  const entry = progressLogEntry(editor.document.getText(), hhmm, phase);
  await apply(editor, [entry.edit]);
  const pos = editor.document.positionAt(entry.cursor);
  editor.selection = new vscode.Selection(pos, pos);
  editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return true;
}

export async function setOperationStatus(args?: { status?: string }): Promise<boolean> {
  const editor = activeMarkdownEditor('Set Operation Status');
  const text = editor.document.getText();
  if (!/^\s*\*\*Operation Status\*\*:/m.test(text)) {
    throw new UserError({
      message: 'The active document has no "**Operation Status**:" line, so it is not an operation record.',
      remedy: 'Open a record made with "OpsDeck: New Infrastructure Operation".',
    });
  }
  let status = args?.status as OperationStatus | undefined;
  if (status !== undefined && !OPERATION_STATUSES.includes(status)) {
    // Accept the words without the emoji, e.g. { status: "FAILED" } from a keybinding.
    status = OPERATION_STATUSES.find((s) => s.toLowerCase().includes(String(args?.status).toLowerCase()));
    if (!status)
      throw new UserError({
        message: `"${args?.status}" is not an operation status.`,
        remedy: `Use one of: ${OPERATION_STATUSES.join(', ')}.`,
      });
  }
  if (status === undefined) {
    status = (await vscode.window.showQuickPick([...OPERATION_STATUSES], {
      title: 'OpsDeck: Set Operation Status',
      placeHolder: 'New status of the operation (a final status stamps the completion time)',
    })) as OperationStatus | undefined;
    if (status === undefined) return false;
  }
  const c = clockFacts(new Date(), localTimeZone());
  const edits = operationStatusEdits(text, status, `${c.date} ${c.time} ${c.tz}`);
  if (!edits) return false;
  await apply(editor, edits);
  return true;
}
