// The coordinator decides whether this window probes. In an untrusted workspace nothing is probed
// (the endpoints are listed, the views say why) until the user trusts the folder.
import * as assert from 'assert';
import { promises as fsp } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseHealthConfig } from '../../../src/health/model/healthConfig';
import { HistoryStore } from '../../../src/health/runner/historyStore';
import { Lease } from '../../../src/health/runner/lease';
import { HealthMonitor } from '../../../src/health/runner/monitor';
import { ProbeCoordinator, Role } from '../../../src/health/runner/probeCoordinator';
import { LoopbackHttp, waitFor } from './loopbackServers';

describe('health: the probe coordinator and workspace trust', function () {
  this.timeout(20_000);
  let dir: string;
  let web: LoopbackHttp;
  let parts: Array<{ dispose(): void }>;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'opsdeck-coordinator-'));
    web = await new LoopbackHttp().start();
    parts = [];
  });
  afterEach(async () => {
    for (const p of parts.reverse()) p.dispose();
    await new Promise((r) => setTimeout(r, 50));
    await web.stop();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  function coordinator(trusted: boolean) {
    const cfg = parseHealthConfig(`endpoints:\n  - { name: web, url: "${web.url}", interval: 100ms, timeout: 500ms }\n`).config!;
    const store = new HistoryStore(path.join(dir, 'history.jsonl'));
    const monitor = new HealthMonitor({ store });
    monitor.setConfig(cfg);
    const lease = new Lease(path.join(dir, 'lease'), 'window-a', 2000);
    const roles: Role[] = [];
    const c = new ProbeCoordinator(monitor, store, lease, {
      log: () => undefined,
      onRole: (r) => roles.push(r),
      config: () => cfg,
      isTrusted: () => trusted,
    } as ConstructorParameters<typeof ProbeCoordinator>[3]);
    parts.push(monitor, c);
    return { c, monitor, roles, lease, grant: () => ((trusted = true), c.trustGranted()) };
  }

  it('lists the endpoints of an untrusted workspace without probing them, and starts once trusted', async () => {
    const { c, monitor, roles, grant } = coordinator(false);
    await c.start();
    await new Promise((r) => setTimeout(r, 600));
    assert.strictEqual(web.requests, 0, 'an untrusted workspace made OpsDeck send requests');
    assert.deepStrictEqual(
      monitor.snapshot().map((e) => [e.name, e.status]),
      [['web', 'unknown']],
      'listed',
    );
    assert.strictEqual(c.currentRole, 'idle');
    assert.match(c.notProbingReason ?? '', /not trusted.*Trust the folder/);
    assert.deepStrictEqual(await fsp.readdir(dir), [], 'not even the lease was taken');

    await grant();
    await waitFor(() => web.requests > 0 && monitor.snapshot()[0].status === 'up', 'probing after trust');
    assert.strictEqual(c.currentRole, 'prober');
    assert.strictEqual(c.notProbingReason, undefined);
    assert.deepStrictEqual(roles, ['prober']);
  });

  it('probes at once in a trusted workspace', async () => {
    const { c, monitor } = coordinator(true);
    await c.start();
    await waitFor(() => monitor.snapshot()[0].status === 'up', 'probing');
    assert.strictEqual(c.notProbingReason, undefined);
  });
});
