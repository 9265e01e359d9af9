// Foundation benchmarks: what the extension costs to ship and to start.
//   bundle.size   dist/extension.js after `npm run build:prod` (the bench script builds it first)
//   vsix.size     dist/opsdeck.vsix, built by `npm run package` when missing or older than the bundle
//   bundle.part.* size of each capability in dist/extension.js and of each chunk loaded on first use
//                 (dist/lazy/*.js), from the esbuild metafile the build writes (dist/meta.json)
//   load.node     require() of dist/extension.js in a fresh plain Node process (vscode stubbed): the
//                 part of activation that grows with the bundle; OPSDECK_BENCH_BASELINE_DIST=<folder>
//                 (another build's dist/) alternates with it, for a before/after in one run
//   activation    median over several fresh code-server hosts of one cold activation each
//                 (test/integration/bench/foundation.bench.test.ts takes the sample);
//                 OPSDECK_BENCH_BASELINE_VSIX=<file> alternates hosts with this build's VSIX and that one
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

interface Metafile {
  outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }>;
}

/** Bytes of dist/extension.js per capability (src/<cap>/…; the rest is the core) and of each lazy chunk. */
export function bundleParts(): BenchResult[] {
  const file = path.join(REPO, 'dist', 'meta.json');
  if (!fs.existsSync(file)) return [];
  const meta = JSON.parse(fs.readFileSync(file, 'utf8')) as { main: Metafile; chunks: Metafile };
  const out: BenchResult[] = [];
  const main = meta.main.outputs['dist/extension.js'];
  const parts = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(main?.inputs ?? {})) {
    const m = /^src\/(documents|stacks|health|operations)\//.exec(input);
    const part = m ? m[1] : input.startsWith('node_modules/') ? 'libraries' : input.startsWith('opsdeck-lazy:') ? 'stand-ins' : 'core';
    parts.set(part, (parts.get(part) ?? 0) + bytesInOutput);
  }
  for (const [part, bytes] of [...parts].sort((a, b) => b[1] - a[1]))
    out.push({
      name: `bundle.part.${part}`,
      value: kib(bytes),
      unit: 'KiB',
      note: 'in dist/extension.js (loaded at activation), minified',
    });
  for (const [output, o] of Object.entries(meta.chunks.outputs)) {
    if (!output.endsWith('.js')) continue;
    out.push({
      name: `bundle.lazy.${path.basename(output, '.js')}`,
      value: kib(o.bytes),
      unit: 'KiB',
      note: `${output}, loaded on first use`,
    });
  }
  return out;
}

/**
 * The stub `vscode` module: an object with the real API's top-level names (classes, enums and namespaces
 * from @types/vscode), like the object the host hands out, so copying its properties costs what it does
 * in the host; any other name reads as a no-op function.
 */
function vscodeStub(): string {
  const types = fs.readFileSync(path.join(REPO, 'node_modules', '@types', 'vscode', 'index.d.ts'), 'utf8');
  const names = [...types.matchAll(/^\texport (?:class|enum|namespace|const|function) (\w+)/gm)].map((m) => m[1]);
  return `const api = {}; for (const n of ${JSON.stringify([...new Set(names)])}) api[n] = function () {};
module.exports = new Proxy(api, { get: (t, k) => (k in t ? t[k] : function () {}) });`;
}

/** One require() of <dist>/extension.js in a fresh Node process with `vscode` stubbed; ms. */
function loadOnce(dist: string): number {
  const script = [
    "const Module = require('module');",
    'const resolve = Module._resolveFilename;',
    "const stub = require('path').join(require('os').tmpdir(), 'opsdeck-bench-vscode-stub.js');",
    `require('fs').writeFileSync(stub, ${JSON.stringify(vscodeStub())});`,
    "Module._resolveFilename = function (r, ...a) { return r === 'vscode' ? stub : resolve.call(this, r, ...a); };",
    'const t = performance.now();',
    `require(${JSON.stringify(path.join(dist, 'extension.js'))});`,
    'console.log(performance.now() - t);',
  ].join('\n');
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`loading ${dist}/extension.js failed: ${r.stderr}`);
  return Number(r.stdout.trim());
}

