// Health benchmarks (plain Node):
//  - SLA computation: 100 endpoints × 30 days of 10-second samples, every window, µs per endpoint;
//  - health-check overhead: 200 endpoints every 10 s against loopback servers (in a child process, so
//    their CPU is not counted): this process's CPU as a share of one core, and the probe's added
//    latency over a bare http.get;
//  - cost report from the cache, and a capacity prediction.
import { fork, spawn } from 'child_process';
import { promises as fsp } from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { CostCache, costCacheKey, costSnapshot } from '../src/health/runner/costCache';
import type { CostData } from '../src/health/runner/aws';
import { capacityForecast } from '../src/health/model/forecast';
import { HttpEndpoint, parseHealthConfig, worstCaseDetectionMs } from '../src/health/model/healthConfig';
import { HistoryStore } from '../src/health/runner/historyStore';
import { HealthMonitor } from '../src/health/runner/monitor';
import { probeHttp } from '../src/health/runner/probe';
import { DAY, HOUR, MINUTE, Sample, SlaIndex, bucketize, slaReport } from '../src/health/model/slaMath';
import { statusBarText, tooltipMarkdown } from '../src/health/model/statusText';

interface R {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

function slaBench(): R[] {
  const ENDPOINTS = 100;
  const now = Date.UTC(2026, 10, 23, 12, 0, 0);
  const start = now - 30 * DAY;
  const rawFrom = Math.floor((now - 26 * HOUR) / HOUR) * HOUR; // older data is hourly, as after compaction
  const indexes: SlaIndex[] = [];
  let seed = 42;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  let samplesTotal = 0;
  let buildMs = 0;
  for (let e = 0; e < ENDPOINTS; e++) {
    const samples: Sample[] = [];
    for (let t = start; t < now; t += 10_000) samples.push({ t, ok: rnd() > 0.001, latencyMs: 20 + rnd() * rnd() * 400 });
    samplesTotal += samples.length;
    const t0 = performance.now();
    const idx = new SlaIndex();
    const cut = samples.findIndex((s) => s.t >= rawFrom);
    for (const b of bucketize(samples.slice(0, cut), HOUR)) idx.append(b);
    for (const b of bucketize(samples.slice(cut), MINUTE)) idx.append(b);
    buildMs += performance.now() - t0;
    indexes.push(idx);
  }
  // Warm up, then time full reports (5 windows × availability and p50/p95/p99, budget, 4 burn rules).
  for (let r = 0; r < 3; r++) for (const idx of indexes) slaReport(idx, now, 0.999, 30 * DAY);
  const ROUNDS = 50;
  const per: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    for (const idx of indexes) slaReport(idx, now - r * MINUTE, 0.999, 30 * DAY);
    per.push(((performance.now() - t0) * 1000) / ENDPOINTS);
  }
  const perEndpoint = median(per);
  // One "metric" = one figure of one window: 5 windows × 4 figures (availability, p50, p95, p99) + budget + 4 burn rules.
  const metrics = 5 * 4 + 1 + 4;
  return [
    {
      name: 'SLA report, all windows (100 endpoints × 30 d of 10 s samples)',
      value: +perEndpoint.toFixed(2),
      unit: 'µs/endpoint',
      note: `median of ${ROUNDS} rounds; ${samplesTotal.toLocaleString('en-US')} samples in all`,
    },
    {
      name: 'SLA per metric (report ÷ 25 figures)',
      value: +(perEndpoint / metrics).toFixed(3),
      unit: 'µs/metric',
      note: 'target < 100 µs',
    },
    {
      name: 'SLA index build from raw samples',
      value: +((buildMs * 1e6) / samplesTotal).toFixed(1),
      unit: 'ns/sample',
      note: '26 h minute buckets + hourly roll-ups',
    },
  ];
}

