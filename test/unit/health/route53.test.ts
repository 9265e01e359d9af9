// SLA from Route 53: the HealthCheckStatus history as minutes (a failing minute counts, a gap does
// not), computed by the same SLA code as local checks; and, against moto, finding checks by tag or by
// id, reading what the checkers see and the history in as few GetMetricData calls as the API allows.
import * as assert from 'assert';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateHealthCheckCommand, ChangeTagsForResourceCommand, Route53Client } from '@aws-sdk/client-route-53';
import { MinuteSeries, StatusRun, runsFromChunks, toRuns } from '../../../src/health/model/minuteSeries';
import { DAY, HOUR, MINUTE, slaReport } from '../../../src/health/model/slaMath';
import { parseHealthConfig } from '../../../src/health/model/healthConfig';
import { composeSnapshot } from '../../../src/health/model/composeSnapshot';
import { endpointsSection } from '../../../src/health/model/dashboardHtml';
import { MAX_POINTS_PER_CALL, fetchStatusHistory, historySpans, mergeRuns, route53Api } from '../../../src/health/runner/route53';
import { MAX_STATUS_PER_POLL, Route53Source } from '../../../src/health/runner/route53Source';
import type { EndpointSnapshot } from '../../../src/health/model/snapshot';
import { MOTO_CREDENTIALS, provisionedMotoBin, startMoto, type MotoServer } from '../../support/motoServer';

const NOW = Date.UTC(2026, 10, 20, 12, 0); // on a minute boundary

