import * as assert from 'assert';
import { promises as fsp } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HealthConfig, parseHealthConfig } from '../../../src/health/model/healthConfig';
import { stackScope } from '../../../src/health/model/stackScope';
import { HistoryStore } from '../../../src/health/runner/historyStore';
import { HealthMonitor } from '../../../src/health/runner/monitor';
import { LoopbackHttp, waitFor } from './loopbackServers';

function config(yaml: string): HealthConfig {
  const r = parseHealthConfig(yaml);
  assert.ok(r.config, JSON.stringify(r.diagnostics));
  return r.config!;
}

describe('health: endpoints and alarms that belong to a stack', () => {
  const cfg = config(`
groups:
  shop: { stacks: [shop/prod-*] }
endpoints:
  - { name: api, url: "http://127.0.0.1:1/", stack: dev }
  - { name: web, url: "http://127.0.0.1:2/", group: shop }
  - { name: shared, url: "http://127.0.0.1:3/" }
alarms:
  prefixes:
    - plain-
    - { prefix: dev-, stack: dev }
    - { prefix: prod-, stacks: [prod-eu, prod-us] }
`);

  it('matches stack names, project/stack and globs, inherits from the group, and counts unscoped ones everywhere', () => {
    assert.deepStrictEqual(stackScope(cfg, 'shop/dev', 'dev').endpoints, ['api', 'shared']);
    assert.deepStrictEqual(stackScope(cfg, 'shop/prod-eu', 'prod-eu').endpoints, ['web', 'shared']);
    assert.deepStrictEqual(stackScope(cfg, 'other/prod-eu', 'prod-eu').endpoints, ['shared']);
  });

  it('scopes alarms by the prefix they match; every prefix is still polled', () => {
    const dev = stackScope(cfg, 'shop/dev', 'dev');
    assert.deepStrictEqual(cfg.alarms.prefixes, ['plain-', 'dev-', 'prod-']);
    assert.strictEqual(dev.alarmNames('dev-cpu'), true);
    assert.strictEqual(dev.alarmNames('prod-cpu'), false);
    assert.strictEqual(dev.alarmNames('plain-disk'), true);
    assert.strictEqual(stackScope(cfg, 'shop/prod-us', 'prod-us').alarmNames('prod-cpu'), true);
  });

  it('says where a wrong stack key is', () => {
    const r = parseHealthConfig('endpoints:\n  - { name: a, url: "http://x/", stack: a, stacks: [b] }\n');
    assert.ok(r.diagnostics.some((d) => d.line === 1 && /either "stack" or "stacks"/.test(d.message)));
  });
});

describe('health: verify rules in health.yaml', () => {
  it('reads verify: overrides', () => {
    const c = config(
      'endpoints: []\nverify:\n  endpointDown: true\n  alarmFiring: false\n  latencyIncrease: 80%\n  latencyIncreaseBy: 50ms\n  minSamples: 3\n',
    );
    assert.deepStrictEqual(c.verify, {
      endpointDown: true,
      alarmFiring: false,
      latencyIncreasePct: 80,
      latencyIncreaseMs: 50,
      minSamples: 3,
    });
  });
  it('reports a bad value at its line with what to write', () => {
    const r = parseHealthConfig('endpoints: []\nverify:\n  latencyIncrease: lots\n  oops: 1\n');
    assert.ok(
      r.diagnostics.some((d) => d.line === 2 && /percentage such as 50%/.test(d.message)),
      JSON.stringify(r.diagnostics),
    );
    assert.ok(r.diagnostics.some((d) => d.line === 3 && /Unknown key "oops"/.test(d.message)));
  });
});

describe('health monitor: faster checks for a verification window', function () {
  this.timeout(20_000);
  let web: LoopbackHttp;
  let dir: string;
  let m: HealthMonitor | undefined;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'opsdeck-fast-'));
    web = await new LoopbackHttp().start();
  });
  afterEach(async () => {
    m?.dispose();
    await web.stop();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('checks the named endpoint more often until released, and reports every sample', async () => {
    m = new HealthMonitor({ store: new HistoryStore(path.join(dir, 'h.jsonl')) });
    m.setConfig(config(`defaults: { interval: 1h, timeout: 1s, retries: 0 }\nendpoints:\n  - { name: web, url: "${web.url}" }\n`));
    const seen: string[] = [];
    const off = m.onSample((r) => seen.push(r.endpoint));
    m.startProbing();
    await waitFor(() => seen.length >= 1, 'the first check');
    const release = m.probeFaster(['web'], 100);
    await waitFor(() => seen.length >= 4, 'faster checks');
    release();
    off();
    const n = seen.length;
    await new Promise((r) => setTimeout(r, 400));
    assert.ok(seen.length <= n + 1, `still checking fast after release: ${seen.length} > ${n + 1}`);
  });
});
