import * as assert from 'assert';
import { promises as fsp } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HealthConfig, parseHealthConfig } from '../../../src/health/model/healthConfig';
import { TrackerEvent } from '../../../src/health/model/endpointState';
import { HistoryStore } from '../../../src/health/runner/historyStore';
import { HealthMonitor } from '../../../src/health/runner/monitor';
import { LoopbackHttp, LoopbackTcp, closedPort, waitFor } from './loopbackServers';

function config(yaml: string): HealthConfig {
  const r = parseHealthConfig(yaml);
  assert.ok(r.config, JSON.stringify(r.diagnostics));
  return r.config!;
}

describe('health monitor against loopback servers', function () {
  this.timeout(20_000);
  let dir: string;
  let web: LoopbackHttp;
  let tcp: LoopbackTcp;
  let monitors: HealthMonitor[] = [];
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'opsdeck-monitor-'));
    web = await new LoopbackHttp().start();
    tcp = await new LoopbackTcp().start();
  });
  afterEach(async () => {
    for (const m of monitors) m.dispose();
    monitors = [];
    await web.stop();
    await tcp.stop();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  const start = (cfg: HealthConfig, file = path.join(dir, 'history.jsonl')) => {
    const m = new HealthMonitor({ store: new HistoryStore(file) });
    monitors.push(m);
    const events: TrackerEvent[] = [];
    m.onEvent((e) => events.push(e));
    m.setConfig(cfg);
    return { m, events, file };
  };
  const ep = (m: HealthMonitor, name: string) => m.snapshot().find((e) => e.name === name)!;

  it('sees healthy HTTP and TCP endpoints as up, and an unreachable one as down with the reason', async () => {
    const refused = await closedPort();
    const { m, events } = start(
      config(`
defaults: { interval: 100ms, timeout: 500ms, failureThreshold: 2, retries: 0 }
endpoints:
  - { name: web, url: "${web.url}", bodyMatch: '"ok"' }
  - { name: db, tcp: "127.0.0.1:${tcp.port}" }
  - { name: gone, tcp: "127.0.0.1:${refused}" }
`),
    );
    m.startProbing();
    await waitFor(() => ep(m, 'web').status === 'up' && ep(m, 'db').status === 'up' && ep(m, 'gone').status === 'down', 'states');
    const gone = ep(m, 'gone');
    assert.match(gone.lastCheck!.error!, /connection refused/);
    assert.deepStrictEqual(
      events.map((e) => `${e.kind}:${e.endpoint}`),
      ['down:gone'],
    );
    assert.ok(ep(m, 'web').sla.windows[0].availability === 1);
    assert.ok(ep(m, 'web').sla.windows[0].p50! > 0);
  });

  it('detects failing, slow and wrong-body responses after the threshold, and the recovery', async () => {
    const { m, events } = start(
      config(`
defaults: { interval: 100ms, timeout: 150ms, failureThreshold: 3, retries: 0 }
endpoints:
  - { name: web, url: "${web.url}", bodyMatch: '"ok"' }
`),
    );
    m.startProbing();
    await waitFor(() => ep(m, 'web').status === 'up', 'up');
    for (const mode of ['failing', 'slow', 'wrong-body'] as const) {
      web.mode = mode;
      await waitFor(() => ep(m, 'web').status === 'down', `down when ${mode}`);
      const err = ep(m, 'web').lastCheck!.error!;
      assert.match(err, mode === 'failing' ? /HTTP 503/ : mode === 'slow' ? /timed out/ : /body does not match/);
      web.mode = 'healthy';
      await waitFor(() => ep(m, 'web').status === 'up', `recovered from ${mode}`);
    }
    const kinds = events.map((e) => e.kind);
    assert.deepStrictEqual(kinds.slice(0, 3), ['down', 'recovered', 'down']);
    // Three outages in quick succession: flap damping may fold the later ones into one "flapping" event.
    assert.ok(kinds.filter((k) => k === 'flapping').length <= 1, kinds.join(','));
  });

  it('confirms a first failure with a check right away instead of an interval later, then goes back to the interval', async () => {
    const times: number[] = [];
    let failing = false;
    const m = new HealthMonitor({
      store: new HistoryStore(path.join(dir, 'h.jsonl')),
      probeFn: async () => {
        times.push(Date.now());
        return failing ? { ok: false, latencyMs: 1, error: 'HTTP 503' } : { ok: true, latencyMs: 1 };
      },
    });
    monitors.push(m);
    m.setConfig(
      config('endpoints:\n  - { name: a, url: "http://127.0.0.1:1/", interval: 3s, timeout: 1s, retries: 0, failureThreshold: 2 }\n'),
    );
    m.startProbing();
    await waitFor(() => ep(m, 'a').status === 'up', 'up');
    failing = true;
    await waitFor(() => ep(m, 'a').status === 'down', 'down', 10_000);
    const [first, second] = times.slice(-2);
    // the failed check and its confirmation: 0.5 s apart (confirmDelayMs), not the 3 s interval
    assert.ok(second - first < 2_000, `the confirming check came ${second - first} ms after the failed one`);
    const down = times.length;
    await new Promise((r) => setTimeout(r, 1_500));
    assert.strictEqual(times.length, down, 'once down, checks are back on the interval');
  });

  it('counts retries inside one check, not as separate failures', async () => {
    let calls = 0;
    const m = new HealthMonitor({
      store: new HistoryStore(path.join(dir, 'h.jsonl')),
      probeFn: async () => ({ ok: ++calls % 3 === 0, latencyMs: 1, error: 'flaky' }),
    });
    monitors.push(m);
    const cfg = config('endpoints:\n  - { name: a, url: "http://127.0.0.1:1/", retries: 2, interval: 100ms, timeout: 50ms }\n');
    m.setConfig(cfg);
    const rec = (await m.check(cfg.endpoints[0], Date.now()))!;
    assert.strictEqual(calls, 3);
    assert.strictEqual(rec.sample.ok, true);
    assert.strictEqual(rec.sample.retries, 2);
  });

  it('keeps SLA across a restart from the persisted history, and ignores a torn last line', async () => {
    const cfg = config(`
defaults: { interval: 100ms, timeout: 200ms, failureThreshold: 1, retries: 0 }
endpoints:
  - { name: web, url: "${web.url}" }
`);
    const first = start(cfg);
    first.m.startProbing();
    await waitFor(() => ep(first.m, 'web').sla.windows[0].ok >= 3, 'three good checks');
    web.mode = 'failing';
    await waitFor(() => ep(first.m, 'web').sla.windows[0].failed >= 2, 'two failed checks');
    first.m.stopProbing();
    await new Promise((r) => setTimeout(r, 250)); // let the last append land
    const before = ep(first.m, 'web').sla.windows[0];
    await fsp.appendFile(first.file, '{"e":"web","t":17'); // crash mid-write
    const store = new HistoryStore(first.file);
    const second = new HealthMonitor({ store });
    monitors.push(second);
    second.setConfig(cfg);
    const loaded = await store.load();
    second.replay(loaded.records, loaded.skipped);
    const after = ep(second, 'web');
    assert.strictEqual(second.historySkippedLines, 1);
    assert.strictEqual(after.sla.windows[0].ok, before.ok);
    assert.strictEqual(after.sla.windows[0].failed, before.failed);
    assert.strictEqual(after.status, 'down', 'state is rebuilt from history too');
  });

  it('excludes checks inside a maintenance window from the SLA but still records them', async () => {
    web.mode = 'failing';
    const now = Date.now();
    const { m, events } = start(
      config(`
defaults: { interval: 100ms, timeout: 200ms, failureThreshold: 1, retries: 0 }
endpoints:
  - { name: web, url: "${web.url}" }
maintenance:
  - { start: "${new Date(now - 60_000).toISOString()}", end: "${new Date(now + 60_000).toISOString()}", reason: deploy }
`),
    );
    m.startProbing();
    await waitFor(() => ep(m, 'web').sla.windows[0].excluded >= 3, 'excluded samples');
    const e = ep(m, 'web');
    assert.strictEqual(e.status, 'maintenance');
    assert.strictEqual(e.sla.windows[0].failed, 0);
    assert.strictEqual(e.sla.windows[0].availability, undefined);
    assert.deepStrictEqual(events, []);
  });
});
