// Files in the shared storage that may hold account data (spending, alarm states and metric values,
// endpoints and their errors) are readable by their owner only.
import * as assert from 'assert';
import { promises as fsp } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CloudWatchShare } from '../../../src/health/runner/cloudWatchShare';
import { CostCache } from '../../../src/health/runner/costCache';
import { HistoryStore } from '../../../src/health/runner/historyStore';

describe('health: storage files are owner-only', function () {
  let dir: string;
  before(function () {
    if (process.platform === 'win32') this.skip();
  });
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'opsdeck-modes-'));
  });
  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });
  const mode = async (f: string) => (await fsp.stat(f)).mode & 0o777;

  it('cost cache, CloudWatch share and history (appended and compacted) are 0600', async () => {
    const cost = new CostCache(path.join(dir, 'cost-cache.json'));
    await cost.write('k', { fetchedAt: 1, currency: 'USD', daily: [], byGroup: [] });
    assert.strictEqual(await mode(cost.file), 0o600, 'cost cache');
    const share = new CloudWatchShare(path.join(dir, 'cloudwatch.json'));
    await share.write({ key: 'k', at: 1, alarms: [], metrics: [] });
    assert.strictEqual(await mode(share.file), 0o600, 'CloudWatch share');
    const store = new HistoryStore(path.join(dir, 'history.jsonl'));
    await store.append([{ kind: 'sample', endpoint: 'api', sample: { t: Date.now(), ok: true, latencyMs: 3 } }]);
    assert.strictEqual(await mode(store.file), 0o600, 'history');
    await store.compact(Date.now());
    assert.strictEqual(await mode(store.file), 0o600, 'compacted history');
  });
});
