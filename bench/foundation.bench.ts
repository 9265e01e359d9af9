// Foundation benchmarks: what the extension costs to ship and to start.
//   bundle.size   dist/extension.js after `npm run build:prod` (the bench script builds it first)
//   vsix.size     dist/opsdeck.vsix, built by `npm run package` when missing or older than the bundle
//   activation    median over several fresh code-server hosts of one cold activation each
//                 (test/integration/bench/foundation.bench.test.ts takes the sample)
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { gzipSync } from 'zlib';
import { REPO, runRig } from '../test/rig/runInCodeServer';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const RUNS = Number(process.env.OPSDECK_BENCH_ACTIVATION_RUNS) || 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function kib(bytes: number): number {
  return Number((bytes / 1024).toFixed(1));
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];

  const bundle = path.join(REPO, 'dist', 'extension.js');
  if (!fs.existsSync(bundle)) throw new Error('dist/extension.js is missing: run `npm run build:prod`');
  const code = fs.readFileSync(bundle);
  const minified = !/\n {2}/.test(code.subarray(0, 20_000).toString());
  results.push({
    name: 'bundle.size',
    value: kib(code.length),
    unit: 'KiB',
    note: minified ? 'dist/extension.js, production build' : 'dist/extension.js, NOT minified: run npm run build:prod',
  });
  results.push({ name: 'bundle.size.gzip', value: kib(gzipSync(code).length), unit: 'KiB' });

  const vsix = path.join(REPO, 'dist', 'opsdeck.vsix');
  if (!fs.existsSync(vsix) || fs.statSync(vsix).mtimeMs < fs.statSync(bundle).mtimeMs) {
    const r = spawnSync('npm', ['run', 'package'], { cwd: REPO, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('npm run package failed');
  }
  results.push({
    name: 'vsix.size',
    value: Number((fs.statSync(vsix).size / 1024 / 1024).toFixed(2)),
    unit: 'MiB',
    note: 'dist/opsdeck.vsix (bundle + @pulumi/pulumi production tree)',
  });

  const wall: number[] = [];
  const body: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const output = path.join('test-output', 'bench-activation');
    const code = await runRig({
      suite: 'bench',
      grep: 'foundation bench',
      output,
      timeoutMs: 5 * 60_000,
      echo: false,
      env: { OPSDECK_BENCH_ACTIVATION: '1' },
    });
    const file = path.join(REPO, output, 'results', 'bench', 'foundation.json');
    if (code !== 0 || !fs.existsSync(file)) throw new Error(`activation sample ${i + 1} failed (rig exit ${code}); see ${output}/logs/`);
    const sample = JSON.parse(fs.readFileSync(file, 'utf8')) as BenchResult[];
    const w = sample.find((s) => s.name === 'activate.wall');
    const b = sample.find((s) => s.name === 'activate.body');
    if (w) wall.push(w.value);
    if (b) body.push(b.value);
    console.log(`[bench] foundation: activation sample ${i + 1}/${RUNS}: ${w?.value} ms wall, ${b?.value ?? '?'} ms in activate()`);
  }
  results.push({
    name: 'activation.wall.median',
    value: Number(median(wall).toFixed(1)),
    unit: 'ms',
    note: `median of ${wall.length} fresh hosts (min ${Math.min(...wall)}, max ${Math.max(...wall)}): await activate() in code-server's extension host`,
  });
  if (body.length) {
    results.push({
      name: 'activation.body.median',
      value: Number(median(body).toFixed(1)),
      unit: 'ms',
      note: `median of ${body.length}: activate() itself, from the OpsDeck log line`,
    });
  }
  return results;
}
