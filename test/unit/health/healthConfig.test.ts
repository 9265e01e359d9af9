import * as assert from 'assert';
import { DEFAULTS, parseDuration, parseHealthConfig, worstCaseDetectionMs } from '../../../src/health/model/healthConfig';

const GOOD = `
version: 1
defaults:
  interval: 10s
  timeout: 3s
  slo: 99.9
groups:
  core:
    slo: 99.95
endpoints:
  - name: api
    url: https://api.example.com/health
    group: core
    expectStatus: [200, 2xx]
    bodyMatch: '"status":\\s*"ok"'
    latencyThreshold: 800ms
    headers:
      Authorization: { secret: api-token }
      X-Env: { env: DEPLOY_ENV }
  - name: db
    tcp: db.internal:5432
    interval: 30s
maintenance:
  - start: 2026-11-24T02:00:00Z
    end: 2026-11-24T03:00:00Z
    endpoints: [db]
alarms:
  prefixes: [prod-]
  names: [billing-high]
metrics:
  - id: cpu
    namespace: AWS/EC2
    name: CPUUtilization
    dimensions: { AutoScalingGroupName: web }
    stat: Average
    period: 5m
    threshold: 85
    unit: Percent
aws:
  region: eu-west-1
  profile: prod
  endpoint: http://127.0.0.1:5000
cost:
  budget: 1500
  stackTag: pulumi:stack
`;

