// Host benchmark for the resource graph: a 2,000-resource stack (synthetic states of three shapes,
// imported with `pulumi stack import` into the file backend) shown by `opsdeck.showResourceGraph`,
// timed from the command to the webview's report that it has painted the graph. The command reads
// the state (caches dropped before each sample), builds and lays out the graph in the extension host,
// and sends it to the webview, which draws it.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { outputDir, screenshot } from '../rig';
import {
  api,
  cmd,
  copyFixture,
  dataDir,
  newStack,
  toolsHavePulumi,
  toolsPulumi,
  useFileBackend,
  PASSPHRASE,
} from '../suite/stacks/support';
import { syntheticStack, SyntheticShape } from '../../support/syntheticStacks';
import type { ResourceGraphReport } from '../../../src/stacks/resourceGraph';
import type { GraphViewState } from '../../../src/stacks/resourceGraphProtocol';

/** VS Code's floor: a webview panel with nothing but a script that answers, from creation to its message. */
async function bareWebviewPanel(): Promise<number> {
  const t0 = performance.now();
  const panel = vscode.window.createWebviewPanel('opsdeck.benchBare', 'bare', vscode.ViewColumn.Active, {
    enableScripts: true,
    localResourceRoots: [],
  });
  const got = new Promise<void>((resolve) => panel.webview.onDidReceiveMessage(() => resolve()));
  panel.webview.html = `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-b'"></head><body><script nonce="b">acquireVsCodeApi().postMessage('up')</script></body></html>`;
  await got;
  const ms = performance.now() - t0;
  panel.dispose();
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

describe('Stacks bench: resource graph of 2,000 resources in the real host', () => {
  it('measures command → graph painted, first open and re-render, for three shapes of stack', async function () {
    if (!toolsHavePulumi()) this.skip();
    this.timeout(15 * 60_000);
    const stacks = await api();
    const backend = await useFileBackend();
    const project = copyFixture('graph', 'bench-graph');
    await cmd('refreshStacks');
    const env = {
      ...process.env,
      PULUMI_BACKEND_URL: `file://${backend}`,
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      PULUMI_SKIP_UPDATE_CHECK: 'true',
    };
    const results: Array<{ name: string; value: number; unit: string; note?: string }> = [];

    for (const shape of ['services', 'groups', 'flat'] as SyntheticShape[]) {
      await newStack(project, shape, { dir: dataDir(`bench-graph-${shape}`) });
      const resources = syntheticStack(shape, 2000, shape, 'opsdeck-graph');
      const file = path.join(outputDir(), `graph-${shape}-state.json`);
      fs.writeFileSync(file, JSON.stringify({ version: 3, deployment: { manifest: { time: new Date().toISOString() }, resources } }));
      execFileSync(toolsPulumi(), ['stack', 'import', '--stack', shape, '--file', file, '--non-interactive'], {
        cwd: project,
        env,
        stdio: 'pipe',
      });

      const floor: number[] = [];
      let g: GraphViewState | undefined;
      const first: ResourceGraphReport[] = [];
      const again: ResourceGraphReport[] = [];
      const wall: number[] = [];
      for (let i = 0; i < 5; i++) {
        // A new panel: nothing open, caches dropped, so the state is read again too.
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
        await cmd('refreshStacks');
        const t = performance.now();
        const r = await cmd<ResourceGraphReport>('showResourceGraph', { project, stack: shape });
        wall.push(performance.now() - t);
        assert.strictEqual(r.rendered, true, JSON.stringify(r));
        first.push(r);
        // The same command on the open panel: a new graph posted into it.
        await cmd('refreshStacks');
        const r2 = await cmd<ResourceGraphReport>('showResourceGraph', { project, stack: shape });
        assert.strictEqual(r2.rendered, true, JSON.stringify(r2));
        again.push(r2);
        if (i === 0) {
          g = stacks.resourceGraph(project, shape);
          if (shape === 'services') await screenshot('graph-2000-services');
        }
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
        floor.push(await bareWebviewPanel());
      }
      assert.ok(g, 'the graph was shown');
      assert.strictEqual(g.nodes.filter((n) => n.kind !== 'typeGroup').length, 2000);
      const m = (xs: ResourceGraphReport[], k: keyof ResourceGraphReport['timings']) => median(xs.map((x) => x.timings[k] ?? 0));
      results.push({
        name: `2,000 resources (${shape}): command → graph painted, new panel`,
        value: Math.round(median(wall)),
        unit: 'ms',
        note: `median of 5 (first ${Math.round(wall[0]!)} ms, cold JIT); state read ${m(first, 'state')} ms, graph + layout ${m(first, 'layout')} ms, webview draw ${m(first, 'webview')} ms, the graph reached the page ${m(first, 'pageAge')} ms after it began loading; ${g.nodes.length} nodes, ${g.edges.length} edges; target ≤ 1,000 ms`,
      });
      results.push({
        name: `VS Code's floor: an empty webview panel → its script ran (alternated with the ${shape} runs)`,
        value: Math.round(median(floor)),
        unit: 'ms',
        note: `median of 5, min ${Math.round(Math.min(...floor))} max ${Math.round(Math.max(...floor))} ms: what any new webview panel costs in this host before it draws anything`,
      });
      results.push({
        name: `2,000 resources (${shape}): command → graph painted, panel already open`,
        value: Math.round(median(again.map((x) => x.timings.total))),
        unit: 'ms',
        note: `median of 5; state read ${m(again, 'state')} ms, graph + layout ${m(again, 'layout')} ms, webview draw ${m(again, 'webview')} ms`,
      });
    }
    fs.mkdirSync(path.join(outputDir(), 'bench'), { recursive: true });
    fs.writeFileSync(path.join(outputDir(), 'bench', 'graph.json'), JSON.stringify(results, null, 2));
    console.log(JSON.stringify(results, null, 2));
  });
});
