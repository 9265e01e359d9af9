// Host benchmark: time from running a "New …" command to an open editor holding the filled
// document with its first field selected, in the real VS Code host. Median of several runs.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

const RUNS = 9;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

describe('Documents: host benchmark', function () {
  this.timeout(300_000);

  it('measures command → open, filled document per kind', async () => {
    await vscode.extensions.getExtension('opsdeck.opsdeck')!.activate();
    const kinds: Array<[string, string, Record<string, unknown>]> = [
      ['session', 'opsdeck.newDevelopmentSession', { title: 'bench session' }],
      ['operation', 'opsdeck.newInfrastructureOperation', { title: 'bench operation' }],
      ['implementation', 'opsdeck.newFeatureImplementationSummary', { title: 'bench feature' }],
      ['issue-template', 'opsdeck.newInfrastructureIssueTemplate', { title: 'bench issue' }],
      ['sprint', 'opsdeck.newSprintWeekPlan', { values: { sprint: '1', week: '1', title: 'bench sprint' } }],
    ];
    const results: Array<{ name: string; value: number; unit: string; note?: string }> = [];
    for (const [kind, command, args] of kinds) {
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        const uri = (await vscode.commands.executeCommand(command, args)) as vscode.Uri;
        const editor = vscode.window.activeTextEditor;
        const t1 = performance.now();
        assert.strictEqual(editor?.document.uri.fsPath, uri.fsPath);
        assert.ok(!editor.selection.isEmpty, 'a field is selected');
        times.push(t1 - t0);
        // the save finishes in the background; let it land before closing (not timed)
        for (let w = 0; w < 100 && editor.document.isDirty; w++) await new Promise((r) => setTimeout(r, 50));
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      }
      results.push({
        name: `documents: command → open, filled ${kind} (median)`,
        value: Number(median(times).toFixed(1)),
        unit: 'ms',
        note: `${RUNS} runs, min ${Math.min(...times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms; code-server host`,
      });
    }
    const out = path.join(process.env.OPSDECK_TEST_OUTPUT!, 'bench');
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'documents.json'), JSON.stringify(results, null, 2));
    console.log(JSON.stringify(results, null, 2));
  });
});
