// Resource graph benchmarks (plain Node): building the graph of a 2,000-resource state and laying it
// out, for the three synthetic shapes of test/support/syntheticStacks.ts. Each shape runs in a fresh
// Node process, so the first figure is what the first graph of a session costs (cold JIT: the layout
// code has never run), the median what later opens cost. The host figure (command → painted webview)
// is in test/integration/bench/graph.bench.test.ts.
import { execFileSync } from 'child_process';
import * as path from 'path';
import { gzipSync } from 'zlib';
import * as fs from 'fs';

interface Result {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const OUT = path.resolve(__dirname, '..'); // out/
const REPO = path.resolve(OUT, '..');

// Runs in the child: prints { build, layout, total, nodes, edges, groups, bytes } for 1 cold + 7 warm runs.
const CHILD = `
const { syntheticStack } = require(${JSON.stringify(path.join(OUT, 'test/support/syntheticStacks.js'))});
const { buildResourceGraph, placeGraph } = require(${JSON.stringify(path.join(OUT, 'src/stacks/model/resourceGraph.js'))});
const shape = process.argv[1];
const resources = syntheticStack(shape, 2000);
const runs = [];
let g, placed;
for (let i = 0; i < 8; i++) {
  const t0 = performance.now();
  g = buildResourceGraph({ stack: 'bench', project: 'bench', resources, pendingOperations: [] });
  const t1 = performance.now();
  placed = placeGraph(g);
  const t2 = performance.now();
  runs.push({ build: t1 - t0, layout: t2 - t1, total: t2 - t0 });
}
const bytes = JSON.stringify(placed).length;
console.log(JSON.stringify({ runs, nodes: g.nodes.length, edges: g.edges.length, groups: g.nodes.filter((n) => n.group).length, bytes, width: placed.width, height: placed.height }));
`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function run(): Promise<Result[]> {
  const results: Result[] = [];
  for (const shape of ['services', 'groups', 'flat'] as const) {
    const r = JSON.parse(execFileSync(process.execPath, ['-e', CHILD, shape], { encoding: 'utf8' })) as {
      runs: Array<{ build: number; layout: number; total: number }>;
      nodes: number;
      edges: number;
      groups: number;
      bytes: number;
      width: number;
      height: number;
    };
    const [cold, ...warm] = r.runs;
    results.push({
      name: `graph of 2,000 resources (${shape}): build + layout, first in a process`,
      value: +cold!.total.toFixed(1),
      unit: 'ms',
      note: `build ${cold!.build.toFixed(1)} ms, layout ${cold!.layout.toFixed(1)} ms; ${r.nodes} nodes, ${r.edges} edges, ${r.groups} boxes, ${Math.round(r.width)} × ${Math.round(r.height)} px`,
    });
    results.push({
      name: `graph of 2,000 resources (${shape}): build + layout, later`,
      value: +median(warm.map((x) => x.total)).toFixed(1),
      unit: 'ms',
      note: `median of 7: build ${median(warm.map((x) => x.build)).toFixed(1)} ms, layout ${median(warm.map((x) => x.layout)).toFixed(1)} ms; view state ${(r.bytes / 1024).toFixed(0)} KiB of JSON`,
    });
  }
  // What the webview loads: its script and CSS (inlined into the page), and the layout engine in the host bundle.
  for (const f of ['dist/webview/resourceGraph.js', 'dist/webview/resourceGraph.css']) {
    const file = path.join(REPO, f);
    if (!fs.existsSync(file)) continue;
    const code = fs.readFileSync(file);
    results.push({
      name: `${f} size`,
      value: +(code.length / 1024).toFixed(1),
      unit: 'KiB',
      note: `${(gzipSync(code).length / 1024).toFixed(1)} KiB gzipped`,
    });
  }
  return results;
}