describe('health config', () => {
  it('parses a complete file into typed settings with inheritance from defaults and groups', () => {
    const r = parseHealthConfig(GOOD);
    assert.deepStrictEqual(r.diagnostics, []);
    const c = r.config!;
    assert.strictEqual(c.endpoints.length, 2);
    const api = c.endpoints[0];
    assert.strictEqual(api.kind, 'http');
    if (api.kind !== 'http') return;
    assert.strictEqual(api.slo, 0.9995, 'group SLO overrides the default');
    assert.strictEqual(api.intervalMs, 10_000);
    assert.strictEqual(api.timeoutMs, 3_000);
    assert.strictEqual(api.latencyThresholdMs, 800);
    assert.deepStrictEqual(api.expectStatus, [
      [200, 200],
      [200, 299],
    ]);
    assert.deepStrictEqual(api.headers.Authorization, { kind: 'secret', key: 'api-token' });
    assert.deepStrictEqual(api.headers['X-Env'], { kind: 'env', name: 'DEPLOY_ENV' });
    const db = c.endpoints[1];
    assert.strictEqual(db.kind, 'tcp');
    if (db.kind === 'tcp') assert.deepStrictEqual([db.host, db.port, db.intervalMs, db.slo], ['db.internal', 5432, 30_000, 0.999]);
    assert.deepStrictEqual(c.maintenance[0].endpoints, ['db']);
    assert.strictEqual(c.maintenance[0].endMs - c.maintenance[0].startMs, 3_600_000);
    assert.deepStrictEqual(c.alarms, { names: ['billing-high'], prefixes: ['prod-'] });
    assert.strictEqual(c.metrics[0].periodSec, 300);
    assert.strictEqual(c.metrics[0].threshold, 85);
    assert.deepStrictEqual(c.aws, { region: 'eu-west-1', profile: 'prod', endpoint: 'http://127.0.0.1:5000' });
    assert.strictEqual(c.cost.monthlyBudget, 1500);
    assert.strictEqual(c.cost.stackTag, 'pulumi:stack');
  });

  it('reports a YAML syntax error on its line and yields no config', () => {
    const r = parseHealthConfig('endpoints:\n  - name: api\n    url: http://x\n  bad: [unclosed\n');
    assert.strictEqual(r.config, undefined);
    assert.ok(r.diagnostics.length > 0);
    assert.strictEqual(r.diagnostics[0].severity, 'error');
    assert.ok(r.diagnostics[0].line >= 3, `line ${r.diagnostics[0].line}`);
  });

  it('points a semantic error at the offending value', () => {
    const text = 'endpoints:\n  - name: api\n    url: http://127.0.0.1:1/\n    timeout: soon\n';
    const r = parseHealthConfig(text);
    assert.strictEqual(r.config, undefined);
    const d = r.diagnostics.find((x) => x.severity === 'error')!;
    assert.strictEqual(d.line, 3);
    assert.strictEqual(d.column, 13);
    assert.match(d.message, /not a duration/);
  });

  it('rejects a missing url, a bad tcp target, duplicate names and an SLO of 100%', () => {
    const r = parseHealthConfig(
      'endpoints:\n  - name: a\n  - name: b\n    tcp: nohost\n  - name: c\n    url: http://x/\n  - name: c\n    url: http://y/\n    slo: 100\n',
    );
    assert.strictEqual(r.config, undefined);
    const msgs = r.diagnostics.map((d) => `${d.line}:${d.message}`);
    assert.ok(
      msgs.some((m) => m.startsWith('1:') && /url.*required/.test(m)),
      msgs.join('\n'),
    );
    assert.ok(
      msgs.some((m) => m.startsWith('3:') && /host:port/.test(m)),
      msgs.join('\n'),
    );
    assert.ok(
      msgs.some((m) => m.startsWith('6:') && /used twice/.test(m)),
      msgs.join('\n'),
    );
    assert.ok(
      msgs.some((m) => m.startsWith('8:') && /100%/.test(m)),
      msgs.join('\n'),
    );
  });

  it('warns (without failing) about unknown keys and credentials written in clear', () => {
    const r = parseHealthConfig(
      'endpoints:\n  - name: a\n    url: http://x/\n    colour: red\n    headers:\n      Authorization: Bearer abc\n',
    );
    assert.ok(r.config, 'warnings keep the config');
    assert.ok(r.diagnostics.some((d) => d.severity === 'warning' && d.line === 3 && /Unknown key "colour"/.test(d.message)));
    assert.ok(r.diagnostics.some((d) => d.severity === 'warning' && d.line === 5 && /in clear/.test(d.message)));
  });

  it('issue 10 #10: a near-miss key is an error on the key itself that names the value applied meanwhile; the rest applies', () => {
    const r = parseHealthConfig(
      'defaults:\n  interval: 30s\ngroups:\n  core:\n    timout: 2s\nendpoints:\n  - name: a\n    url: http://x/\n    intervall: 5s\n  - name: b\n    group: core\n    url: http://y/\n    colour: red\n',
    );
    assert.ok(r.config, 'a near-miss does not stop the file from applying');
    assert.strictEqual(r.config.endpoints[0].intervalMs, 30_000);
    const near = r.diagnostics.filter((d) => d.severity === 'error');
    assert.deepStrictEqual(
      near.map((d) => [d.line, d.column, d.endColumn, d.message]),
      [
        [4, 4, 10, 'Unknown key "timout" — did you mean "timeout"? Until it is fixed, "timeout" is 2 s (from defaults).'],
        [8, 4, 13, 'Unknown key "intervall" — did you mean "interval"? Until it is fixed, "interval" is 30 s (from defaults).'],
      ],
    );
    // A key that is not close to any known one stays a warning, also on the key.
    const colour = r.diagnostics.find((d) => /colour/.test(d.message))!;
    assert.deepStrictEqual([colour.severity, colour.line, colour.column, colour.endColumn], ['warning', 12, 4, 10]);
  });

  it('explains an empty file', () => {
    const r = parseHealthConfig('');
    assert.strictEqual(r.config, undefined);
    assert.match(r.diagnostics[0].message, /empty/);
  });

  it('detects an outage within 20 s with the default settings, even when every attempt times out', () => {
    const ep = parseHealthConfig('endpoints:\n  - { name: a, url: "http://x/" }\n').config!.endpoints[0];
    assert.deepStrictEqual(
      [ep.intervalMs, ep.timeoutMs, ep.failureThreshold, ep.retries],
      [DEFAULTS.intervalMs, DEFAULTS.timeoutMs, DEFAULTS.failureThreshold, DEFAULTS.retries],
    );
    // 10 s until the next check, then two checks of (2 s + 0.5 s + 2 s), the second confirming 0.5 s after the first.
    assert.strictEqual(worstCaseDetectionMs(ep), 10_000 + 4_500 + 500 + 4_500);
    assert.ok(worstCaseDetectionMs(ep) <= 20_000);
  });

  it('reads durations with units', () => {
    assert.strictEqual(parseDuration('250ms'), 250);
    assert.strictEqual(parseDuration('10s'), 10_000);
    assert.strictEqual(parseDuration('5m'), 300_000);
    assert.strictEqual(parseDuration('30d'), 30 * 86_400_000);
    assert.strictEqual(parseDuration(100), 100);
    assert.strictEqual(parseDuration('ten'), undefined);
  });
});
