// The hidden cost of drift checks and policy packs (plain Node, the real CLI from .tools/tools.json, the
// on-disk route through the rig's Node host, a file backend in a temp dir), on the policy-target fixture:
//  1. Check Drift (OpsDeck's runner: previewRefresh through the Automation API + the change model and the
//     drift report) vs a bare `pulumi refresh --preview-only` on the same stack, alternated run by run;
//  2. Preview with the fixture policy pack (test/fixtures/pulumi/policy-pack, @pulumi/policy) vs without,
//     through the same runner, alternated.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PulumiProjectSession } from '../src/stacks/runner/session';
import { ChangeModelBuilder } from '../src/stacks/model/changeModel';
import { driftFromModel } from '../src/stacks/model/drift';
import { EngineEventLike } from '../src/stacks/model/engineEvents';

interface Result {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const REPO = path.resolve(__dirname, '..', '..');
const RUNS = Number(process.env.OPSDECK_BENCH_DEEP_RUNS) || 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function must<T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

export async function run(): Promise<Result[]> {
  const toolsFile = path.join(REPO, '.tools', 'tools.json');
  const tools = fs.existsSync(toolsFile)
    ? (JSON.parse(fs.readFileSync(toolsFile, 'utf8')) as { pulumi?: { binDir: string; pulumi: string; env?: Record<string, string> } })
        .pulumi
    : undefined;
  if (!tools) return [{ name: 'drift / policy benchmarks', value: 0, unit: 'skipped', note: 'no pulumi in .tools/tools.json' }];

  const T = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-bench-deep-'));
  try {
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(T, 'node_modules'));
    for (const f of ['policy-target', 'policy-pack'])
      fs.cpSync(path.join(REPO, 'test', 'fixtures', 'pulumi', f), path.join(T, f), { recursive: true });
    const dir = path.join(T, 'policy-target');
    const pack = path.join(T, 'policy-pack');
    const data = path.join(T, 'data');
    const backend = path.join(T, 'backend');
    fs.mkdirSync(backend);
    const env: Record<string, string> = {
      PULUMI_BACKEND_URL: `file://${backend}`,
      PULUMI_HOME: path.join(T, 'home'),
      ...(tools.env ?? {}),
      PATH: `${tools.binDir}${path.delimiter}${process.env.PATH}`,
    };
    const session = new PulumiProjectSession(
      { dir, name: 'opsdeck-policy-target', runtime: 'nodejs' },
      { env, route: 'onDisk', passphrase: 'bench' },
      () => true,
    );
    must(await session.createStack('dev'));
    must(await session.setConfig('dev', 'dir', data, false));
    must(await session.setConfig('dev', 'blockedName', 'report.txt', false));
    must(await session.run('up', 'dev', {}));
    fs.writeFileSync(path.join(data, 'notes.txt'), 'edited behind Pulumi\n');

    const results: Result[] = [];
    const time = async (f: () => Promise<unknown> | unknown) => {
      const t = performance.now();
      await f();
      return performance.now() - t;
    };

    // 1. Drift check vs bare CLI.
    const opsdeckDrift = async () => {
      const b = new ChangeModelBuilder('refresh', 'dev');
      must(await session.run('refresh', 'dev', { previewOnly: true, onEvent: (e: EngineEventLike) => b.apply(e) }));
      b.finish('succeeded');
      const r = driftFromModel(b.model, Date.now());
      if (r.resources.length !== 1) throw new Error(`expected 1 drifted resource, got ${JSON.stringify(r.resources)}`);
    };
    const bareDrift = () =>
      execFileSync(tools.pulumi, ['refresh', '--preview-only', '--stack', 'dev', '--non-interactive', '--color', 'never'], {
        cwd: dir,
        env: { ...process.env, ...session.env() },
        stdio: 'pipe',
      });
    await opsdeckDrift(); // warm: the workspace, the stack selection, the plugin cache
    const od: number[] = [];
    const bd: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      od.push(await time(opsdeckDrift));
      bd.push(await time(bareDrift));
    }
    results.push(
      { name: 'Check Drift (OpsDeck runner)', value: Math.round(median(od)), unit: 'ms', note: `median of ${RUNS}, alternated` },
      { name: 'pulumi refresh --preview-only (bare CLI)', value: Math.round(median(bd)), unit: 'ms', note: `median of ${RUNS}` },
    );

    // 2. Preview with vs without the policy pack.
    const preview = (policyPacks?: string[]) => async () => must(await session.run('preview', 'dev', { policyPacks }));
    const withPack: number[] = [];
    const without: number[] = [];
    await preview([pack])(); // warm the pack's first load
    for (let i = 0; i < RUNS; i++) {
      without.push(await time(preview()));
      withPack.push(await time(preview([pack])));
    }
    results.push(
      { name: 'preview without a policy pack', value: Math.round(median(without)), unit: 'ms', note: `median of ${RUNS}, alternated` },
      {
        name: 'preview with the fixture policy pack',
        value: Math.round(median(withPack)),
        unit: 'ms',
        note: `median of ${RUNS}; 3 policies (@pulumi/policy 1.21.0, TypeScript pack) started through the host's RunPlugin`,
      },
    );
    return results;
  } finally {
    fs.rmSync(T, { recursive: true, force: true });
  }
}
