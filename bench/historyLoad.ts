// Child process of the history benchmark (bench/health.bench.ts): loads a history file the way the
// extension does (HistoryStore.stream into a HealthMonitor replay) and reports its peak memory.
// `--whole` instead reads the file as one string and parses every line into one array (what loading
// did before streaming), for comparison. Run in its own process so the figures are its own.
import { promises as fsp } from 'fs';
import * as path from 'path';
import { decodeRecord } from '../src/health/model/historyRecords';
import { parseHealthConfig } from '../src/health/model/healthConfig';
import { HistoryStore } from '../src/health/runner/historyStore';
import { HealthMonitor } from '../src/health/runner/monitor';

async function main(): Promise<void> {
  const [file, mode, endpointsArg] = process.argv.slice(2);
  const endpoints = Number(endpointsArg);
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const timer = setInterval(sample, 10);
  const started = performance.now();
  let records: number;
  let skipped = 0;
  const yaml = `endpoints:\n${Array.from({ length: endpoints }, (_, i) => `  - { name: ep${i}, url: "https://ep${i}.example/" }`).join('\n')}\n`;
  const monitor = new HealthMonitor({ store: new HistoryStore(path.join(path.dirname(file), 'unused.jsonl')) });
  monitor.setConfig(parseHealthConfig(yaml).config!);
  if (mode === '--whole') {
    const text = await fsp.readFile(file, 'utf8');
    sample();
    const all = text
      .split('\n')
      .map((l) => (l ? decodeRecord(l) : undefined))
      .filter((r) => r !== undefined);
    sample();
    monitor.replay(all as never);
    records = all.length;
  } else {
    monitor.beginReplay();
    const r = await new HistoryStore(file).stream((batch) => {
      monitor.ingestBatch(batch);
      sample();
    });
    monitor.endReplay(r.skipped);
    records = r.count;
    skipped = r.skipped;
  }
  sample();
  clearInterval(timer);
  monitor.dispose();
  process.send!({ records, skipped, ms: performance.now() - started, peakRss, peakHeap, maxRssKb: process.resourceUsage().maxRSS });
}

void main();