function startServerProcess(): Promise<{ port: number; stop: () => void }> {
  const code = `const http=require('http');const s=http.createServer((q,r)=>{r.writeHead(200,{'content-type':'application/json'});r.end('{"status":"ok"}')});s.listen(0,'127.0.0.1',()=>console.log(s.address().port));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve({ port: Number(d.toString().trim()), stop: () => child.kill() }));
    child.once('error', reject);
  });
}

function rawGet(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    http
      .get(url, { agent: false }, (res) => {
        const first = performance.now() - t0;
        res.resume();
        res.on('end', () => resolve(first));
      })
      .on('error', reject);
  });
}

async function overheadBench(): Promise<R[]> {
  const server = await startServerProcess();
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'opsdeck-bench-health-'));
  try {
    // Added latency: the probe (status check, timeout, body handling) against a bare http.get, interleaved.
    const url = `http://127.0.0.1:${server.port}/health`;
    const ep = parseHealthConfig(`endpoints:\n  - { name: a, url: "${url}", timeout: 2s }\n`).config!.endpoints[0] as HttpEndpoint;
    const raw: number[] = [];
    const probed: number[] = [];
    for (let i = 0; i < 50; i++) {
      await rawGet(url);
      await probeHttp(ep, {});
    }
    let rawCpu = 0;
    let probeCpu = 0;
    for (let i = 0; i < 500; i++) {
      let c = process.cpuUsage();
      raw.push(await rawGet(url));
      c = process.cpuUsage(c);
      rawCpu += c.user + c.system;
      c = process.cpuUsage();
      const t0 = performance.now();
      await probeHttp(ep, {});
      probed.push(performance.now() - t0);
      c = process.cpuUsage(c);
      probeCpu += c.user + c.system;
    }
    const added = median(probed) - median(raw);

    // CPU share: 200 endpoints, 10 s interval, history written to disk, over three rounds.
    const N = 200;
    const yaml = `defaults: { interval: 10s, timeout: 3s, retries: 0 }\nendpoints:\n${Array.from({ length: N }, (_, i) => `  - { name: e${i}, url: "http://127.0.0.1:${server.port}/e${i}" }`).join('\n')}\n`;
    const cfg = parseHealthConfig(yaml).config!;
    const monitor = new HealthMonitor({ store: new HistoryStore(path.join(dir, 'history.jsonl'), { flushDelayMs: 1000 }) });
    let checks = 0;
    monitor.onChange(() => checks++);
    monitor.setConfig(cfg);
    monitor.startProbing();
    await new Promise((r) => setTimeout(r, 10_000)); // first round (spread over 2 s) and warm-up
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const checks0 = checks;
    await new Promise((r) => setTimeout(r, 30_000));
    const cpu = process.cpuUsage(cpu0);
    const wall = performance.now() - wall0;
    monitor.dispose();
    const share = ((cpu.user + cpu.system) / 1000 / wall) * 100;
    const snap = monitor.snapshot();
    const allUp = snap.every((e) => e.status === 'up');
    return [
      {
        name: 'Health checks: CPU, 200 endpoints every 10 s',
        value: +share.toFixed(2),
        unit: '% of one core',
        note: `${checks - checks0} checks in ${(wall / 1000).toFixed(0)} s, incl. history writes; target < 2%${allUp ? '' : ' (NOT all up!)'}`,
      },
      {
        name: 'CPU per check: probe vs bare http.get (fresh connection each)',
        value: +(probeCpu / 500 / 1000).toFixed(3),
        unit: 'ms',
        note: `bare http.get: ${(rawCpu / 500 / 1000).toFixed(3)} ms CPU per request — the floor for a check that opens a new connection`,
      },
      {
        name: 'Health check added latency over a bare http.get',
        value: +added.toFixed(3),
        unit: 'ms',
        note: `median probe ${median(probed).toFixed(3)} ms vs raw ${median(raw).toFixed(3)} ms (500 each, loopback); target < 1 ms`,
      },
    ];
  } finally {
    server.stop();
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

async function costAndCapacityBench(): Promise<R[]> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'opsdeck-bench-cost-'));
  try {
    const now = Date.UTC(2026, 10, 23, 12);
    const services = Array.from({ length: 40 }, (_, i) => `Service ${i}`);
    const data: CostData = {
      fetchedAt: now,
      currency: 'USD',
      daily: Array.from({ length: 31 }, (_, d) => ({ date: new Date(now - (30 - d) * DAY).toISOString().slice(0, 10), amount: 40 + d })),
      byGroup: services.map((name, i) => ({ name, amount: 100 - i })),
      byStack: Array.from({ length: 20 }, (_, i) => ({ stack: `stack-${i}`, amount: 50 - i })),
    };
    const cfg = parseHealthConfig('cost: { budget: 1500, stackTag: "pulumi:stack" }\n').config!;
    const cache = new CostCache(path.join(dir, 'cost-cache.json'));
    const key = costCacheKey(cfg.aws, cfg.cost, now);
    await cache.write(key, data);
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      const d = cache.read(key)!;
      const snap = costSnapshot(d, cfg.cost, now, true);
      const s = { endpoints: [], alarms: [], cost: snap, awsProblem: undefined, configProblem: undefined };
      statusBarText(s);
      tooltipMarkdown({
        ...s,
        generatedAt: now,
        role: 'prober',
        metrics: [],
        overall: 'ok',
        statusText: '',
        historySkippedLines: 0,
        maintenance: [],
      });
      times.push(performance.now() - t0);
    }
    const points: Array<[number, number]> = [];
    for (let t = now - 63 * DAY; t < now; t += MINUTE) points.push([t, 40 + ((t - (now - 63 * DAY)) / DAY) * 0.3 + Math.sin(t / HOUR) * 5]);
    const cap: number[] = [];
    let text = '';
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      text = capacityForecast('cpu', 'CPU', points, 85, 'Percent').text;
      cap.push(performance.now() - t0);
    }
    return [
      {
        name: 'Cost report from cache (read, forecast, status text, tooltip)',
        value: +median(times).toFixed(3),
        unit: 'ms',
        note: '31 days × 40 services, 20 stacks; target < 1 s (webview render measured in the host benchmark)',
      },
      {
        name: 'Capacity prediction (63 days of 1-minute points)',
        value: +median(cap).toFixed(3),
        unit: 'ms',
        note: `${points.length.toLocaleString('en-US')} points → "${text}"; target < 5 s`,
      },
    ];
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

