// What a workspace's health.yaml may make OpsDeck send, in any workspace: GET and HEAD unless the user
// (not the workspace) allows more methods, no checks more often than the floor, and never a check of a
// link-local address (cloud instance metadata at 169.254.169.254, fe80::/10).
import * as assert from 'assert';
import { promises as fsp } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isLinkLocal } from '../../../src/health/model/probePolicy';
import { loadHealthConfig } from '../../../src/health/runner/configLoader';
import { HistoryStore } from '../../../src/health/runner/historyStore';
import { HealthMonitor } from '../../../src/health/runner/monitor';
import { probeTcp } from '../../../src/health/runner/probe';
import { LoopbackHttp, waitFor } from './loopbackServers';

describe('health: what a workspace configuration may probe', function () {
  this.timeout(20_000);
  let dir: string;
  let web: LoopbackHttp;
  let methods: string[];
  let monitor: HealthMonitor | undefined;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'opsdeck-policy-'));
    web = await new LoopbackHttp().start();
    methods = [];
    web.onRequest = (req) => methods.push(req.method ?? '?');
  });
  afterEach(async () => {
    monitor?.dispose();
    monitor = undefined;
    await web.stop();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  const write = async (yaml: string) => {
    await fsp.mkdir(path.join(dir, '.opsdeck'), { recursive: true });
    await fsp.writeFile(path.join(dir, '.opsdeck', 'health.yaml'), yaml);
  };

  it('sends GET and HEAD only, unless the user setting lists the method; says why on the method line', async () => {
    await write(`endpoints:
  - { name: get, url: "${web.url}" }
  - { name: head, url: "${web.url}", method: HEAD }
  - { name: wipe, url: "${web.url}", method: DELETE }
  - { name: post, url: "${web.url}", method: post }
`);
    const loaded = await loadHealthConfig(dir, '.opsdeck/health.yaml', { allowedMethods: ['POST'], minIntervalMs: 5000 });
    assert.strictEqual(loaded.kind, 'ok');
    if (loaded.kind !== 'ok') return;
    const wipe = loaded.config.endpoints.find((e) => e.name === 'wipe')!;
    assert.match(wipe.problem ?? '', /DELETE is not sent.*GET and HEAD.*opsdeck\.health\.allowedMethods/);
    const d = loaded.diagnostics.find((x) => /DELETE/.test(x.message))!;
    assert.strictEqual(d.line, 3, 'on the line of the DELETE endpoint');
    assert.strictEqual(loaded.config.endpoints.find((e) => e.name === 'post')!.problem, undefined, 'POST is allowed by the user');

    monitor = new HealthMonitor({ store: new HistoryStore(path.join(dir, 'h.jsonl')) });
    monitor.setConfig(loaded.config);
    monitor.startProbing();
    await waitFor(() => methods.includes('GET') && methods.includes('HEAD') && methods.includes('POST'), 'the allowed checks');
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(!methods.includes('DELETE'), `the server saw ${methods.join(', ')}`);
    const shown = monitor.snapshot().find((e) => e.name === 'wipe')!;
    assert.strictEqual(shown.status, 'unknown', 'listed, not checked');
    assert.match(shown.problem ?? '', /DELETE/);
  });

  it('raises intervals below the floor to the floor, and says so where the interval is written', async () => {
    await write(`defaults: { interval: 50ms }
endpoints:
  - { name: a, url: "${web.url}" }
  - { name: b, url: "${web.url}", interval: 1s }
  - { name: c, url: "${web.url}", interval: 1m }
`);
    const loaded = await loadHealthConfig(dir, '.opsdeck/health.yaml', { allowedMethods: [], minIntervalMs: 5000 });
    assert.strictEqual(loaded.kind, 'ok');
    if (loaded.kind !== 'ok') return;
    assert.deepStrictEqual(
      loaded.config.endpoints.map((e) => e.intervalMs),
      [5000, 5000, 60_000],
    );
    const floors = loaded.diagnostics.filter((x) => /floor/.test(x.message));
    assert.deepStrictEqual(
      floors.map((x) => x.line),
      [0, 3],
      'one warning on the defaults line, one on endpoint b',
    );
    assert.ok(floors.every((x) => x.severity === 'warning' && /5 s/.test(x.message)));
  });

  it('refuses link-local targets, however they are written', async () => {
    await write(`endpoints:
  - { name: metadata, url: "http://169.254.169.254/latest/meta-data/" }
  - { name: decimal, url: "http://2852039166/" }
  - { name: v6, url: "http://[fe80::1]:8080/" }
  - { name: mapped, tcp: "[::ffff:169.254.169.254]:80" }
  - { name: tcp, tcp: "169.254.1.1:22" }
  - { name: fine, url: "${web.url}" }
`);
    const loaded = await loadHealthConfig(dir, '.opsdeck/health.yaml', { allowedMethods: [], minIntervalMs: 5000 });
    assert.strictEqual(loaded.kind, 'ok');
    if (loaded.kind !== 'ok') return;
    const problems = loaded.config.endpoints.map((e) => [e.name, /link-local/.test(e.problem ?? '')]);
    assert.deepStrictEqual(problems, [
      ['metadata', true],
      ['decimal', true],
      ['v6', true],
      ['mapped', true],
      ['tcp', true],
      ['fine', false],
    ]);
    assert.deepStrictEqual(
      loaded.diagnostics.filter((d) => /link-local/.test(d.message)).map((d) => [d.line, d.severity]),
      [1, 2, 3, 4, 5].map((l) => [l, 'error']),
    );
  });

  it('refuses at connect time a host name that resolves to a link-local address', async () => {
    // localhost resolves to loopback; the guard is exercised through an address it must refuse.
    assert.strictEqual(isLinkLocal('169.254.169.254'), true);
    assert.strictEqual(isLinkLocal('fe80::1'), true);
    assert.strictEqual(isLinkLocal('febf::1'), true);
    assert.strictEqual(isLinkLocal('fec0::1'), false);
    assert.strictEqual(isLinkLocal('::ffff:a9fe:a9fe'), true);
    assert.strictEqual(isLinkLocal('127.0.0.1'), false);
    assert.strictEqual(isLinkLocal('10.0.0.1'), false);
    const r = await probeTcp(
      { kind: 'tcp', name: 'n', host: 'metadata.test', port: 80, ...timing },
      { lookup: (_h, _o, cb) => cb(null, [{ address: '169.254.169.254', family: 4 }]) },
    );
    assert.strictEqual(r.ok, false);
    assert.match(r.configProblem ?? '', /metadata\.test resolves to the link-local address 169\.254\.169\.254/);
  });
});

const timing = { intervalMs: 10_000, timeoutMs: 1000, failureThreshold: 1, retries: 0, slo: 0.999, sloWindowDays: 30 };
