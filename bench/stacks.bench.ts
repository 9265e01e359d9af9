// Stacks benchmarks (plain Node, real Pulumi CLI from .tools/tools.json, file backend in a temp dir).
//  1. OpsDeck's runner vs the bare Automation API on the same fixture stack, preview and up,
//     alternated run by run. The CLI alone cannot run the fixture here: the Node language host
//     (pulumi-language-nodejs) is not obtainable offline, so the baseline is the CLI driven by the
//     minimal Automation API call on the same inline program (no event handlers), and OpsDeck adds
//     its event reduction, log formatting and masking on top.
//  2. Resources of a 2,000-resource stack: `pulumi stack export` + the tree index, and the index alone.
//  3. History of 500 updates: `pulumi stack history` + the rows, and the rows alone.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PulumiProjectSession } from '../src/stacks/runner/session';
import { readFileBackendIndex } from '../src/stacks/runner/fileBackend';
import { loadAutomation } from '../src/stacks/runner/automationLoader';
import { makeInlineProgram } from '../src/stacks/runner/inlineProgram';
import { ChangeModelBuilder } from '../src/stacks/model/changeModel';
import { SecretMasker, formatEvent } from '../src/stacks/model/eventLog';
import { buildStateIndex, StateDeployment, StateResource } from '../src/stacks/model/stateTree';
import { historyRows, UpdateSummaryLike } from '../src/stacks/model/history';
import { EngineEventLike } from '../src/stacks/model/engineEvents';