/**
 * A 200 MB history file (200 endpoints, 5-second checks, as an old, never-compacted log could be):
 * loaded the way the extension loads it, in a child process, reporting its peak memory; and, for
 * comparison, read as one string and parsed into one array as loading did before.
 */
async function historyLoadBench(): Promise<R[]> {
  const TARGET = Number(process.env.OPSDECK_BENCH_HISTORY_MB ?? 200) * 1024 * 1024;
  const ENDPOINTS = 200;
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'opsdeck-bench-history-'));
  const file = path.join(dir, 'history.jsonl');
  try {
    const out = await fsp.open(file, 'w');
    let size = 0;
    let t = Date.UTC(2026, 10, 1);
    while (size < TARGET) {
      const lines: string[] = [];
      for (let e = 0; e < ENDPOINTS; e++) {
        const ok = (t / 5000 + e) % 211 !== 0;
        lines.push(
          JSON.stringify({
            e: `ep${e}`,
            t,
            ok: ok ? 1 : 0,
            ms: 20 + ((t / 5000 + e * 7) % 180),
            ...(ok ? {} : { err: 'HTTP 503 (expected 200-399)', st: 503 }),
          }),
        );
      }
      t += 5000;
      const chunk = lines.join('\n') + '\n';
      size += Buffer.byteLength(chunk);
      await out.write(chunk);
    }
    await out.close();
    const load = (mode: string) =>
      new Promise<{ records: number; skipped: number; ms: number; peakRss: number; peakHeap: number; maxRssKb: number }>(
        (resolve, reject) => {
          const c = fork(path.join(__dirname, 'historyLoad.js'), [file, mode, String(ENDPOINTS)], {
            stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
          });
          c.once('message', (m) => resolve(m as never));
          c.once('exit', (code) => (code ? reject(new Error(`history load (${mode}) exited with ${code}`)) : undefined));
        },
      );
    const mb = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;
    const streamed = await load('--stream');
    const results: R[] = [
      {
        name: 'history file loaded',
        value: mb(size),
        unit: 'MiB',
        note: `${streamed.records.toLocaleString('en-US')} records, ${ENDPOINTS} endpoints`,
      },
      {
        name: 'history load (streamed): peak RSS',
        value: mb(streamed.maxRssKb * 1024),
        unit: 'MiB',
        note: 'process.resourceUsage().maxRSS of the loading process',
      },
      { name: 'history load (streamed): peak heap used', value: mb(streamed.peakHeap), unit: 'MiB' },
      { name: 'history load (streamed): time', value: Math.round(streamed.ms), unit: 'ms' },
    ];
    if (process.env.OPSDECK_BENCH_HISTORY_WHOLE === '1') {
      const whole = await load('--whole');
      results.push(
        { name: 'history load (one string, before): peak RSS', value: mb(whole.maxRssKb * 1024), unit: 'MiB' },
        { name: 'history load (one string, before): peak heap used', value: mb(whole.peakHeap), unit: 'MiB' },
        { name: 'history load (one string, before): time', value: Math.round(whole.ms), unit: 'ms' },
      );
    }
    return results;
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

/**
 * Outage detection with the default settings, worst case: a loopback service answers one check and
 * stops answering right after it (it accepts connections and never replies, so every attempt runs into
 * the timeout). Measured from that last answer to the monitor's "down" event, beside the arithmetic.
 */
async function detectionBench(): Promise<R[]> {
  const runs = Number(process.env.OPSDECK_BENCH_DETECTION_RUNS) || 3;
  const times: number[] = [];
  let expected = 0;
  for (let i = 0; i < runs; i++) {
    let stopAfterNext = false;
    let hanging = false;
    let lastAnswer = 0;
    const server = http.createServer((_req, res) => {
      if (hanging) return; // never answers
      res.end('{"status":"ok"}');
      if (stopAfterNext) {
        hanging = true;
        lastAnswer = performance.now();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'opsdeck-bench-detect-'));
    const m = new HealthMonitor({ store: new HistoryStore(path.join(dir, 'h.jsonl')) });
    try {
      const cfg = parseHealthConfig(`endpoints:\n  - { name: api, url: "http://127.0.0.1:${port}/health" }\n`).config!;
      expected = worstCaseDetectionMs(cfg.endpoints[0]);
      const down = new Promise<number>((resolve) => m.onEvent((e) => e.kind === 'down' && resolve(performance.now())));
      m.setConfig(cfg);
      m.startProbing();
      while (m.snapshot()[0]?.status !== 'up') await new Promise((r) => setTimeout(r, 20));
      stopAfterNext = true; // the next check is answered, then the service stops answering
      const t = await down;
      times.push(t - lastAnswer);
      console.log(`[bench] health: detection sample ${i + 1}/${runs}: ${((t - lastAnswer) / 1000).toFixed(2)} s`);
    } finally {
      m.dispose();
      server.closeAllConnections();
      server.close();
      await fsp.rm(dir, { recursive: true, force: true });
    }
  }
  return [
    {
      name: 'detection.worst.measured',
      value: Number((Math.max(...times) / 1000).toFixed(2)),
      unit: 's',
      note: `max of ${runs} (${times.map((x) => (x / 1000).toFixed(2)).join(', ')}): defaults, service stops answering just after a check`,
    },
    {
      name: 'detection.worst.arithmetic',
      value: expected / 1000,
      unit: 's',
      note: 'worstCaseDetectionMs with the defaults (target ≤ 20 s)',
    },
  ];
}

export async function run(): Promise<R[]> {
  if (process.env.OPSDECK_BENCH_HEALTH_ONLY === 'detection') return detectionBench();
  return [
    ...slaBench(),
    ...(await costAndCapacityBench()),
    ...(await overheadBench()),
    ...(await detectionBench()),
    ...(await historyLoadBench()),
  ];
}

if (require.main === module) void run().then((r) => console.table(r));
