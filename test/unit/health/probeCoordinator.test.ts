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

  it("counts this window's last write once when the lease goes to another window while it is being written", async () => {
    // The write's fence passed while this window still held the lease; the append lands just after
    // another window took over. Reloading before that append landed, then tailing it as the other
    // window's lines, counted this window's samples twice over the handover (seen on the VSIX run).
    let openGate!: () => void;
    const gate = new Promise<void>((r) => (openGate = r));
    let fenceWaiting = false;
    const cfg = parseHealthConfig(`endpoints:\n  - { name: web, url: "${web.url}", interval: 100ms, timeout: 500ms }\n`).config!;
    const store = new HistoryStore(path.join(dir, 'history.jsonl'), {
      fence: async () => {
        fenceWaiting = true;
        await gate;
        return true;
      },
    });
    const monitor = new HealthMonitor({ store });
    monitor.setConfig(cfg);
    const listeners: Array<(held: boolean) => void> = [];
    const lease = {
      file: path.join(dir, 'lease'),
      onChange: (l: (h: boolean) => void) => listeners.push(l),
      start: () => undefined,
      release: async () => undefined,
    };
    const counted = () => {
      const w = monitor.snapshot()[0].sla.windows[0];
      return w.ok + w.failed;
    };
    let atReader: number | undefined;
    const c = new ProbeCoordinator(monitor, store, lease as unknown as Lease, {
      log: () => undefined,
      onRole: (r) => {
        if (r === 'reader') atReader = counted();
      },
      config: () => cfg,
      isTrusted: () => true,
    });
    parts.push(monitor, c);
    await c.start();
    for (const l of listeners) l(true);
    await waitFor(() => fenceWaiting && counted() >= 1, 'a write waiting on its fence');
    for (const l of listeners) l(false);
    setTimeout(openGate, 100);
    await waitFor(() => atReader !== undefined, 'reader role');
    await gate;
    await new Promise((r) => setTimeout(r, 100));
    await c.tail();
    assert.ok(atReader! >= 1, `the reader's view keeps what this window wrote: ${atReader}`);
    assert.strictEqual(counted(), atReader, 'nothing was counted a second time by the tail');
  });
});