interface Result {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const REPO = path.resolve(__dirname, '..', '..');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function must<T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

function syntheticDeployment(n: number, project: string): StateDeployment {
  const stackUrn = `urn:pulumi:bench::${project}::pulumi:pulumi:Stack::${project}-bench`;
  const resources: StateResource[] = [{ urn: stackUrn, type: 'pulumi:pulumi:Stack', custom: false, outputs: {} }];
  const components = Math.ceil(n / 50);
  for (let c = 0; c < components; c++) {
    const curn = `urn:pulumi:bench::${project}::opsdeck:bench:Group::group-${c}`;
    resources.push({ urn: curn, type: 'opsdeck:bench:Group', custom: false, parent: stackUrn });
    for (let i = 0; i < 49 && resources.length < n; i++) {
      resources.push({
        urn: `urn:pulumi:bench::${project}::opsdeck:bench:Group$aws:s3/bucket:Bucket::bucket-${c}-${i}`,
        type: 'aws:s3/bucket:Bucket',
        custom: true,
        id: `bucket-${c}-${i}-a1b2c3`,
        parent: curn,
        inputs: { bucket: `bucket-${c}-${i}`, tags: { team: 'platform', index: String(i) } },
        outputs: { arn: `arn:aws:s3:::bucket-${c}-${i}`, bucket: `bucket-${c}-${i}`, region: 'eu-west-1', tags: { team: 'platform' } },
        sourcePosition: `project:///index.ts#${10 + i},5`,
      });
    }
  }
  return { manifest: { time: new Date().toISOString() }, resources };
}

/**
 * The longest the event loop is blocked while a stack's state is read: a ~50 MB file-backend
 * checkpoint, read as the tree does (readFileBackendIndex: async read, parse and index on a worker
 * thread) and, for comparison, the way it was read before (readFileSync + JSON.parse + index on the
 * calling thread). A 1 ms timer runs meanwhile; the largest gap between its ticks is the block.
 */
export async function largeStateBlock(): Promise<Result[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-bench-state-'));
  try {
    const stackDir = path.join(dir, '.pulumi', 'stacks', 'bench');
    fs.mkdirSync(stackDir, { recursive: true });
    // 2,000 resources is ~1.9 MB; pad the outputs to reach ~50 MB with realistic structure.
    const d = syntheticDeployment(20_000, 'bench');
    for (const r of d.resources!) if (r.outputs) r.outputs.policy = 'x'.repeat(2200);
    const file = path.join(stackDir, 'big.json');
    fs.writeFileSync(file, JSON.stringify({ version: 3, checkpoint: { stack: 'organization/bench/big', latest: d } }));
    const mb = fs.statSync(file).size / 1024 / 1024;
    const worker = path.join(__dirname, '..', 'src', 'stacks', 'runner', 'stateReader.js');
    const measure = async (read: () => Promise<unknown> | unknown) => {
      let last = performance.now();
      let max = 0;
      let ticking = true;
      const tick = () => {
        const now = performance.now();
        max = Math.max(max, now - last);
        last = now;
        if (ticking) setTimeout(tick, 1);
      };
      setTimeout(tick, 1);
      await new Promise((r) => setTimeout(r, 20));
      const t = performance.now();
      await read();
      const total = performance.now() - t;
      await new Promise((r) => setTimeout(r, 20));
      ticking = false;
      return { max, total };
    };
    const now: Array<{ max: number; total: number }> = [];
    const before: Array<{ max: number; total: number }> = [];
    for (let i = 0; i < 3; i++) {
      now.push(
        await measure(async () => {
          const r = await readFileBackendIndex(`file://${dir}`, 'bench', 'big', { workerScript: worker });
          if (!r?.ok || r.value.count !== 20_000) throw new Error(`state read failed: ${JSON.stringify(r && !r.ok ? r.error : r)}`);
        }),
      );
      before.push(
        await measure(() => {
          const cp = JSON.parse(fs.readFileSync(file, 'utf8')) as { checkpoint: { latest: StateDeployment } };
          buildStateIndex(cp.checkpoint.latest);
        }),
      );
    }
    const med = (xs: Array<{ max: number; total: number }>, k: 'max' | 'total') => Math.round(median(xs.map((x) => x[k])));
    return [
      {
        name: `longest event-loop block while a ${mb.toFixed(0)} MB state is read (worker thread)`,
        value: med(now, 'max'),
        unit: 'ms',
        note: `median of 3; the read itself took ${med(now, 'total')} ms; 20,000 resources`,
      },
      {
        name: `same, read on the calling thread (as before)`,
        value: med(before, 'max'),
        unit: 'ms',
        note: `median of 3; readFileSync + JSON.parse + index took ${med(before, 'total')} ms`,
      },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<Result[]> {
  const toolsFile = path.join(REPO, '.tools', 'tools.json');
  const tools = fs.existsSync(toolsFile)
    ? (
        JSON.parse(fs.readFileSync(toolsFile, 'utf8')) as {
          pulumi?: { binDir: string; languageHost?: string | null; env?: Record<string, string> };
        }
      ).pulumi
    : undefined;
  const results: Result[] = [];

  // Pure parts first: they need no CLI.
  {
    const d = syntheticDeployment(2000, 'bench');
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      const idx = buildStateIndex(d);
      for (const r of idx.roots) idx.children.get(r.urn);
      times.push(performance.now() - t);
    }
    results.push({
      name: 'resources index, 2,000 resources (pure)',
      value: +median(times).toFixed(2),
      unit: 'ms',
      note: 'buildStateIndex + every top-level expansion; median of 7',
    });
    const hist: UpdateSummaryLike[] = Array.from({ length: 500 }, (_, i) => ({
      kind: 'update',
      startTime: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString(),
      endTime: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000 + 42_000).toISOString(),
      result: i % 17 ? 'succeeded' : 'failed',
      version: 0,
      environment: { 'git.head': 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', 'git.author': 'Dana Ops' },
      resourceChanges: { create: 1, update: 3, same: 40 },
    }));
    const ht: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      historyRows(hist, new Date());
      ht.push(performance.now() - t);
    }
    results.push({ name: 'history rows, 500 updates (pure)', value: +median(ht).toFixed(2), unit: 'ms', note: 'median of 7' });
  }

  results.push(...(await largeStateBlock()));

  if (!tools) {
    results.push({
      name: 'CLI benchmarks',
      value: 0,
      unit: 'skipped',
      note: 'no pulumi in .tools/tools.json (npm run setup-tools pulumi)',
    });
    return results;
  }

  const T = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-bench-stacks-'));
  try {
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(T, 'node_modules'));
    fs.cpSync(path.join(REPO, 'test', 'fixtures', 'pulumi', 'files'), path.join(T, 'files'), { recursive: true });
    const dir = path.join(T, 'files');
    const backend = path.join(T, 'backend');
    fs.mkdirSync(backend);
    const env: Record<string, string> = {
      PULUMI_BACKEND_URL: `file://${backend}`,
      PULUMI_HOME: path.join(T, 'home'),
      ...(tools.env ?? {}),
      PATH: `${tools.binDir}${path.delimiter}${process.env.PATH}`,
    };
    const passphrase = 'bench';
    const session = new PulumiProjectSession(
      { dir, name: 'opsdeck-files', runtime: 'nodejs' },
      { env, route: 'inline', passphrase },
      () => true,
    );
    must(await session.createStack('dev'));
    must(await session.setConfig('dev', 'dir', path.join(T, 'data'), false));
    must(await session.run('up', 'dev', {}));

    // Baseline: the bare Automation API with the same inline program and the same CLI.
    const auto = loadAutomation(dir);
    const pulumiCommand = await auto.PulumiCommand.get({ root: path.dirname(tools.binDir) });
    const ws = await auto.LocalWorkspace.create({
      workDir: dir,
      pulumiCommand,
      envVars: session.env() /* the same environment OpsDeck gives the CLI */,
      program: makeInlineProgram(dir, undefined, path.join(REPO, 'node_modules', '@pulumi', 'pulumi')),
    });
    const bare = await auto.Stack.select('dev', ws);

    const opsdeck = async (op: 'preview' | 'up') => {
      const b = new ChangeModelBuilder(op, 'dev');
      const masker = new SecretMasker();
      masker.add(passphrase + '-not-in-output');
      const lines: string[] = [];
      const onEvent = (e: EngineEventLike) => {
        b.apply(e);
        lines.push(...formatEvent(e, op === 'preview', masker));
      };
      must(await session.run(op, 'dev', { onEvent, planFile: op === 'preview' ? path.join(T, 'plan.json') : undefined }));
    };
    let greeting = 0;
    const flip = async () => must(await session.setConfig('dev', 'greeting', `hello-${++greeting}`, false));
    const N = 5;
    const times: Record<string, number[]> = { 'preview bare': [], 'preview opsdeck': [], 'up bare': [], 'up opsdeck': [] };
    for (let i = 0; i < N; i++) {
      for (const who of i % 2 ? ['opsdeck', 'bare'] : ['bare', 'opsdeck']) {
        await flip();
        let t = performance.now();
        if (who === 'bare') await bare.preview({});
        else await opsdeck('preview');
        times[`preview ${who}`]!.push(performance.now() - t);
        t = performance.now();
        if (who === 'bare') await bare.up({});
        else await opsdeck('up');
        times[`up ${who}`]!.push(performance.now() - t);
      }
    }
    for (const op of ['preview', 'up']) {
      const b = median(times[`${op} bare`]!);
      const o = median(times[`${op} opsdeck`]!);
      results.push({ name: `${op}: bare Automation API (CLI)`, value: Math.round(b), unit: 'ms', note: `median of ${N}` });
      results.push({
        name: `${op}: OpsDeck runner`,
        value: Math.round(o),
        unit: 'ms',
        note: `median of ${N}; event reduction + log + masking`,
      });
      results.push({ name: `${op}: OpsDeck overhead`, value: +(((o - b) / b) * 100).toFixed(1), unit: '%', note: 'target < 10% (aim 5%)' });
    }

    // With a language host beside the CLI: the CLI itself (`pulumi preview`, `pulumi up`) against
    // OpsDeck's runner on the on-disk route, same project, same stack, alternated.
    if (tools.languageHost && fs.existsSync(tools.languageHost)) {
      const disk = new PulumiProjectSession(
        { dir, name: 'opsdeck-files', runtime: 'nodejs' },
        { env, route: 'onDisk', passphrase },
        () => true,
      );
      const cliEnv = { ...process.env, ...disk.env() };
      const cli = (args: string[]) =>
        execFileSync(path.join(tools.binDir, 'pulumi'), [...args, '--stack', 'dev', '--non-interactive'], {
          cwd: dir,
          env: cliEnv,
          stdio: 'pipe',
        });
      const opsdeckDisk = async (op: 'preview' | 'up') => {
        const b = new ChangeModelBuilder(op, 'dev');
        const masker = new SecretMasker();
        const onEvent = (e: EngineEventLike) => {
          b.apply(e);
          formatEvent(e, op === 'preview', masker);
        };
        must(await disk.run(op, 'dev', { onEvent, planFile: op === 'preview' ? path.join(T, 'plan.json') : undefined }));
      };
      const dt: Record<string, number[]> = { 'preview cli': [], 'preview opsdeck': [], 'up cli': [], 'up opsdeck': [] };
      for (let i = 0; i < N; i++) {
        for (const who of i % 2 ? ['opsdeck', 'cli'] : ['cli', 'opsdeck']) {
          await flip();
          let t = performance.now();
          if (who === 'cli') cli(['preview']);
          else await opsdeckDisk('preview');
          dt[`preview ${who}`]!.push(performance.now() - t);
          t = performance.now();
          if (who === 'cli') cli(['up', '--yes', '--skip-preview']);
          else await opsdeckDisk('up');
          dt[`up ${who}`]!.push(performance.now() - t);
        }
      }
      for (const op of ['preview', 'up']) {
        const c = median(dt[`${op} cli`]!);
        const o = median(dt[`${op} opsdeck`]!);
        results.push({ name: `${op}: pulumi CLI (on disk, language host)`, value: Math.round(c), unit: 'ms', note: `median of ${N}` });
        results.push({
          name: `${op}: OpsDeck runner (on disk)`,
          value: Math.round(o),
          unit: 'ms',
          note: `median of ${N}${op === 'preview' ? '; also saves an update plan' : ''}`,
        });
        results.push({
          name: `${op}: OpsDeck overhead vs CLI`,
          value: +(((o - c) / c) * 100).toFixed(1),
          unit: '%',
          note: 'target < 10% (aim 5%)',
        });
      }
    }

    // 2,000 resources: import a synthetic state, then time export + index (what expanding Resources does).
    const stateStack = 'big';
    must(await session.createStack(stateStack));
    const big = syntheticDeployment(2000, 'opsdeck-files');
    for (const r of big.resources!) r.urn = r.urn.replace('urn:pulumi:bench::', `urn:pulumi:${stateStack}::`);
    for (const r of big.resources!) if (r.parent) r.parent = r.parent.replace('urn:pulumi:bench::', `urn:pulumi:${stateStack}::`);
    await ws.importStack(stateStack, { version: 3, deployment: big });
    const et: number[] = [];
    const heapBefore = process.memoryUsage().heapUsed;
    let keep: unknown;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      const idx = must(await session.stateIndex(stateStack));
      keep = idx;
      et.push(performance.now() - t);
      if (idx.count !== 2000) throw new Error(`expected 2,000 resources, got ${idx.count}`);
    }
    results.push({
      name: 'Resources expansion, 2,000 resources (state read + index)',
      value: Math.round(median(et)),
      unit: 'ms',
      note: 'median of 5; file backend read directly; target < 300 ms',
    });
    const cli: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      const d = (await ws.exportStack(stateStack)).deployment as StateDeployment;
      buildStateIndex(d);
      cli.push(performance.now() - t);
    }
    results.push({
      name: 'same through `pulumi stack export` (other backends)',
      value: Math.round(median(cli)),
      unit: 'ms',
      note: 'median of 5; the CLI process dominates',
    });
    results.push({
      name: 'heap held by a loaded 2,000-resource index',
      value: +((process.memoryUsage().heapUsed - heapBefore) / 1048576).toFixed(1),
      unit: 'MiB',
      note: 'Node heap delta, approximate (GC-dependent)',
    });
    void keep;

    // 500 updates of history: copy one real history record 500 times into the file backend.
    const histDir = path.join(backend, '.pulumi', 'history', 'opsdeck-files', 'dev');
    const files = fs.readdirSync(histDir).filter((f) => f.endsWith('.history.json'));
    const sample = JSON.parse(fs.readFileSync(path.join(histDir, files[0]!), 'utf8')) as { startTime: number; endTime: number };
    const base = Math.floor(Date.now() / 1000) - 600_000;
    for (let i = files.length; i < 500; i++) {
      const rec = { ...sample, startTime: base + i * 600, endTime: base + i * 600 + 30 };
      fs.writeFileSync(path.join(histDir, `dev-${(base + i * 600) * 1_000_000_000}.history.json`), JSON.stringify(rec));
    }
    const ht: number[] = [];
    let count = 0;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      const h = must(await session.history('dev'));
      count = historyRows(h, new Date()).length;
      ht.push(performance.now() - t);
    }
    results.push({
      name: `History, ${count} updates (history read + rows)`,
      value: Math.round(median(ht)),
      unit: 'ms',
      note: 'median of 5; target < 300 ms',
    });
  } finally {
    fs.rmSync(T, { recursive: true, force: true });
  }
  return results;
}
