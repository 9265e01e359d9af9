// Host benchmark for big stacks: the scale fixture (test/fixtures/pulumi/scale: N component resources
// with a 1 KiB payload each, no provider plugin) on the file backend, run by the Pulumi CLI and by
// OpsDeck in the real extension host on the same stack, one after the other: preview and up of N
// creates, then destroy of N, each way (destroy as both sides' users run it: preview, then delete). What OpsDeck adds is its per-event and per-tick
// work (change model, change view, progress, tree, log, state re-reads), which must not grow with
// the stack: target ≤ 1.05× the CLI at every size. The host's event-loop delay during OpsDeck's runs
// says whether the UI stayed responsive.
//   OPSDECK_BENCH_SCALE_SIZES=500,2000        sizes (default 500,2000)
import * as assert from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { monitorEventLoopDelay } from 'perf_hooks';
import * as vscode from 'vscode';
import { outputDir } from '../rig';
import {
  api,
  cmd,
  copyFixture,
  newStack,
  OpResult,
  PASSPHRASE,
  toolsHavePulumi,
  toolsPulumi,
  useFileBackend,
} from '../suite/stacks/support';

interface Row {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

describe('Stacks scale bench: a big stack, the CLI vs OpsDeck in the host', () => {
  it('runs preview, up and destroy of N resources both ways and compares', async function () {
    if (!toolsHavePulumi()) this.skip();
    this.timeout(4 * 60 * 60_000);
    await api();
    const backend = await useFileBackend();
    await vscode.workspace.getConfiguration('opsdeck.operations').update('record', 'never', vscode.ConfigurationTarget.Workspace);
    const sizes = (process.env.OPSDECK_BENCH_SCALE_SIZES ?? '500,2000').split(',').map(Number);
    const results: Row[] = [];
    for (const n of sizes) {
      const project = copyFixture('scale', `bench-scale-${n}`);
      fs.writeFileSync(
        path.join(project, 'Pulumi.yaml'),
        fs.readFileSync(path.join(project, 'Pulumi.yaml'), 'utf8').replace('name: opsdeck-scale', `name: opsdeck-scale-${n}`),
      );
      await cmd('refreshStacks');
      await newStack(project, 'dev', { count: String(n) });
      const env = {
        ...process.env,
        PULUMI_BACKEND_URL: `file://${backend}`,
        PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
        PULUMI_SKIP_UPDATE_CHECK: 'true',
      };
      const cli = (...args: string[]) =>
        new Promise<void>((resolve, reject) =>
          execFile(
            toolsPulumi(),
            [...args, '--stack', 'dev', '--non-interactive'],
            { cwd: project, env, maxBuffer: 256 * 1024 * 1024 },
            (e) => (e ? reject(e) : resolve()),
          ),
        );
      const loop = monitorEventLoopDelay({ resolution: 10 });
      const opsdeck = async (name: string, arg: Record<string, unknown>) => {
        loop.enable();
        try {
          const r = await cmd<OpResult>(name, { project, stack: 'dev', ...arg });
          assert.strictEqual(r.status, 'succeeded', `${name} of ${n}: ${JSON.stringify(r)}`);
        } finally {
          loop.disable();
        }
      };
      const timed = async (f: () => Promise<void>) => {
        const t = performance.now();
        await f();
        return performance.now() - t;
      };
      const t: Record<string, number> = {};
      // From an empty stack each way, CLI first: preview (N creates), up (N creates), destroy (N deletes).
      // (An update of every payload would not do: a component's new outputs are not a change a
      // preview shows, so there would be nothing for a guarded deploy to apply.)
      for (const who of ['cli', 'opsdeck'] as const) {
        t[`preview ${who}`] = await timed(() => (who === 'cli' ? cli('preview') : opsdeck('preview', {})));
        t[`up ${who}`] = await timed(() =>
          who === 'cli' ? cli('up', '--yes', '--skip-preview') : opsdeck('deployPreview', { confirm: { yes: true } }),
        );
        t[`destroy ${who}`] = await timed(() => (who === 'cli' ? cli('destroy', '--yes') : opsdeck('destroy', { confirm: { yes: true } })));
        console.log(
          `[bench] scale ${n}: ${who} preview ${t[`preview ${who}`]!.toFixed(0)} ms, up ${t[`up ${who}`]!.toFixed(0)} ms, destroy ${t[`destroy ${who}`]!.toFixed(0)} ms`,
        );
      }
      for (const op of ['preview', 'up', 'destroy']) {
        const c = t[`${op} cli`];
        const o = t[`${op} opsdeck`];
        if (c === undefined || o === undefined) continue;
        results.push({
          name: `scale ${n}: ${op}, OpsDeck in the host ÷ CLI`,
          value: +(o / c).toFixed(3),
          unit: '×',
          note: `${(o / 1000).toFixed(1)} s vs ${(c / 1000).toFixed(1)} s; target ≤ 1.05×`,
        });
      }
      results.push({
        name: `scale ${n}: host event-loop delay during OpsDeck's runs (max / p99)`,
        value: +(loop.max / 1e6).toFixed(1),
        unit: 'ms',
        note: `p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms, mean ${(loop.mean / 1e6).toFixed(1)} ms over ${loop.count} samples of 10 ms`,
      });
      await cmd('refreshStacks');
    }
    const out = path.join(outputDir(), 'bench');
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'scale.json'), JSON.stringify(results, null, 2));
  });
});
