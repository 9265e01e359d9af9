// `npm run bench`: runs every plain-Node benchmark (bench/<cap>.bench.ts, compiled to out/bench/) and
// then the host benchmarks (test/integration/bench/**) inside code-server through the rig, prints one
// table and writes bench/results/latest.json. Figures worth keeping are copied by hand into
// bench/README.md with the machine and date.
//
//   OPSDECK_BENCH_ONLY=foundation,stacks   run only these capabilities' plain-Node benchmarks
//   OPSDECK_BENCH_SKIP_HOST=1              skip the host benchmark suite
//   OPSDECK_BENCH_HOST_GREP=<pattern>      run only the host benchmarks whose title matches
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO, runRig } from '../test/rig/runInCodeServer';

interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

type Results = Record<string, BenchResult[] | { error: string }>;

async function plainBenchmarks(results: Results): Promise<boolean> {
  const only = process.env.OPSDECK_BENCH_ONLY?.split(',').map((s) => s.trim());
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.js'))
    .sort();
  let ok = true;
  for (const f of files) {
    const cap = f.replace(/\.bench\.js$/, '');
    if (only && !only.includes(cap)) continue;
    const started = Date.now();
    console.log(`\n[bench] ▶ ${cap}`);
    try {
      const mod = (await import(path.join(__dirname, f))) as { run?: () => Promise<BenchResult[]> };
      if (typeof mod.run !== 'function') throw new Error(`${f} does not export run()`);
      results[cap] = await mod.run();
    } catch (e) {
      ok = false;
      results[cap] = { error: (e as Error).stack ?? String(e) };
      console.error(`[bench] ✘ ${cap}: ${(e as Error).message}`);
    }
    console.log(`[bench] ${cap} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  return ok;
}

async function hostBenchmarks(results: Results): Promise<boolean> {
  const output = path.join('test-output', 'bench-host');
  console.log('\n[bench] ▶ host benchmarks (test/integration/bench/ in code-server)');
  const code = await runRig({
    suite: 'bench',
    output,
    grep: process.env.OPSDECK_BENCH_HOST_GREP || undefined,
    timeoutMs: Number(process.env.OPSDECK_RIG_TIMEOUT_MS) || 30 * 60_000,
    echo: true,
  });
  const dir = path.join(REPO, output, 'results', 'bench');
  if (fs.existsSync(dir)) {
    for (const f of fs
      .readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .sort()) {
      const cap = `${f.replace(/\.json$/, '')} (host)`;
      try {
        results[cap] = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as BenchResult[];
      } catch (e) {
        results[cap] = { error: `unreadable ${f}: ${(e as Error).message}` };
      }
    }
  }
  if (code !== 0) results['host suite'] = { error: `the host benchmark suite failed (rig exit ${code}); see ${output}/logs/` };
  return code === 0;
}

function printTable(results: Results): void {
  const rows: string[][] = [['capability', 'benchmark', 'value', 'unit', 'note']];
  for (const [cap, r] of Object.entries(results)) {
    if ('error' in r) rows.push([cap, 'ERROR', '', '', r.error.split('\n')[0]]);
    else for (const b of r) rows.push([cap, b.name, String(b.value), b.unit, b.note ?? '']);
  }
  const widths = rows[0].map((_, i) => Math.min(60, Math.max(...rows.map((row) => row[i].length))));
  console.log('');
  for (const [i, row] of rows.entries()) {
    console.log(
      row
        .map((c, j) => (j === 2 ? c.padStart(widths[j]) : c.padEnd(widths[j])))
        .join('  ')
        .trimEnd(),
    );
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

async function main(): Promise<void> {
  const results: Results = {};
  const started = Date.now();
  let ok = await plainBenchmarks(results);
  if (process.env.OPSDECK_BENCH_SKIP_HOST !== '1') ok = (await hostBenchmarks(results)) && ok;
  printTable(results);

  const cpus = os.cpus();
  const report = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus.length,
      cpu: cpus[0]?.model,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      platform: `${os.platform()} ${os.release()}`,
      node: process.version,
    },
    durationSeconds: Math.round((Date.now() - started) / 1000),
    results,
  };
  const out = path.join(REPO, 'bench', 'results', 'latest.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
  console.log(`\n[bench] written to ${path.relative(REPO, out)} (${report.durationSeconds} s)`);
  process.exit(ok ? 0 : 1);
}

void main();
