import * as assert from 'assert';
import { isFromDashboard } from '../../../src/health/dashboardProtocol';
import { EndpointSnapshot, HealthSnapshot } from '../../../src/health/model/snapshot';
import { SlaIndex, bucketize, slaReport } from '../../../src/health/model/slaMath';
import { endpointsSection } from '../../../src/health/model/dashboardHtml';
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
      left: '73% left',
      partial: false,
    });
    assert.deepStrictEqual(formatBudget({ remainingRatio: -2, remainingMinutes: -86.4, totalMinutes: 43.2 }), {
      share: 'exhausted',
      minutes: 'failing at 3.0× the 43 min budget',
      left: 'exhausted',
      partial: false,
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
    assert.match(md, /\| a\\\|b\\\* \| \$\(pass\) up \| 100% \(over 1 min of data\) \|/);
    assert.match(md, /\(command:opsdeck\.openHealthDashboard\)/);
  });

  it('issue 10 #8: three minutes of data never claim a 30-day budget is exhausted, and every window says what it rests on', () => {
    // 18 checks over 3 minutes, 2 of them failed (11%): the burn rate is high, the history young.
    const now = Date.UTC(2026, 10, 23, 12);
    const idx = new SlaIndex();
    const samples = Array.from({ length: 18 }, (_, i) => ({ t: now - 180_000 + i * 10_000, ok: i !== 5 && i !== 11, latencyMs: 40 }));
    for (const b of bucketize(samples)) idx.append(b);
    const e = { ...endpoint('orders', 'up', 1, 0), slo: 0.995, sla: slaReport(idx, now, 0.995, 30 * 86_400_000) };
    const s: HealthSnapshot = {
      generatedAt: now,
      role: 'prober',
      endpoints: [e],
      alarms: [],
      metrics: [],
      overall: overallOf({ endpoints: [e], alarms: [] }),
      statusText: '',
      historySkippedLines: 0,
      maintenance: [],
    };
    const tip = tooltipMarkdown(s);
    const html = endpointsSection(s);
    for (const text of [tip, html]) {
      assert.doesNotMatch(text, /exhausted/, 'no budget verdict from minutes of data');
      assert.doesNotMatch(text, /exhausted left/);
      assert.match(text, /too early \(3 min of data\)/);
      // The burn rate is told as what it means: how long the 216 min budget would last at that rate.
      assert.match(text, /22\.2× the sustainable rate: the 216 min budget would last 1\.4 d at that rate/);
    }
    // Every window is greyed and says it rests on 3 minutes; no two columns pretend to be 30 days.
    const cells = [...html.matchAll(/<td class="num partial muted" data-window="(\w+)"[^>]*>([^<]*)<br><span class="small">([^<]*)</g)];
    assert.deepStrictEqual(
      cells.map((c) => [c[1], c[3]]),
      ['1h', '24h', '7d', '30d', 'month'].map((w) => [w, 'over 3 min of data']),
    );
    // The colour comes from the burn-rate alert, and the tooltip says so.
    assert.strictEqual(s.overall, 'warning');
    assert.match(
      tip.replace(/\\(.)/g, '$1'),
      /Yellow because orders fails 22\.2× faster than its 99\.50% SLO allows \(burn-rate page alert over 1\.0 h\)/,
    );
  });

  it('issue 10 #8: a full window states the budget plainly ("73% left", "exhausted", never "exhausted left")', () => {
    const e = endpoint('api', 'up', 9997, 3);
    assert.strictEqual(formatBudget({ remainingRatio: -1, remainingMinutes: -43, totalMinutes: 43 }).left, 'exhausted');
    assert.strictEqual(
      formatBudget(
        { remainingRatio: 0.5, remainingMinutes: 21, totalMinutes: 43 },
        { sloWindowMs: 30 * 86_400_000, sloCoveredMs: 30 * 86_400_000 },
      ).left,
      '50% left',
    );
    assert.ok(formatBudget(e.sla.budget, e.sla).partial, '2.8 hours of data is not 30 days');
  });

  it('issue 10 #10: offers "Refresh cost" only when health.yaml configures cost', () => {
    const base: HealthSnapshot = {
      generatedAt: 0,
      role: 'prober',
      endpoints: [endpoint('web', 'up', 10, 0)],
      alarms: [],
      metrics: [],
      overall: 'ok',
      statusText: '',
      historySkippedLines: 0,
      maintenance: [],
    };
    assert.doesNotMatch(tooltipMarkdown(base), /Refresh cost/);
    assert.match(tooltipMarkdown({ ...base, costEnabled: true }), /\[\$\(credit-card\) Refresh cost\]\(command:opsdeck\.refreshCost\)/);
  });

  it('accepts only well-formed messages from the webview', () => {
    assert.ok(isFromDashboard({ type: 'mute', endpoint: 'api' }));
    assert.ok(!isFromDashboard({ type: 'mute' }));
    assert.ok(!isFromDashboard({ type: 'runShell', cmd: 'rm -rf /' }));
    assert.ok(!isFromDashboard(null));
  });
});
