// Host benchmark for big stacks: the scale fixture (test/fixtures/pulumi/scale: N component resources
// with a 1 KiB payload each, no provider plugin) on the file backend, run by the Pulumi CLI and by
// OpsDeck in the real extension host on the same stack, one after the other: preview and up of N
// creates, then destroy of N, each way (destroy as both sides' users run it: preview, then delete). What OpsDeck adds is its per-event and per-tick
// work (change model, change view, progress, tree, log, state re-reads), which must not grow with
// the stack: target ≤ 1.05× the CLI at every size. The host's event-loop delay during OpsDeck's runs
// says whether the UI stayed responsive.
// Single runs of the same command differ by ±5–10 % here, so each size runs ROUNDS rounds, the CLI
// first in odd rounds and OpsDeck first in even ones, and the medians are compared. The extension
// host's own CPU time during OpsDeck's runs is reported too (it competes with the engine for the cores).
//   OPSDECK_BENCH_SCALE_SIZES=500,2000        sizes (default 500,2000)
//   OPSDECK_BENCH_SCALE_ROUNDS=<n>            rounds per size (default 3 up to 500 resources, 1 above:
//                                             a round at 2,000 takes ~15 minutes)
//   OPSDECK_BENCH_SCALE_PROFILE=<folder>      CPU profiles of the host thread during OpsDeck's runs
import * as assert from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { monitorEventLoopDelay } from 'perf_hooks';
import * as vscode from 'vscode';
import { browserProfile, outputDir } from '../rig';
import { startHostProfile } from './hostProfile';
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

