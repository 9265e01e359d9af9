// Checks that the moto provisioned by `node scripts/setup-tools.mjs moto` really emulates what OpsDeck's
// health and cost features call, through the same AWS SDK v3 clients the extension uses:
// CloudWatch alarms (PutMetricAlarm, SetAlarmState, DescribeAlarms), metrics (PutMetricData,
// GetMetricData) and Cost Explorer GetCostAndUsage with a result queued through moto's API.
// Skipped, with the reason printed, when .tools/tools.json lists no moto.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { CostExplorerClient, GetCostAndUsageCommand } from '@aws-sdk/client-cost-explorer';
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from '../../support/motoServer';

function motoBin(): { bin?: string; why?: string } {
  const file = process.env.OPSDECK_TOOLS_JSON ?? path.resolve(__dirname, '../../../../.tools/tools.json');
  if (!existsSync(file)) return { why: `${file} does not exist (run \`node scripts/setup-tools.mjs moto\`)` };
  const tools = JSON.parse(readFileSync(file, 'utf8')) as { moto?: { bin?: string } };
  const bin = tools.moto?.bin;
  if (!bin) return { why: `${file} lists no moto (run \`node scripts/setup-tools.mjs moto\`)` };
  if (!existsSync(bin)) return { why: `moto_server listed in ${file} is missing: ${bin}` };
  return { bin };
}

describe('moto (AWS emulator for the health and cost tests)', function () {
  this.timeout(60_000);
  let moto: MotoServer | undefined;
  let cw: CloudWatchClient;
  let ce: CostExplorerClient;

  before(async function () {
    const { bin, why } = motoBin();
    if (!bin) {
      console.log(`    skipped: ${why}`);
      this.skip();
    }
    moto = await startMoto(bin);
    const common = { endpoint: moto.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS };
    cw = new CloudWatchClient(common);
    ce = new CostExplorerClient(common);
  });

  after(async () => {
    cw?.destroy();
    ce?.destroy();
    await moto?.stop();
  });

  it('keeps a CloudWatch alarm and reports the state it was set to', async () => {
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: 'api-5xx',
        Namespace: 'OpsDeck/Test',
        MetricName: 'Errors',
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 5,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
    await cw.send(new SetAlarmStateCommand({ AlarmName: 'api-5xx', StateValue: 'ALARM', StateReason: 'test drove it' }));
    const res = await cw.send(new DescribeAlarmsCommand({ AlarmNames: ['api-5xx'] }));
    assert.equal(res.MetricAlarms?.length, 1);
    assert.equal(res.MetricAlarms?.[0].StateValue, 'ALARM');
    assert.equal(res.MetricAlarms?.[0].StateReason, 'test drove it');
  });

  it('returns metric data points that were put', async () => {
    const now = new Date();
    now.setUTCSeconds(0, 0);
    const at = (minAgo: number): Date => new Date(now.getTime() - minAgo * 60_000);
    await cw.send(
      new PutMetricDataCommand({
        Namespace: 'OpsDeck/Test',
        MetricData: [
          { MetricName: 'Latency', Timestamp: at(3), Value: 120, Unit: 'Milliseconds' },
          { MetricName: 'Latency', Timestamp: at(2), Value: 80, Unit: 'Milliseconds' },
        ],
      }),
    );
    const res = await cw.send(
      new GetMetricDataCommand({
        StartTime: at(10),
        EndTime: new Date(now.getTime() + 60_000),
        MetricDataQueries: [
          { Id: 'lat', MetricStat: { Metric: { Namespace: 'OpsDeck/Test', MetricName: 'Latency' }, Period: 60, Stat: 'Sum' } },
        ],
      }),
    );
    const series = res.MetricDataResults?.find((r) => r.Id === 'lat');
    assert.ok(series, 'a result for query "lat"');
    assert.deepEqual(
      [...(series.Values ?? [])].sort((a, b) => a - b),
      [80, 120],
    );
  });

  it('answers GetCostAndUsage with the result queued through moto’s API', async () => {
    const queued = {
      results: [
        {
          ResultsByTime: [
            {
              TimePeriod: { Start: '2026-11-01', End: '2026-11-02' },
              Total: { UnblendedCost: { Amount: '12.34', Unit: 'USD' } },
              Groups: [],
              Estimated: false,
            },
          ],
        },
      ],
    };
    const post = await fetch(`${moto!.endpoint}/moto-api/static/ce/cost-and-usage-results`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(queued),
    });
    assert.equal(post.status, 201);
    const res = await ce.send(
      new GetCostAndUsageCommand({
        TimePeriod: { Start: '2026-11-01', End: '2026-11-02' },
        Granularity: 'DAILY',
        Metrics: ['UnblendedCost'],
      }),
    );
    assert.equal(res.ResultsByTime?.[0]?.Total?.UnblendedCost?.Amount, '12.34');
    assert.equal(res.ResultsByTime?.[0]?.TimePeriod?.Start, '2026-11-01');
  });
});
