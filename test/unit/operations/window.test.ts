// The verification window with a scripted health source: an outage is reported at once (not at the
// window's end), each regression once, latency judged only at the end, and stop() cuts it short.
import * as assert from 'assert';
import { DEFAULT_VERIFY_RULES } from '../../../src/operations/model/regression';
import { autoRollback, countdown, recordChoice } from '../../../src/operations/model/policy';
import { VerificationWindow, WindowEnd } from '../../../src/operations/runner/verificationWindow';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('operations: the verification window', () => {
  it('reports an outage as soon as the endpoint is down, once, and ends regressed', async () => {
    let status = 'up';
    const seen: string[] = [];
    let end: WindowEnd | undefined;
    const w = new VerificationWindow({
      stackKey: 'p#prod',
      minutes: 0.02, // 1.2 s
      endpointsBefore: [{ name: 'api', status: 'up', p95Ms: 10 }],
      alarmsBefore: [],
      rules: DEFAULT_VERIFY_RULES,
      tickMs: 50,
      source: { endpoints: () => [{ name: 'api', status, since: Date.now(), error: 'HTTP 503', slo: 99 }], alarms: () => [] },
      onRegression: (rs) => seen.push(...rs.map((r) => r.kind)),
      onEnd: (e) => (end = e),
    }).start();
    w.check('api', { t: Date.now(), ok: true, latencyMs: 9 });
    await sleep(200);
    assert.deepStrictEqual(seen, []);
    status = 'down';
    const t0 = Date.now();
    w.check('api', { t: Date.now(), ok: false, latencyMs: 3 });
    assert.deepStrictEqual(seen, ['down'], 'a failed check triggers a judgement at once');
    assert.ok(Date.now() - t0 < 50);
    await sleep(1400);
    assert.deepStrictEqual(seen, ['down'], 'reported once');
    assert.strictEqual(end?.verdict, 'regressed');
    assert.strictEqual(w.running, false);
  });

  it('passes a quiet window, and stop() ends it early as cut short', async () => {
    const ends: WindowEnd[] = [];
    const mk = (minutes: number) =>
      new VerificationWindow({
        stackKey: 'p#dev',
        minutes,
        endpointsBefore: [{ name: 'api', status: 'up', p95Ms: 10 }],
        alarmsBefore: [],
        rules: DEFAULT_VERIFY_RULES,
        tickMs: 50,
        source: { endpoints: () => [{ name: 'api', status: 'up', slo: 99 }], alarms: () => [] },
        onRegression: () => assert.fail('no regression expected'),
        onEnd: (e) => ends.push(e),
      }).start();
    const a = mk(0.005);
    for (let i = 0; i < 6; i++) a.check('api', { t: Date.now(), ok: true, latencyMs: 11 });
    const b = mk(1);
    b.stop('rolled back');
    await sleep(500);
    assert.deepStrictEqual(
      ends.map((e) => [e.verdict, e.reason]),
      [
        ['cut short', 'rolled back'],
        ['passed', undefined],
      ],
    );
    assert.strictEqual(ends[1].checks.get('api')?.length, 6);
  });
});

describe('operations: record and auto-rollback settings', () => {
  it('the first matching stack pattern decides, else the default', () => {
    assert.strictEqual(recordChoice('prod-eu', 'ask', { 'prod*': 'always', dev: 'never' }), 'always');
    assert.strictEqual(recordChoice('org/shop/dev', 'ask', { 'prod*': 'always', dev: 'never' }), 'never');
    assert.strictEqual(recordChoice('staging', 'ask', { 'prod*': 'always' }), 'ask');
    assert.strictEqual(recordChoice('staging', 'never', { staging: 'bogus' }), 'never', 'an unknown choice is ignored');
    assert.strictEqual(autoRollback('prod-eu', []), false);
    assert.strictEqual(autoRollback('prod-eu', ['prod-*']), true);
    assert.strictEqual(countdown(151_000), '2:31');
    assert.strictEqual(countdown(-5), '0:00');
  });
});
