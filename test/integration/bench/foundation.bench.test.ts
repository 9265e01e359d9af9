// Host benchmark: OpsDeck's activation time in a real VS Code extension host (code-server 4.100.3).
// One cold activation per host: VS Code activates an extension once, so a sample needs a fresh host.
// bench/foundation.bench.ts starts several fresh hosts (OPSDECK_BENCH_ACTIVATION=1) and takes the median.
//   activate.wall  — `await extension.activate()` as a caller in the host sees it: loading
//                    dist/extension.js, running activate() and the host's own bookkeeping;
//   activate.body  — the time activate() itself reports in the OpsDeck log ("OpsDeck activated in X ms").
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { outputDir, waitFor } from '../rig';
import { startHostProfile } from './hostProfile';

function findFile(dir: string, name: string): string | undefined {
  if (!fs.existsSync(dir)) return undefined;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      const found = findFile(full, name);
      if (found) return found;
    } else if (e.name === name) return full;
  }
  return undefined;
}

describe('foundation bench: activation in the real host', () => {
  it('measures one cold activation of OpsDeck', async function () {
    if (process.env.OPSDECK_BENCH_ACTIVATION !== '1') this.skip(); // only in the fresh hosts bench/foundation.bench.ts starts
    const extension = vscode.extensions.getExtension('opsdeck.opsdeck');
    assert.ok(extension, 'opsdeck.opsdeck is not loaded');
    assert.strictEqual(
      extension.isActive,
      false,
      'OpsDeck was already active when the benchmark started: a startup activation event fired, so this host cannot give a cold sample',
    );

    // The floor: an extension whose activate() is empty (the VSIX rig's shim), timed in the same host.
    // Whichever goes first may pay the host's one-time costs, so the order alternates between hosts.
    const reference = vscode.extensions.getExtension('opsdeck-test.opsdeck-vsix-test-shim');
    const timed = async (e: vscode.Extension<unknown>): Promise<number> => {
      const t = performance.now();
      await e.activate();
      return performance.now() - t;
    };
    let floor: number | undefined;
    if (reference && !reference.isActive && process.env.OPSDECK_BENCH_ACTIVATION_ORDER === 'reference-first')
      floor = await timed(reference);
    // OPSDECK_BENCH_ACTIVATION_PROFILE=<file>: a CPU profile of the host thread around OpsDeck's activation.
    const profile = process.env.OPSDECK_BENCH_ACTIVATION_PROFILE;
    const stopProfile = profile ? await startHostProfile(profile, 100) : undefined;
    const wall = await timed(extension);
    await stopProfile?.();
    if (reference && !reference.isActive && floor === undefined) floor = await timed(reference);

    const logs = process.env.OPSDECK_HOST_LOGS;
    const body = logs
      ? await waitFor(
          'the "OpsDeck activated in" log line',
          () => {
            const file = findFile(logs, 'OpsDeck.log');
            const m = file ? /OpsDeck activated in ([\d.]+) ms/.exec(fs.readFileSync(file, 'utf8')) : null;
            return m ? Number(m[1]) : undefined;
          },
          10_000,
        ).catch(() => undefined)
      : undefined;

    const results = [
      {
        name: 'activate.wall',
        value: Number(wall.toFixed(1)),
        unit: 'ms',
        note: 'await extension.activate() in the host (load + activate)',
      },
    ];
    if (floor !== undefined)
      results.push({
        name: 'activate.reference',
        value: Number(floor.toFixed(1)),
        unit: 'ms',
        note: `await activate() of an extension whose activate() is empty, same host (${process.env.OPSDECK_BENCH_ACTIVATION_ORDER === 'reference-first' ? 'before' : 'after'} OpsDeck)`,
      });
    if (body !== undefined)
      results.push({ name: 'activate.body', value: body, unit: 'ms', note: 'activate() itself, from the OpsDeck log' });
    const file = path.join(outputDir(), 'bench', 'foundation.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(results, null, 2));
    console.log(
      `[bench] foundation activation: ${wall.toFixed(1)} ms wall${floor !== undefined ? `, empty extension ${floor.toFixed(1)} ms` : ''}${body !== undefined ? `, ${body} ms in activate()` : ''}`,
    );
  });
});
