import * as assert from 'assert';
import { promises as fsp } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HistoryRecord, HistoryStore, SampleRecord } from '../../../src/health/runner/historyStore';
import { DAY, HOUR } from '../../../src/health/model/slaMath';

const rec = (endpoint: string, t: number, ok = true, latencyMs = 12.5): SampleRecord => ({
  kind: 'sample',
  endpoint,
  sample: { t, ok, latencyMs, retries: 0, excluded: false },
});

describe('health history store', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'opsdeck-history-'));
  });
  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('reads back what it appended, in order, with errors and retries', async () => {
    const store = new HistoryStore(path.join(dir, 'h.jsonl'));
    await store.append([rec('api', 1000), { ...rec('api', 2000, false), error: 'HTTP 500 (expected 200-399)', status: 500 }]);
    await store.append([{ kind: 'sample', endpoint: 'db', sample: { t: 3000, ok: true, latencyMs: 1, retries: 2, excluded: true } }]);
    const again = new HistoryStore(store.file);
    const { records, skipped } = await again.load();
    assert.strictEqual(skipped, 0);
    assert.strictEqual(records.length, 3);
    assert.deepStrictEqual(records[1], { ...rec('api', 2000, false), error: 'HTTP 500 (expected 200-399)', status: 500 });
    assert.deepStrictEqual((records[2] as SampleRecord).sample, { t: 3000, ok: true, latencyMs: 1, retries: 2, excluded: true });
  });

  it('skips a torn last line, keeps everything before it, and appends cleanly after it', async () => {
    const file = path.join(dir, 'h.jsonl');
    const store = new HistoryStore(file);
    await store.append([rec('api', 1000), rec('api', 2000)]);
    await fsp.appendFile(file, '{"e":"api","t":30'); // the process died mid-write
    const reopened = new HistoryStore(file);
    const first = await reopened.load();
    assert.strictEqual(first.records.length, 2);
    assert.strictEqual(first.skipped, 1);
    await reopened.append([rec('api', 4000)]);
    const second = await new HistoryStore(file).load();
    assert.deepStrictEqual(
      second.records.map((r) => (r as SampleRecord).sample.t),
      [1000, 2000, 4000],
    );
    assert.strictEqual(second.skipped, 1, 'the torn fragment is skipped, the new line is intact');
  });

  it('skips a damaged line in the middle without losing the rest', async () => {
    const file = path.join(dir, 'h.jsonl');
    await fsp.writeFile(file, '{"e":"a","t":1,"ok":1,"ms":3}\n\u0000\u0000garbage\n{"e":"a","t":2,"ok":0,"ms":4}\n');
    const { records, skipped } = await new HistoryStore(file).load();
    assert.strictEqual(records.length, 2);
    assert.strictEqual(skipped, 1);
  });

  it('compacts old samples into hourly roll-ups, drops expired data and rewrites atomically', async () => {
    const file = path.join(dir, 'h.jsonl');
    const store = new HistoryStore(file, { rawRetentionMs: 2 * HOUR, maxAgeMs: 3 * DAY });
    const now = Date.UTC(2026, 10, 23, 12);
    const records: HistoryRecord[] = [];
    for (let t = now - 4 * DAY; t < now; t += 60_000) records.push(rec('api', t, t % (7 * 60_000) !== 0));
    await store.append(records);
    const before = (await store.load()).records;
    const stats = await store.compact(now);
    const kept = (await new HistoryStore(file).load()).records;
    assert.strictEqual(stats.records, kept.length);
    const rollups = kept.filter((r) => r.kind === 'rollup');
    const raw = kept.filter((r) => r.kind === 'sample');
    assert.strictEqual(raw.length, 120, 'two hours stay raw');
    assert.strictEqual(rollups.length, 3 * 24 - 2, 'older data within 3 days is hourly');
    const total = (rs: HistoryRecord[], from: number) =>
      rs.reduce(
        (acc, r) => {
          if (r.kind === 'sample')
            return r.sample.t >= from ? { ok: acc.ok + (r.sample.ok ? 1 : 0), failed: acc.failed + (r.sample.ok ? 0 : 1) } : acc;
          return r.bucket.start >= from ? { ok: acc.ok + r.bucket.ok, failed: acc.failed + r.bucket.failed } : acc;
        },
        { ok: 0, failed: 0 },
      );
    assert.deepStrictEqual(total(kept, now - 3 * DAY), total(before, now - 3 * DAY), 'no check inside the kept period is lost');
    const reloaded = await new HistoryStore(file).load();
    assert.strictEqual(reloaded.records.length, kept.length);
    assert.ok((await fsp.stat(file)).size < 30_000);
    assert.deepStrictEqual(
      (await fsp.readdir(dir)).filter((f) => f.endsWith('.tmp')),
      [],
      'no temp file left behind',
    );
  });

  it('tails appended lines and notices a rewrite', async () => {
    const file = path.join(dir, 'h.jsonl');
    const writer = new HistoryStore(file);
    const reader = new HistoryStore(file);
    const read = async (offset: number, ino?: number) => {
      const records: HistoryRecord[] = [];
      let resets = 0;
      const r = await reader.readFrom(
        offset,
        ino,
        (b) => records.push(...b),
        () => resets++,
      );
      assert.strictEqual(resets, r.reset ? 1 : 0);
      return { ...r, records };
    };
    await writer.append([rec('a', 1)]);
    const r1 = await read(0);
    assert.strictEqual(r1.records.length, 1);
    await writer.append([rec('a', 2), rec('a', 3)]);
    const r2 = await read(r1.offset, r1.ino);
    assert.deepStrictEqual(
      r2.records.map((r) => (r as SampleRecord).sample.t),
      [2, 3],
    );
    assert.strictEqual(r2.reset, false);
    await writer.compact(10);
    const r3 = await read(r2.offset, r2.ino);
    assert.strictEqual(r3.reset, true);
  });
});