describe('health: SLA from Route 53 history (pure)', () => {
  it('counts a failing minute in the window and not a gap, with the same SLA code as local checks', () => {
    // 120 minutes ending now: minute 30 failed, minutes 60..69 missing (no checker data, not observed).
    const t: number[] = [];
    const v: number[] = [];
    for (let m = 120; m >= 1; m--) {
      const i = 120 - m;
      if (i >= 60 && i < 70) continue;
      t.push(NOW - m * MINUTE);
      v.push(i === 30 ? 0 : 1);
    }
    const s = MinuteSeries.fromPoints(t, v);
    const r = slaReport(s, NOW, 0.999, 30 * DAY);
    const h1 = r.windows.find((w) => w.window === '1h')!;
    // The last hour: minutes 60..119, 10 of them a gap: 50 observed, all healthy.
    assert.deepStrictEqual([h1.ok, h1.failed, h1.availability], [50, 0, 1]);
    const d1 = r.windows.find((w) => w.window === '24h')!;
    // By hand: 110 observed minutes, 1 failed → 109/110.
    assert.deepStrictEqual([d1.ok, d1.failed], [109, 1]);
    assert.strictEqual(d1.availability, 109 / 110);
    // Burn rate over the SLO window: (1/110) / 0.001.
    assert.ok(Math.abs(1 - r.budget.remainingRatio - 1 / 110 / 0.001) < 1e-9);
    // Run-length form (for caching and sharing) gives the same figures.
    const runs = toRuns(t.map((x, i) => [x, v[i], MINUTE]));
    assert.strictEqual(runs.length, 4, 'ok, failed, ok, (gap) ok');
    assert.deepStrictEqual(MinuteSeries.fromRuns(runs).counts(0, NOW + 1), s.counts(0, NOW + 1));
  });

  it('builds the same runs from GetMetricData pages in any order, a repeated point counted once', () => {
    // 5-minute points for the older span, then 1-minute points; pages arrive newest first, one point twice.
    const pts: Array<[number, number, number]> = [];
    for (let i = 0; i < 12; i++) pts.push([NOW - 2 * HOUR + i * 5 * MINUTE, i === 4 ? 0 : 1, 5 * MINUTE]);
    for (let i = 0; i < 60; i++) pts.push([NOW - HOUR + i * MINUTE, i === 30 ? 0 : 1, MINUTE]);
    const chunk = (ps: typeof pts) => ({ t: ps.map((p) => new Date(p[0])), v: ps.map((p) => p[1]), period: ps[0][2] });
    const inOrder = [chunk(pts.slice(0, 12)), chunk(pts.slice(12, 40)), chunk(pts.slice(39))];
    const runs = runsFromChunks(inOrder);
    assert.deepStrictEqual(runs, toRuns(pts));
    assert.deepStrictEqual(
      runsFromChunks([chunk(pts.slice(40)), chunk(pts.slice(12, 41)), chunk(pts.slice(0, 12)), chunk(pts.slice(11, 12))]),
      runs,
    );
    assert.deepStrictEqual(
      runs.map((r) => [r[1] / MINUTE, r[2], r[3]]),
      [
        [5, 4, 1],
        [5, 1, 0],
        [5, 7, 1],
        [1, 30, 1],
        [1, 1, 0],
        [1, 29, 1],
      ],
    );
  });

  it('merges a later poll into the cached runs as point by point: cut at the retention edge and where the fresh data begins', () => {
    const expand = (runs: readonly StatusRun[]) => runs.flatMap(([s, p, n, ok]) => Array.from({ length: n }, (_, k) => [s + k * p, ok, p]));
    const old: StatusRun[] = [
      [NOW - 2 * HOUR, 5 * MINUTE, 12, 1],
      [NOW - HOUR, MINUTE, 50, 1],
      [NOW - 10 * MINUTE, MINUTE, 5, 0],
    ];
    // The fresh data re-reads the last 7 minutes (they may have changed) and adds 3: 2 failing, then 8 healthy.
    const fresh: StatusRun[] = [
      [NOW - 7 * MINUTE, MINUTE, 2, 0],
      [NOW - 5 * MINUTE, MINUTE, 8, 1],
    ];
    const keepFrom = NOW - 2 * HOUR + 12 * MINUTE; // cuts the 5-minute run after its third point
    const merged = mergeRuns(old, fresh, keepFrom);
    const expected = [...expand(old).filter(([t]) => t >= keepFrom && t < NOW - 7 * MINUTE), ...expand(fresh)];
    assert.deepStrictEqual(expand(merged), expected);
    // Adjacent runs of one value and period are joined: the last cached failing minutes and the fresh ones.
    assert.deepStrictEqual(merged[merged.length - 2], [NOW - 10 * MINUTE, MINUTE, 5, 0]);
    assert.strictEqual(merged.length, 4);
  });

  it('asks for 1-minute data for the last 15 days and 5-minute data before (CloudWatch retention)', () => {
    const spans = historySpans(NOW - 35 * DAY, NOW);
    assert.deepStrictEqual(
      spans.map((x) => [x.periodSec, (x.to - x.from) / DAY]),
      [
        [300, 20],
        [60, 15],
      ],
    );
    // 15 days × 1440 = 21,600 points per check: four checks fit the 100,800 points of one call.
    assert.strictEqual(Math.floor(MAX_POINTS_PER_CALL / (15 * 1440)), 4);
  });
});

