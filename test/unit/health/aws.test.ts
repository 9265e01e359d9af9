import * as assert from 'assert';
import { promises as fsp } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CloudWatchClient, PutMetricAlarmCommand, PutMetricDataCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { Backoff, classifyAwsError, describeAlarms, fetchCost, getMetricSeries } from '../../../src/health/runner/aws';
import { CostCache, costCacheKey, costSnapshot, isStale } from '../../../src/health/runner/costCache';
import { parseHealthConfig } from '../../../src/health/model/healthConfig';
import { MOTO_CREDENTIALS, provisionedMotoBin, startMoto, type MotoServer } from '../../support/motoServer';

const DAY = 86_400_000;

describe('health: AWS errors, backoff and cost cache', () => {
  it('gives one clear, actionable message for missing, expired and rejected credentials', () => {
    const missing = classifyAwsError(
      Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
      'prod',
    );
    assert.strictEqual(missing.kind, 'credentials');
    assert.match(missing.message, /No AWS credentials found for profile "prod"/);
    const expired = classifyAwsError(
      Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredTokenException' }),
      'prod',
    );
    assert.strictEqual(expired.kind, 'credentials');
    assert.match(expired.message, /expired.*aws sso login --profile prod/);
    assert.strictEqual(classifyAwsError(Object.assign(new Error('x'), { name: 'UnrecognizedClientException' })).kind, 'credentials');
    assert.strictEqual(classifyAwsError(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })).kind, 'throttled');
    assert.strictEqual(
      classifyAwsError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })).kind,
      'unreachable',
    );
  });

  it('backs off exponentially (with jitter) while throttled and returns to the base after a success', () => {
    const b = new Backoff(60_000, 30 * 60_000, () => 0.5);
    assert.deepStrictEqual([b.next(true), b.next(true), b.next(true)], [120_000, 240_000, 480_000]);
    assert.strictEqual(b.next(false), 60_000);
    for (let i = 0; i < 20; i++) b.next(true);
    assert.strictEqual(b.next(true), 30 * 60_000, 'capped');
  });

  it('keeps cost results in a shared cache file, stale after the minimum interval or a new month', async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'opsdeck-cost-'));
    try {
      const cfg = parseHealthConfig('cost: { budget: 100 }\n').config!;
      const now = Date.UTC(2026, 10, 23, 12);
      const key = costCacheKey(cfg.aws, cfg.cost, now);
      const a = new CostCache(path.join(dir, 'c.json'));
      assert.strictEqual(a.read(key), undefined);
      await a.write(key, { fetchedAt: now, currency: 'USD', daily: [{ date: '2026-11-22', amount: 5 }], byGroup: [] });
      const b = new CostCache(path.join(dir, 'c.json')); // another window
      const d = b.read(key)!;
      assert.strictEqual(d.daily[0].amount, 5);
      assert.strictEqual(isStale(d, now + 5 * 3_600_000, 6 * 3_600_000), false);
      assert.strictEqual(isStale(d, now + 6 * 3_600_000, 6 * 3_600_000), true);
      assert.strictEqual(isStale(d, Date.UTC(2026, 11, 1, 0, 30), 6 * 3_600_000), true, 'a new month needs a new query');
      assert.notStrictEqual(costCacheKey({ profile: 'other' }, cfg.cost, now), key);
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('health: CloudWatch and Cost Explorer against moto', function () {
  this.timeout(60_000);
  let moto: MotoServer | undefined;
  before(async function () {
    const bin = provisionedMotoBin();
    if (!bin) {
      console.log('    skipped: no moto in .tools/tools.json (node scripts/setup-tools.mjs moto)');
      this.skip();
    }
    moto = await startMoto(bin!);
  });
  after(async () => moto?.stop());
  const clients = () => ({
    cw: new CloudWatchClient({ endpoint: moto!.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS }),
    ce: new CostExplorerClient({ endpoint: moto!.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS }),
  });

  it('lists watched alarms by name and prefix, firing ones first, with reason and time', async () => {
    const { cw } = clients();
    for (const name of ['prod-a', 'prod-b', 'staging-c', 'billing']) {
      await cw.send(
        new PutMetricAlarmCommand({
          AlarmName: name,
          Namespace: 'T',
          MetricName: 'M',
          Statistic: 'Sum',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanThreshold',
        }),
      );
    }
    await cw.send(new SetAlarmStateCommand({ AlarmName: 'prod-b', StateValue: 'ALARM', StateReason: 'too many' }));
    await cw.send(new SetAlarmStateCommand({ AlarmName: 'prod-a', StateValue: 'OK', StateReason: 'fine' }));
    await cw.send(new SetAlarmStateCommand({ AlarmName: 'billing', StateValue: 'INSUFFICIENT_DATA', StateReason: 'no data' }));
    const alarms = await describeAlarms(cw, ['billing'], ['prod-']);
    assert.deepStrictEqual(
      alarms.map((a) => [a.name, a.state]),
      [
        ['prod-b', 'ALARM'],
        ['billing', 'INSUFFICIENT_DATA'],
        ['prod-a', 'OK'],
      ],
    );
    assert.strictEqual(alarms[0].reason, 'too many');
    assert.ok(alarms[0].since! > Date.now() - 60_000);
    cw.destroy();
  });

  it('reads metric series in time order', async () => {
    const { cw } = clients();
    const now = Date.now();
    await cw.send(
      new PutMetricDataCommand({
        Namespace: 'T',
        MetricData: [3, 2, 1].map((h) => ({ MetricName: 'Q', Timestamp: new Date(now - h * 3_600_000), Value: 10 * h })),
      }),
    );
    const cfg = parseHealthConfig('metrics:\n  - { id: q, namespace: T, name: Q, stat: Maximum, period: 1h }\n').config!;
    const series = (await getMetricSeries(cw, cfg.metrics, now, DAY)).get('q')!;
    assert.deepStrictEqual(
      series.map(([, v]) => v),
      [30, 20, 10],
    );
    assert.ok(series[0][0] < series[2][0]);
    cw.destroy();
  });

  it('turns Cost Explorer results into month to date, by service, by stack tag and a forecast', async () => {
    const { ce } = clients();
    const now = Date.UTC(2026, 10, 10, 15);
    const days = Array.from({ length: 31 }, (_, i) => new Date(now - (30 - i) * DAY).toISOString().slice(0, 10));
    const daily = days.map((d) => ({
      TimePeriod: { Start: d, End: d },
      Total: {},
      Groups: [
        { Keys: ['EC2'], Metrics: { UnblendedCost: { Amount: '3', Unit: 'USD' } } },
        { Keys: ['S3'], Metrics: { UnblendedCost: { Amount: '1', Unit: 'USD' } } },
      ],
    }));
    const tags = [
      {
        TimePeriod: { Start: '2026-11-01', End: '2026-11-11' },
        Total: {},
        Groups: [
          { Keys: ['pulumi:stack$prod'], Metrics: { UnblendedCost: { Amount: '30', Unit: 'USD' } } },
          { Keys: ['pulumi:stack$'], Metrics: { UnblendedCost: { Amount: '10', Unit: 'USD' } } },
        ],
      },
    ];
    const r = await fetch(`${moto!.endpoint}/moto-api/static/ce/cost-and-usage-results`, {
      method: 'POST',
      body: JSON.stringify({ results: [{ ResultsByTime: daily }, { ResultsByTime: tags }] }),
    });
    assert.strictEqual(r.status, 201);
    const cfg = parseHealthConfig('cost: { budget: 100, stackTag: "pulumi:stack" }\n').config!;
    const data = await fetchCost(ce, cfg.cost, now);
    assert.deepStrictEqual(data.byGroup, [
      { name: 'EC2', amount: 30 },
      { name: 'S3', amount: 10 },
    ]);
    assert.deepStrictEqual(data.byStack, [
      { stack: 'prod', amount: 30 },
      { stack: '(untagged)', amount: 10 },
    ]);
    const snap = costSnapshot(data, cfg.cost, now, false);
    assert.strictEqual(snap.monthToDate, 40);
    assert.ok(Math.abs(snap.forecastMonthEnd - 120) < 1e-6, `${snap.forecastMonthEnd}`);
    assert.strictEqual(snap.budgetAtRisk, true);
    ce.destroy();
  });
});
