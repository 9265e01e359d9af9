// The probe history must survive failures and stay bounded: a failed append keeps its lines for the
// next write, the file is compacted by size (not only by age), loading streams the file in batches,
// and a window that lost the lease cannot write into (or compact over) the new holder's history.
import * as assert from 'assert';
import { promises as fsp } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HistoryRecord, SampleRecord } from '../../../src/health/model/historyRecords';
import { HOUR, MINUTE } from '../../../src/health/model/slaMath';
import { HistoryStore } from '../../../src/health/runner/historyStore';

const rec = (endpoint: string, t: number, ok = true): SampleRecord => ({
  kind: 'sample',
  endpoint,
  sample: { t, ok, latencyMs: 12.5, retries: 0, excluded: false },
});

/** ok/failed totals over every record (raw samples and roll-ups alike). */
function totals(records: readonly HistoryRecord[]): { ok: number; failed: number } {
  let ok = 0;
  let failed = 0;
  for (const r of records) {
    if (r.kind === 'sample') {
      if (r.sample.ok) ok++;
      else failed++;
    } else {
      ok += r.bucket.ok;
      failed += r.bucket.failed;
    }
  }
  return { ok, failed };
}

describe('health history: durability and bounds', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'opsdeck-history2-'));
  });
  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('puts a batch back when its append fails, and writes it with the next one', async () => {
    const file = path.join(dir, 'history.jsonl');
    await fsp.mkdir(file); // something in the way: the append fails (EISDIR)
    const store = new HistoryStore(file);
    await assert.rejects(store.append([rec('api', 1000), rec('api', 2000, false)]));
    await fsp.rm(file, { recursive: true });
    await store.append([rec('api', 3000)]);
    const { records } = await new HistoryStore(file).load();
    assert.deepStrictEqual(
      records.map((r) => (r as SampleRecord).sample.t),
      [1000, 2000, 3000],
      'nothing lost, in order',
    );
  });

  it('compacts by size: the file stays under maxBytes and no check is lost from the counts', async () => {
    const file = path.join(dir, 'history.jsonl');
    const maxBytes = 64 * 1024;
    const store = new HistoryStore(file, { maxBytes });
    const now = Date.UTC(2026, 10, 23, 12);
    const all: HistoryRecord[] = [];
    // Twenty hours of 5-second checks of two endpoints: all inside the raw retention, ~2 MB as raw lines.
    for (let t = now - 20 * HOUR; t < now; t += 5000)
      for (const e of ['api', 'db']) all.push(rec(e, t, (t / 5000) % 97 !== 0 || e === 'db'));
    for (let i = 0; i < all.length; i += 2000) await store.append(all.slice(i, i + 2000), now);
    const size = (await fsp.stat(file)).size;
    assert.ok(size <= maxBytes, `history is ${size} bytes, over maxBytes ${maxBytes}`);
    const kept = (await new HistoryStore(file).load()).records;
    assert.deepStrictEqual(totals(kept), totals(all), 'every check is still counted (older ones rolled up by the hour)');
    const raw = kept.filter((r): r is SampleRecord => r.kind === 'sample');
    assert.ok(raw.length > 0 && raw.every((r) => r.sample.t >= now - 20 * HOUR), 'the newest checks stay raw');
    assert.strictEqual((raw[raw.length - 1] as SampleRecord).sample.t, (all[all.length - 1] as SampleRecord).sample.t);
  });

  it('streams the file in batches rather than reading it into one string', async () => {
    const file = path.join(dir, 'history.jsonl');
    const lines: string[] = [];
    for (let i = 0; i < 30_000; i++) lines.push(JSON.stringify({ e: 'api', t: i * MINUTE, ok: 1, ms: 3 }));
    await fsp.writeFile(file, lines.join('\n') + '\n{"e":"api","t":9');
    const batches: number[] = [];
    const r = await new HistoryStore(file).stream((batch) => batches.push(batch.length));
    assert.strictEqual(r.count, 30_000);
    assert.strictEqual(r.skipped, 1, 'the torn last line');
    assert.ok(batches.length > 3, `${batches.length} batch(es)`);
    assert.ok(Math.max(...batches) <= 10_000, 'bounded batches');
    const size = (await fsp.stat(file)).size;
    assert.strictEqual(r.offset, size - '{"e":"api","t":9'.length, 'tailing resumes after the last complete line');
  });

  it('skips an absurdly long line without holding it', async () => {
    const file = path.join(dir, 'history.jsonl');
    await fsp.writeFile(
      file,
      `${JSON.stringify({ e: 'a', t: 1, ok: 1, ms: 2 })}\n${'x'.repeat(5 * 1024 * 1024)}\n${JSON.stringify({ e: 'a', t: 2, ok: 1, ms: 2 })}\n`,
    );
    const r = await new HistoryStore(file).load();
    assert.strictEqual(r.records.length, 2);
    assert.strictEqual(r.skipped, 1);
  });

  it('refuses to write or compact once the lease is lost (fencing), and keeps the lines for when it is back', async () => {
    const file = path.join(dir, 'history.jsonl');
    let holder = true;
    const store = new HistoryStore(file, { fence: async () => holder });
    await store.append([rec('api', 1000)]);
    holder = false;
    await assert.rejects(store.append([rec('api', 2000)]), /lease/);
    await assert.rejects(store.compact(Date.now()), /lease/);
    assert.strictEqual((await new HistoryStore(file).load()).records.length, 1, 'nothing written while fenced off');
    holder = true;
    await store.append([rec('api', 3000)]);
    assert.deepStrictEqual(
      (await new HistoryStore(file).load()).records.map((r) => (r as SampleRecord).sample.t),
      [1000, 2000, 3000],
    );
  });
});