export function loadTimes(): BenchResult[] {
  const runs = 9;
  const baseline = process.env.OPSDECK_BENCH_BASELINE_DIST;
  const now: number[] = [];
  const before: number[] = [];
  for (let i = 0; i < runs; i++) {
    now.push(loadOnce(path.join(REPO, 'dist')));
    if (baseline) before.push(loadOnce(path.resolve(baseline)));
  }
  const row = (name: string, xs: number[], what: string): BenchResult => ({
    name,
    value: Number(median(xs).toFixed(1)),
    unit: 'ms',
    note: `${what}: median of ${xs.length} fresh Node processes (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)}), vscode stubbed`,
  });
  const out = [row('load.node', now, 'require(dist/extension.js)')];
  if (baseline) out.push(row('load.node.baseline', before, `require(${baseline}/extension.js), alternated with the row above`));
  return out;
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];

  const bundle = path.join(REPO, 'dist', 'extension.js');
  if (!fs.existsSync(bundle)) throw new Error('dist/extension.js is missing: run `npm run build:prod`');
  const code = fs.readFileSync(bundle);
  // esbuild's readable output names each source file in a comment; the minified one has none. (The old
  // test, indentation in the first 20 KB, misfires on the built-in templates' multi-line strings.)
  const minified = !code.includes('\n// src/');
  results.push({
    name: 'bundle.size',
    value: kib(code.length),
    unit: 'KiB',
    note: minified ? 'dist/extension.js, production build' : 'dist/extension.js, NOT minified: run npm run build:prod',
  });
  results.push({ name: 'bundle.size.gzip', value: kib(gzipSync(code).length), unit: 'KiB' });
  results.push(...bundleParts());
  results.push(...loadTimes());

  const vsix = path.join(REPO, 'dist', 'opsdeck.vsix');
  if (!fs.existsSync(vsix) || fs.statSync(vsix).mtimeMs < fs.statSync(bundle).mtimeMs) {
    const r = spawnSync('npm', ['run', 'package'], { cwd: REPO, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('npm run package failed');
  }
  results.push({
    name: 'vsix.size',
    value: Number((fs.statSync(vsix).size / 1024 / 1024).toFixed(2)),
    unit: 'MiB',
    note: 'dist/opsdeck.vsix (the bundle, its lazy chunks, media, snippets, schemas; no node_modules)',
  });

  // With a baseline VSIX, hosts alternate: this build's VSIX installed, then the baseline's.
  const baselineVsix = process.env.OPSDECK_BENCH_BASELINE_VSIX;
  const variants: Array<{ label: string; vsix?: string }> = baselineVsix
    ? [
        { label: 'vsix', vsix },
        { label: 'baseline', vsix: path.resolve(baselineVsix) },
      ]
    : [{ label: '', vsix }];
  const wall = new Map<string, number[]>(variants.map((v) => [v.label, []]));
  const body = new Map<string, number[]>(variants.map((v) => [v.label, []]));
  const floor = new Map<string, number[]>(variants.map((v) => [v.label, []]));
  const share = new Map<string, number[]>(variants.map((v) => [v.label, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const v of variants) {
      const output = path.join('test-output', 'bench-activation');
      const code = await runRig({
        suite: 'bench',
        grep: 'foundation bench',
        output,
        timeoutMs: 5 * 60_000,
        echo: false,
        vsix: v.vsix,
        env: { OPSDECK_BENCH_ACTIVATION: '1', OPSDECK_BENCH_ACTIVATION_ORDER: i % 2 ? 'opsdeck-first' : 'reference-first' },
      });
      const file = path.join(REPO, output, 'results', 'bench', 'foundation.json');
      if (code !== 0 || !fs.existsSync(file)) throw new Error(`activation sample ${i + 1} failed (rig exit ${code}); see ${output}/logs/`);
      const sample = JSON.parse(fs.readFileSync(file, 'utf8')) as BenchResult[];
      const w = sample.find((s) => s.name === 'activate.wall');
      const b = sample.find((s) => s.name === 'activate.body');
      if (w) wall.get(v.label)!.push(w.value);
      if (b) body.get(v.label)!.push(b.value);
      const f = sample.find((s) => s.name === 'activate.reference');
      if (f) floor.get(v.label)!.push(f.value);
      if (f && w) share.get(v.label)!.push(w.value - f.value);
      console.log(
        `[bench] foundation: activation sample ${i + 1}/${RUNS}${v.label ? ` (${v.label})` : ''}: ${w?.value} ms wall, ${b?.value ?? '?'} ms in activate(), ${f?.value ?? '?'} ms for an empty extension in the same host`,
      );
    }
  }
  for (const v of variants) {
    const suffix = v.label ? `.${v.label}` : '';
    const what = v.vsix ? `${path.basename(v.vsix)} installed` : 'the checkout';
    const ws = wall.get(v.label)!;
    const bs = body.get(v.label)!;
    results.push({
      name: `activation.wall.median${suffix}`,
      value: Number(median(ws).toFixed(1)),
      unit: 'ms',
      note: `median of ${ws.length} fresh hosts (min ${Math.min(...ws)}, max ${Math.max(...ws)}), ${what}: await activate() in code-server's extension host`,
    });
    const floors = floor.get(v.label)!;
    if (floors.length) {
      results.push({
        name: `activation.reference.median${suffix}`,
        value: Number(median(floors).toFixed(1)),
        unit: 'ms',
        note: `median of ${floors.length} (min ${Math.min(...floors)}, max ${Math.max(...floors)}): an extension whose activate() is empty, in the same hosts (the host's floor; order alternates)`,
      });
      const sh = share.get(v.label)!;
      results.push({
        name: `activation.beyondReference.median${suffix}`,
        value: Number(median(sh).toFixed(1)),
        unit: 'ms',
        note: `median over hosts of (OpsDeck's wall − the empty extension's), ${what} (min ${Math.min(...sh).toFixed(1)}, max ${Math.max(...sh).toFixed(1)})`,
      });
    }
    if (bs.length) {
      results.push({
        name: `activation.body.median${suffix}`,
        value: Number(median(bs).toFixed(1)),
        unit: 'ms',
        note: `median of ${bs.length}, ${what}: activate() itself, from the OpsDeck log line`,
      });
    }
  }
  return results;
}