describe('health: Route 53 health checks against moto', function () {
  this.timeout(120_000);
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

  it('finds checks by tag and by id, reads the checkers and the history; a failing minute counts, a gap does not', async () => {
    const common = { region: 'us-east-1', endpoint: moto!.endpoint, credentials: MOTO_CREDENTIALS };
    const r53 = new Route53Client(common);
    const cw = new CloudWatchClient(common);
    const check = async (fqdn: string, tags: Record<string, string>) => {
      const c = await r53.send(
        new CreateHealthCheckCommand({
          CallerReference: `${fqdn}-${Math.random()}`,
          HealthCheckConfig: {
            Type: 'HTTPS',
            FullyQualifiedDomainName: fqdn,
            Port: 443,
            ResourcePath: '/health',
            RequestInterval: 30,
            FailureThreshold: 3,
          },
        }),
      );
      const id = c.HealthCheck!.Id!;
      if (Object.keys(tags).length)
        await r53.send(
          new ChangeTagsForResourceCommand({
            ResourceType: 'healthcheck',
            ResourceId: id,
            AddTags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
          }),
        );
      return id;
    };
    const apiId = await check('api.example.com', { 'opsdeck:endpoint': 'api', 'opsdeck:workspace': 'shop' });
    await check('other.example.com', { 'opsdeck:endpoint': 'api', 'opsdeck:workspace': 'another-folder' });
    const webId = await check('web.example.com', {});

    // History written as Route 53 would publish it: the last 60 minutes for api (minute 20 failed,
    // minutes 40..44 missing), and for web the last 30 minutes all healthy.
    const now = Math.floor(Date.now() / MINUTE) * MINUTE;
    const put = async (id: string, minutes: Array<[number, number]>) => {
      for (let i = 0; i < minutes.length; i += 500)
        await cw.send(
          new PutMetricDataCommand({
            Namespace: 'AWS/Route53',
            MetricData: minutes.slice(i, i + 500).map(([m, value]) => ({
              MetricName: 'HealthCheckStatus',
              Dimensions: [{ Name: 'HealthCheckId', Value: id }],
              Timestamp: new Date(now - m * MINUTE),
              Value: value,
            })),
          }),
        );
    };
    const apiMinutes: Array<[number, number]> = [];
    for (let m = 60; m >= 1; m--) if (!(60 - m >= 40 && 60 - m < 45)) apiMinutes.push([m, 60 - m === 20 ? 0 : 1]);
    await put(apiId, apiMinutes);
    await put(
      webId,
      Array.from({ length: 30 }, (_, i): [number, number] => [30 - i, 1]),
    );

    const cfg = parseHealthConfig(
      `aws: { endpoint: "${moto!.endpoint}" }\nendpoints:\n  - { name: api, url: "https://api.example.com/health" }\n  - { name: web, url: "https://web.example.com/", route53: ${webId} }\n  - { name: ghost, url: "https://ghost.example.com/", route53: 00000000-0000-0000-0000-000000000000 }\n`,
    ).config!;
    const source = new Route53Source(route53Api(common, 'shop'), () => cw);
    const state = await source.poll(cfg, now + 1);
    assert.deepStrictEqual(Object.keys(state.endpoints).sort(), ['api', 'web']);
    assert.strictEqual(state.endpoints.api.checkId, apiId, 'the check tagged for this workspace, not the other folder');
    assert.strictEqual(state.endpoints.api.foundBy, 'tag');
    assert.strictEqual(state.endpoints.web.foundBy, 'config');
    assert.match(state.problems.ghost, /00000000-0000-0000-0000-000000000000 \(endpoints\[2\]\.route53 in health\.yaml\) does not exist/);
    // moto answers GetHealthCheckStatus with one fixed observation (us-east-1, HTTP 200), whatever the
    // history says: the per-region display is checked against that, current state against the history.
    assert.deepStrictEqual(
      state.endpoints.api.observations.map((o) => [o.region, o.status]),
      [['us-east-1', 'Success: HTTP Status Code: 200. Resolved IP: 127.0.13.37. OK']],
    );
    // Calls: 1 ListHealthChecks + 1 ListTagsForResources, 2 GetHealthCheckStatus, and the history of both
    // checks in one GetMetricData call per retention span (35 days: a 5-minute span and a 1-minute span).
    assert.deepStrictEqual(state.calls, { discovery: 2, status: 2, metricData: 2 });

    // The SLA figures, as the user sees them, equal the ones by hand: api has 55 observed minutes (60
    // written, 5 missing), 1 failed; the last hour holds 54 of them (the oldest minute is 60 min back).
    const snap = composeSnapshot({
      now: now + 1,
      role: 'prober',
      config: cfg,
      configFile: 'health.yaml',
      configProblem: undefined,
      endpoints: cfg.endpoints.map((e): EndpointSnapshot => ({
        name: e.name,
        kind: 'http',
        target: e.name,
        status: 'up',
        flapping: false,
        muted: false,
        inMaintenance: false,
        consecutiveFailures: 0,
        failureThreshold: 2,
        intervalMs: 10_000,
        slo: 0.999,
        sloWindowDays: 30,
        sla: slaReport(MinuteSeries.fromRuns([]), now + 1, 0.999, 30 * DAY),
        recent: [],
      })),
      alarms: [],
      alarmsAsOf: undefined,
      metricPoints: new Map(),
      cost: undefined,
      costProblem: undefined,
      awsProblem: undefined,
      historySkippedLines: 0,
      maintenance: [],
      route53: state,
    });
    const api = snap.endpoints.find((e) => e.name === 'api')!;
    assert.strictEqual(api.slaOfRecord, 'route53');
    const h1 = api.route53!.sla.windows.find((w) => w.window === '1h')!;
    assert.deepStrictEqual([h1.ok, h1.failed], [53, 1]);
    assert.strictEqual(api.route53!.sla.windows.find((w) => w.window === '24h')!.availability, 54 / 55);
    const html = endpointsSection(snap);
    assert.match(html, /Route 53 <strong>\(SLA of record\)<\/strong>/);
    assert.match(html, /us-east-1: Success: HTTP Status Code: 200\. Resolved IP: 127\.0\.13\.37\. OK/);
    assert.match(html, /98\.18%/, '54/55 = 98.18% (truncated, never rounded up)');
    assert.match(snap.endpoints.find((e) => e.name === 'ghost')!.route53Problem!, /does not exist/);

    // The next poll reads only the minutes since (no new discovery): one GetMetricData call.
    const again = await source.poll(cfg, now + 2);
    assert.deepStrictEqual(again.calls, { discovery: 0, status: 2, metricData: 1 });
    assert.deepStrictEqual(
      MinuteSeries.fromRuns(again.endpoints.api.runs).counts(0, now + 2),
      MinuteSeries.fromRuns(state.endpoints.api.runs).counts(0, now + 2),
    );
    assert.ok(MAX_STATUS_PER_POLL >= 2);
    r53.destroy();
    cw.destroy();
  });

  it('a check made after the first poll is found once health.yaml is applied again (not an hour later)', async () => {
    // Seen in the host: a workspace that polled Route 53 before its check existed kept the empty
    // list for an hour, so the check made next and a reloaded health.yaml showed nothing.
    const common = { region: 'us-east-1', endpoint: moto!.endpoint, credentials: MOTO_CREDENTIALS };
    const r53 = new Route53Client(common);
    const cw = new CloudWatchClient(common);
    const cfg = parseHealthConfig(
      `aws: { endpoint: "${moto!.endpoint}" }\nendpoints:\n  - { name: late, url: "https://late.example.com/" }\n`,
    ).config!;
    const source = new Route53Source(route53Api(common, 'late-ws'), () => cw);
    const now = Math.floor(Date.now() / MINUTE) * MINUTE;
    assert.deepStrictEqual(Object.keys((await source.poll(cfg, now)).endpoints), []);
    const c = await r53.send(
      new CreateHealthCheckCommand({
        CallerReference: `late-${Math.random()}`,
        HealthCheckConfig: { Type: 'HTTPS', FullyQualifiedDomainName: 'late.example.com', Port: 443, ResourcePath: '/' },
      }),
    );
    await r53.send(
      new ChangeTagsForResourceCommand({
        ResourceType: 'healthcheck',
        ResourceId: c.HealthCheck!.Id!,
        AddTags: [{ Key: 'opsdeck:endpoint', Value: 'late' }],
      }),
    );
    source.rediscover();
    const state = await source.poll(cfg, now + MINUTE);
    assert.strictEqual(state.endpoints.late?.checkId, c.HealthCheck!.Id);
    r53.destroy();
    cw.destroy();
  });

  it('packs many checks into few GetMetricData calls', async () => {
    const cw = new CloudWatchClient({ region: 'us-east-1', endpoint: moto!.endpoint, credentials: MOTO_CREDENTIALS });
    const ids = Array.from({ length: 10 }, (_, i) => `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`);
    const now = Math.floor(Date.now() / MINUTE) * MINUTE;
    const r = await fetchStatusHistory(cw, ids, now - 35 * DAY, now);
    // 10 checks: 20 days at 5 minutes (5,760 points each: 17 fit one call → 1 call) and 15 days at
    // 1 minute (21,600 each: 4 per call → 3 calls). (50 checks: 3 + 13 = 16; see bench/README.md.)
    assert.strictEqual(r.calls, 4);
    cw.destroy();
  });
});
