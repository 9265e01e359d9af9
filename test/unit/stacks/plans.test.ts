// Update plans left in global storage: swept at start-up when older than a day; younger ones (maybe
// another window's live preview) stay.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { sweepPlans } from '../../../src/stacks/runner/plans';

describe('stacks: update plans in global storage', () => {
  it('sweeps plans older than a day at start-up and keeps younger ones', async () => {
    const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-plans-'));
    try {
      const dir = path.join(storage, 'plans');
      fs.mkdirSync(dir);
      const now = Date.now();
      for (const [name, ageH] of [
        ['old-1.json', 30],
        ['old-2.json', 25],
        ['young.json', 2],
      ] as const) {
        fs.writeFileSync(path.join(dir, name), '{}');
        const t = new Date(now - ageH * 3_600_000);
        fs.utimesSync(path.join(dir, name), t, t);
      }
      assert.strictEqual(await sweepPlans(storage, now), 2);
      assert.deepStrictEqual(fs.readdirSync(dir), ['young.json']);
      assert.strictEqual(await sweepPlans(path.join(storage, 'missing'), now), 0);
    } finally {
      fs.rmSync(storage, { recursive: true, force: true });
    }
  });
});
