import * as assert from 'assert';
import { fork, type ChildProcess } from 'child_process';
import { promises as fsp } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Lease } from '../../../src/health/runner/lease';

describe('probe lease shared between windows', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'opsdeck-lease-'));
  });
  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('lets exactly one window probe, and hands over when the holder releases or goes stale', async () => {
    let now = 1_000_000;
    const file = path.join(dir, 'lease');
    const a = new Lease(file, 'window-a', 15_000, () => now);
    const b = new Lease(file, 'window-b', 15_000, () => now);
    assert.strictEqual(await a.tryAcquire(), true);
    assert.strictEqual(await b.tryAcquire(), false);
    now += 10_000;
    assert.strictEqual(await a.tryAcquire(), true, 'holder renews');
    now += 10_000;
    assert.strictEqual(await b.tryAcquire(), false, 'renewed lease is still fresh');
    now += 16_000; // window A hung or was killed: no renewal
    assert.strictEqual(await b.tryAcquire(), true, 'stale lease is taken over');
    assert.strictEqual(await a.tryAcquire(), false);
    await b.release();
    assert.strictEqual(await a.tryAcquire(), true, 'released lease is free at once');
  });

  it('tells a window its role on the first attempt, also when another window holds the lease', async () => {
    const file = path.join(dir, 'lease');
    const a = new Lease(file, 'window-a');
    const b = new Lease(file, 'window-b');
    const heard: Array<[string, boolean]> = [];
    a.onChange((held) => heard.push(['a', held]));
    b.onChange((held) => heard.push(['b', held]));
    await a.tryAcquire();
    await b.tryAcquire();
    await b.tryAcquire();
    assert.deepStrictEqual(
      heard,
      [
        ['a', true],
        ['b', false],
      ],
      'each window hears once, the one that starts as a reader included',
    );
    assert.strictEqual(b.isHeld, false);
  });

  it('fences a window that hung: its token is lower, it learns it lost, and its writes are refused', async () => {
    let now = 1_000_000;
    const file = path.join(dir, 'lease');
    const a = new Lease(file, 'window-a', 15_000, () => now);
    const b = new Lease(file, 'window-b', 15_000, () => now);
    await a.tryAcquire();
    const first = a.token!;
    assert.strictEqual(await a.fence(), true);
    now += 20_000; // A hangs past its TTL; B takes over
    assert.strictEqual(await b.tryAcquire(), true);
    assert.ok(b.token! > first, 'the fencing token only grows');
    assert.strictEqual(await a.fence(), false, 'A, back from its hang, may not write');
    assert.strictEqual(await a.tryAcquire(), false, 'and learns it lost on its next renewal');
    await b.release();
    assert.strictEqual(await a.tryAcquire(), true);
    assert.ok(a.token! > b.token! || a.token! > first + 1, 'a token is never reused after a release');
  });

  it('two windows racing 100 times for a free or stale lease: exactly one prober each time (separate processes)', async function () {
    this.timeout(60_000);
    const racerJs = path.join(__dirname, 'leaseRacer.js');
    const racers: ChildProcess[] = [];
    const replies = new Map<ChildProcess, Array<(m: { held?: boolean; token?: number; error?: string }) => void>>();
    const spawnRacer = () =>
      new Promise<ChildProcess>((resolve, reject) => {
        const c = fork(racerJs, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
        replies.set(c, []);
        c.on('message', (m: { ready?: boolean; held?: boolean; token?: number; error?: string }) =>
          m.ready ? resolve(c) : replies.get(c)!.shift()?.(m),
        );
        c.once('error', reject);
      });
    try {
      for (let i = 0; i < 3; i++) racers.push(await spawnRacer());
      let stale = 0;
      for (let round = 0; round < 100; round++) {
        const roundDir = path.join(dir, `round-${round}`);
        if (round % 2) {
          // A window that closed without releasing left a stale lease: everybody sees it stale at once.
          await fsp.mkdir(roundDir, { recursive: true });
          const old = path.join(roundDir, `${String(7).padStart(12, '0')}.lease`);
          await fsp.writeFile(old, JSON.stringify({ owner: 'gone', pid: 1, token: 7 }));
          await fsp.utimes(old, 0, 0);
          stale++;
        }
        const answers = await Promise.all(
          racers.map(
            (c) =>
              new Promise<{ held?: boolean; token?: number; error?: string }>((resolve) => {
                replies.get(c)!.push(resolve);
                // One window is slow between reading the lease and taking it (a busy extension host).
                c.send({ dir: roundDir, ttlMs: 15_000, slowMs: c === racers[1] ? 150 : 0 });
              }),
          ),
        );
        assert.deepStrictEqual(
          answers.filter((a) => a.error),
          [],
        );
        const winners = answers.filter((a) => a.held);
        assert.strictEqual(winners.length, 1, `round ${round}: ${JSON.stringify(answers)}`);
        const onDisk = await new Lease(roundDir, 'observer').read();
        assert.strictEqual(onDisk?.token, winners[0].token, `round ${round}: the file names the winner`);
        if (round % 2) assert.strictEqual(winners[0].token, 8, 'the stale holder was fenced off');
      }
      assert.strictEqual(stale, 50);
    } finally {
      for (const c of racers) c.kill();
    }
  });
});
