// CloudWatch results shared between windows, and the atomic replace every shared file goes through.
import * as assert from 'assert';
import { promises as fsp } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CloudWatchShare, cloudWatchShareKey, shareMaxAgeMs } from '../../../src/health/runner/cloudWatchShare';
import { parseHealthConfig } from '../../../src/health/model/healthConfig';
import { replaceFileAtomically } from '../../../src/shared/atomicFile';

describe('health: CloudWatch results shared between windows', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'opsdeck-cwshare-'));
  });
  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  const cfg = (extra: string) => parseHealthConfig(`alarms: { prefixes: [prod-] }\naws: { region: us-east-1 }\n${extra}`).config!;
  const alarm = { name: 'prod-api-5xx', state: 'ALARM' as const, reason: 'r', since: 1 };

  it('keys entries by everything a poll depends on', () => {
    const a = cfg('');
    const k = cloudWatchShareKey(a.aws, a, 7);
    assert.strictEqual(cloudWatchShareKey({ ...a.aws }, cfg(''), 7), k, 'same settings, same key');
    assert.notStrictEqual(cloudWatchShareKey({ ...a.aws, profile: 'other' }, a, 7), k, 'another profile');
    assert.notStrictEqual(cloudWatchShareKey({ ...a.aws, region: 'eu-west-1' }, a, 7), k, 'another region');
    assert.notStrictEqual(
      cloudWatchShareKey(a.aws, cfg('metrics:\n  - { id: cpu, namespace: AWS/EC2, name: CPUUtilization }\n'), 7),
      k,
      'other metrics',
    );
    assert.notStrictEqual(cloudWatchShareKey(a.aws, a, 14), k, 'another look-back');
  });

  it('gives a reader only a fresh, well-formed entry for its own key', async () => {
    const share = new CloudWatchShare(path.join(dir, 'cloudwatch.json'));
    const now = 10_000_000;
    assert.strictEqual(await share.read('k', now, 60_000), undefined, 'no file yet');
    await share.write({ key: 'k', at: now - 1000, alarms: [alarm], metrics: [['cpu', [[1, 2]]]] });
    assert.deepStrictEqual((await share.read('k', now, 60_000))?.alarms, [alarm]);
    assert.strictEqual(await share.read('other', now, 60_000), undefined, "another window's settings");
    assert.strictEqual(await share.read('k', now + 60_000, 60_000), undefined, 'stale: the prober stopped writing');
    await fsp.writeFile(share.file, '{"key":"k","at":');
    assert.strictEqual(await share.read('k', now, 60_000), undefined, 'a torn file reads as nothing');
    await fsp.writeFile(share.file, JSON.stringify({ key: 'k', at: now }));
    assert.strictEqual(await share.read('k', now, 60_000), undefined, 'missing lists');
  });

  it('trusts an entry for a few polls and at least through the slow credentials poll', () => {
    assert.strictEqual(shareMaxAgeMs(1000), 6 * 60_000);
    assert.strictEqual(shareMaxAgeMs(10 * 60_000), 30 * 60_000);
  });
});

describe('shared: replacing a file atomically', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'opsdeck-atomic-'));
  });
  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('creates folders, replaces the content and leaves no temp file', async () => {
    const f = path.join(dir, 'a', 'b.json');
    await replaceFileAtomically(f, 'one');
    await replaceFileAtomically(f, 'two');
    assert.strictEqual(await fsp.readFile(f, 'utf8'), 'two');
    assert.deepStrictEqual(await fsp.readdir(path.dirname(f)), ['b.json']);
  });

  it('on failure keeps what was there and removes its temp file', async () => {
    const target = path.join(dir, 'taken');
    await fsp.mkdir(path.join(target, 'inside'), { recursive: true }); // a non-empty folder: rename over it fails
    await assert.rejects(replaceFileAtomically(target, 'x'));
    assert.deepStrictEqual((await fsp.readdir(dir)).sort(), ['taken']);
    assert.deepStrictEqual(await fsp.readdir(target), ['inside']);
  });
});
