// Faults around the history: the window (a separate process) is killed in the middle of appending.
// After a reload nothing that was acknowledged is lost; at most the last, torn line is skipped; and
// the next window appends cleanly after it.
import * as assert from 'assert';
import { fork } from 'child_process';
import { promises as fsp } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SampleRecord } from '../../../src/health/model/historyRecords';
import { HistoryStore } from '../../../src/health/runner/historyStore';

describe('health history: a window killed in the middle of an append', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'opsdeck-kill-'));
  });
  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  for (let run = 1; run <= 5; run++) {
    it(`loses nothing acknowledged and at most the torn last line (run ${run})`, async () => {
      const file = path.join(dir, 'history.jsonl');
      const child = fork(path.join(__dirname, 'historyWriter.js'), [file], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      let acked = 0;
      child.on('message', (m: { acked: number }) => (acked = m.acked));
      const exited = new Promise((r) => child.once('exit', r));
      // Kill it at an arbitrary point of its writing, once it has written a good amount.
      await new Promise<void>((resolve) => {
        const target = 2000 + Math.floor(Math.random() * 3000);
        const check = setInterval(() => {
          if (acked >= target) {
            clearInterval(check);
            child.kill('SIGKILL');
            resolve();
          }
        }, 1);
      });
      await exited;
      const ackedAtKill = acked;
      const loaded = await new HistoryStore(file).load();
      const ts = loaded.records.map((r) => (r as SampleRecord).sample.t);
      assert.ok(loaded.skipped <= 1, `skipped ${loaded.skipped} lines`);
      assert.ok(ts.length >= ackedAtKill, `${ts.length} records on disk, ${ackedAtKill} acknowledged`);
      assert.deepStrictEqual(
        ts.slice(0, ackedAtKill),
        Array.from({ length: ackedAtKill }, (_, i) => i + 1),
        'every acknowledged record, in order',
      );
      // The next window appends after the torn line, on a line of its own.
      const next = new HistoryStore(file);
      await next.load();
      await next.append([{ kind: 'sample', endpoint: 'api', sample: { t: 1e9, ok: true, latencyMs: 1 } }]);
      const again = await new HistoryStore(file).load();
      assert.strictEqual((again.records[again.records.length - 1] as SampleRecord).sample.t, 1e9);
      assert.strictEqual(again.skipped, loaded.skipped, 'the new line is intact');
    });
  }

  it('a window closing with results still queued writes them on its way out', async () => {
    const file = path.join(dir, 'history.jsonl');
    const store = new HistoryStore(file, { flushDelayMs: 60_000 });
    void store.append([{ kind: 'sample', endpoint: 'api', sample: { t: 1, ok: true, latencyMs: 1 } }]).catch(() => undefined);
    await store.flush(); // what HealthMonitor.dispose does when the window closes
    store.dispose();
    assert.strictEqual((await new HistoryStore(file).load()).records.length, 1);
  });
});
