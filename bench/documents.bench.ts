// Plain-Node benchmark: parsing and rendering each built-in document kind (what runs between the
// last answer of the input flow and the file being written).
import * as fs from 'fs';
import * as path from 'path';
import { parseTemplate } from '../src/documents/template';
import { clockFacts } from '../src/documents/clock';
import { planDocument } from '../src/documents/values';
import { checklistProgress } from '../src/documents/living';

const ANSWERS: Record<string, Record<string, string>> = {
  session: { title: 'API gateway blue/green deploys' },
  operation: { title: 'Migrate API to blue-green deployment' },
  implementation: { title: 'Multi-region failover' },
  'issue-template': { title: 'Infrastructure/DevOps' },
  sprint: { sprint: '6', week: '2', title: 'Infrastructure Automation & Advanced Monitoring' },
};

/** Median over 9 batches of the time per call, in µs (a median resists the other load on a shared machine). */
function timeIt(fn: () => void, batchMs = 60): number {
  for (let i = 0; i < 50; i++) fn(); // warm up the JIT
  const perCall: number[] = [];
  for (let b = 0; b < 9; b++) {
    let n = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < batchMs) {
      for (let i = 0; i < 10; i++) fn();
      n += 10;
      t = performance.now();
    }
    perCall.push(((t - t0) * 1000) / n);
  }
  perCall.sort((a, b) => a - b);
  return perCall[4];
}

export async function run(): Promise<Array<{ name: string; value: number; unit: string; note?: string }>> {
  // out/bench/documents.bench.js → repository root is two levels up
  const dir = path.resolve(__dirname, '..', '..', 'src', 'documents', 'templates');
  const facts = { clock: clockFacts(new Date(), 'UTC'), operator: 'bench', workspace: 'bench' };
  const results: Array<{ name: string; value: number; unit: string; note?: string }> = [];
  for (const kind of Object.keys(ANSWERS)) {
    const text = fs.readFileSync(path.join(dir, `${kind}.md`), 'utf8');
    const parsed = parseTemplate(text, kind);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const spec = parsed.value;
    const render = timeIt(() => planDocument(spec, facts, ANSWERS[kind]));
    const parseAndRender = timeIt(() => {
      const p = parseTemplate(text, kind);
      if (p.ok) planDocument(p.value, facts, ANSWERS[kind]);
    });
    const preview = planDocument(spec, facts, ANSWERS[kind]).rendered.preview;
    const checklist = timeIt(() => checklistProgress(preview));
    results.push({
      name: `documents: render ${kind}`,
      value: Number(render.toFixed(1)),
      unit: 'µs',
      note: `median of 9 batches; ${preview.length} chars, ${planDocument(spec, facts, ANSWERS[kind]).rendered.tabStops} tab stops`,
    });
    results.push({ name: `documents: parse template + render ${kind}`, value: Number(parseAndRender.toFixed(1)), unit: 'µs' });
    results.push({
      name: `documents: checklist count ${kind}`,
      value: Number(checklist.toFixed(1)),
      unit: 'µs',
      note: 'per keystroke in an open document',
    });
  }
  return results;
}
