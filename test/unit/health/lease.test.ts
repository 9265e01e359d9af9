import * as assert from 'assert';
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
    const file = path.join(dir, 'lease.json');
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
    const file = path.join(dir, 'lease.json');
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
});