/** CPU seconds so far: the whole machine (busy time in /proc/stat) and the headless browser's processes. */
function cpuSeconds(): { machine: number; browser: number } {
  const tick = 100; // USER_HZ on Linux
  const [, ...f] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const v = f.map(Number);
  const machine = (v[0]! + v[1]! + v[2]! + v[5]! + v[6]! + v[7]!) / tick; // user nice system irq softirq steal
  let browser = 0;
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      if (!/\((chromium|chrome|headless_shell)[^)]*\)/.test(stat)) continue;
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      browser += (Number(rest[11]) + Number(rest[12])) / tick; // utime stime
    } catch {
      /* gone */
    }
  }
  return { machine, browser };
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
      // One monitor per OpsDeck run: a monitor disabled and enabled again counts the pause as a delay.
      const delays: Array<{ max: number; p99: number; mean: number; count: number }> = [];
      const hostCpu: Record<string, number[]> = {};
      const profiles = process.env.OPSDECK_BENCH_SCALE_PROFILE;
      const opsdeck = async (name: string, arg: Record<string, unknown>) => {
        const loop = monitorEventLoopDelay({ resolution: 10 });
        loop.enable();
        const stamp = `${n}-${name}-${Date.now()}`;
        const stopProfile = profiles ? await startHostProfile(path.join(profiles, `scale-${stamp}.cpuprofile`)) : undefined;
        const stopBrowser = profiles ? await browserProfile(`browser-scale-${stamp}`) : undefined;
        const cpu = process.cpuUsage();
        try {
          const r = await cmd<OpResult>(name, { project, stack: 'dev', ...arg });
          assert.strictEqual(r.status, 'succeeded', `${name} of ${n}: ${JSON.stringify(r)}`);
        } finally {
          const used = process.cpuUsage(cpu);
          (hostCpu[name] ??= []).push((used.user + used.system) / 1000);
          loop.disable();
          delays.push({ max: loop.max / 1e6, p99: loop.percentile(99) / 1e6, mean: loop.mean / 1e6, count: loop.count });
          await stopProfile?.();
          await stopBrowser?.();
        }
      };
      // CPU seconds each side's runs cost the machine (and the browser rendering the workbench).
      const cpu: Record<string, { machine: number[]; browser: number[] }> = {};
      let side = '';
      const timed = async (f: () => Promise<void>) => {
        const t = performance.now();
        const c = cpuSeconds();
        await f();
        const d = cpuSeconds();
        const mine = (cpu[side] ??= { machine: [], browser: [] });
        mine.machine.push(d.machine - c.machine);
        mine.browser.push(d.browser - c.browser);
        return performance.now() - t;
      };
      const t: Record<string, number[]> = {};
      const rounds = Number(process.env.OPSDECK_BENCH_SCALE_ROUNDS) || (n <= 500 ? 3 : 1);
      // From an empty stack each way: preview (N creates), up (N creates), destroy (N deletes).
      // (An update of every payload would not do: a component's new outputs are not a change a
      // preview shows, so there would be nothing for a guarded deploy to apply.)
      for (let round = 0; round < rounds; round++) {
        for (const who of round % 2 ? (['opsdeck', 'cli'] as const) : (['cli', 'opsdeck'] as const)) {
          const took = (op: string, ms: number) => (t[`${op} ${who}`] ??= []).push(ms);
          side = who;
          took('preview', await timed(() => (who === 'cli' ? cli('preview') : opsdeck('preview', {}))));
          took(
            'up',
            await timed(() =>
              who === 'cli' ? cli('up', '--yes', '--skip-preview') : opsdeck('deployPreview', { confirm: { yes: true } }),
            ),
          );
          took('destroy', await timed(() => (who === 'cli' ? cli('destroy', '--yes') : opsdeck('destroy', { confirm: { yes: true } }))));
          const last = (op: string) => t[`${op} ${who}`]!.at(-1)!.toFixed(0);
          console.log(
            `[bench] scale ${n} round ${round + 1}/${rounds}: ${who} preview ${last('preview')} ms, up ${last('up')} ms, destroy ${last('destroy')} ms`,
          );
        }
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      const list = (xs: number[]) => xs.map((x) => (x / 1000).toFixed(1)).join(', ');
      for (const op of ['preview', 'up', 'destroy']) {
        const c = t[`${op} cli`];
        const o = t[`${op} opsdeck`];
        if (!c || !o) continue;
        results.push({
          name: `scale ${n}: ${op}, OpsDeck in the host ÷ CLI`,
          value: +(median(o) / median(c)).toFixed(3),
          unit: '×',
          note: `medians of ${rounds}: ${(median(o) / 1000).toFixed(1)} s vs ${(median(c) / 1000).toFixed(1)} s (OpsDeck ${list(o)}; CLI ${list(c)}); target ≤ 1.05×`,
        });
      }
      for (const [who, c] of Object.entries(cpu)) {
        const sum = (xs: number[]) => xs.reduce((a, x) => a + x, 0);
        results.push({
          name: `scale ${n}: machine CPU per round, ${who === 'cli' ? 'the CLI' : 'OpsDeck'} (preview + up + destroy)`,
          value: +(sum(c.machine) / rounds).toFixed(1),
          unit: 's',
          note: `all processes (/proc/stat busy time), mean of ${rounds} rounds; of it the headless browser rendering the workbench: ${(sum(c.browser) / rounds).toFixed(1)} s`,
        });
      }
      for (const [name, xs] of Object.entries(hostCpu))
        results.push({
          name: `scale ${n}: extension host CPU during OpsDeck's ${name}`,
          value: +(median(xs) / 1000).toFixed(2),
          unit: 's',
          note: `median of ${xs.length} (${list(xs)}): user + system time of the whole host process`,
        });
      results.push({
        name: `scale ${n}: host event-loop delay during OpsDeck's runs (max / p99)`,
        value: +Math.max(...delays.map((d) => d.max)).toFixed(1),
        unit: 'ms',
        note: `worst p99 of the runs ${Math.max(...delays.map((d) => d.p99)).toFixed(1)} ms, mean ${(
          delays.reduce((a, d) => a + d.mean * d.count, 0) /
          Math.max(
            1,
            delays.reduce((a, d) => a + d.count, 0),
          )
        ).toFixed(1)} ms over ${delays.reduce((a, d) => a + d.count, 0)} samples of 10 ms`,
      });
      await cmd('refreshStacks');
    }
    const out = path.join(outputDir(), 'bench');
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'scale.json'), JSON.stringify(results, null, 2));
  });
});
