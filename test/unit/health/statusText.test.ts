import * as assert from 'assert';
import { isFromDashboard } from '../../../src/health/dashboardProtocol';
import { EndpointSnapshot, HealthSnapshot } from '../../../src/health/model/snapshot';
import { SlaIndex, bucketize, slaReport } from '../../../src/health/model/slaMath';
import { formatBudget, formatMoney, formatPercent, overallOf, statusBarText, tooltipMarkdown } from '../../../src/health/model/statusText';

function endpoint(name: string, status: EndpointSnapshot['status'], okCount: number, failed: number): EndpointSnapshot {
  const now = Date.UTC(2026, 10, 23, 12);
  const idx = new SlaIndex();
  const samples = Array.from({ length: okCount + failed }, (_, i) => ({
    t: now - 1000 * (okCount + failed - i),
    ok: i >= failed,
    latencyMs: 40,
  }));
  for (const b of bucketize(samples)) idx.append(b);
  return {
    name,
    kind: 'http',
    target: `GET https://x/${name}`,
    status,
    flapping: false,
    muted: false,
    inMaintenance: false,
    consecutiveFailures: 0,
    failureThreshold: 2,
    intervalMs: 10_000,
    slo: 0.999,
    sloWindowDays: 30,
    sla: slaReport(idx, now, 0.999, 30 * 86_400_000),
    recent: [],
  };
}

describe('health status bar and tooltip text', () => {
  it('never rounds up to 100% and formats money like a person would', () => {
    assert.strictEqual(formatPercent(0.99999), '99.99%');
    assert.strictEqual(formatPercent(1), '100%');
    assert.strictEqual(formatPercent(0.9997), '99.97%');
    assert.strictEqual(formatPercent(undefined), '—');
    assert.strictEqual(formatMoney(1240.4), '$1,240');
    assert.strictEqual(formatMoney(12.345, 'USD', 2), '$12.35');
    assert.deepStrictEqual(formatBudget({ remainingRatio: 0.731, remainingMinutes: 31.6, totalMinutes: 43.2 }), {
      share: '73%',
      minutes: '32 min of 43 min',
    });
    assert.deepStrictEqual(formatBudget({ remainingRatio: -2, remainingMinutes: -86.4, totalMinutes: 43.2 }), {
      share: 'exhausted',
      minutes: 'failing at 3.0× the 43 min budget',
    });
  });

  it('shows the worst availability and month-to-date cost, and turns to error when an endpoint is down', () => {
    const cost = {
      currency: 'USD',
      asOf: 0,
      monthStart: '2026-11-01',
      monthToDate: 1240,
      byService: [],
      daily: [],
      forecastMonthEnd: 1500,
      forecastDaily: [],
      budgetAtRisk: false,
      fromCache: true,
    };
    const fine = { endpoints: [endpoint('api', 'up', 9997, 3), endpoint('web', 'up', 100, 0)], alarms: [], cost };
    assert.strictEqual(statusBarText(fine), '$(pass) 99.97% · $1,240 MTD');
    assert.strictEqual(overallOf(fine), 'ok');
    const down = { ...fine, endpoints: [endpoint('api', 'down', 9997, 3), endpoint('web', 'up', 100, 0)] };
    assert.strictEqual(statusBarText(down), '$(error) 1 down · 99.97% · $1,240 MTD');
    const firing = { ...fine, alarms: [{ name: 'cpu', state: 'ALARM' }] };
    assert.strictEqual(overallOf(firing), 'error');
    assert.strictEqual(overallOf({ ...fine, cost: { ...cost, budgetAtRisk: true } }), 'warning');
  });

  it('renders a per-endpoint table with escaped names and command links', () => {
    const s: HealthSnapshot = {
      generatedAt: 0,
      role: 'prober',
      endpoints: [endpoint('a|b*', 'up', 10, 0)],
      alarms: [],
      metrics: [],
      overall: 'ok',
      statusText: '',
      historySkippedLines: 0,
      maintenance: [],
    };
    const md = tooltipMarkdown(s);
    assert.match(md, /\| Endpoint \| State \|/);
    assert.match(md, /\| a\\\|b\\\* \| \$\(pass\) up \| 100% \|/);
    assert.match(md, /\(command:opsdeck\.openHealthDashboard\)/);
  });

  it('accepts only well-formed messages from the webview', () => {
    assert.ok(isFromDashboard({ type: 'mute', endpoint: 'api' }));
    assert.ok(!isFromDashboard({ type: 'mute' }));
    assert.ok(!isFromDashboard({ type: 'runShell', cmd: 'rm -rf /' }));
    assert.ok(!isFromDashboard(null));
  });
});
