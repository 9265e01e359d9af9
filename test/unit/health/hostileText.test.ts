// Names, errors and currencies come from the workspace's health.yaml, from the endpoints' answers and
// from AWS. The dashboard assigns its HTML to innerHTML and the tree renders Markdown tooltips: a
// hostile value must arrive as text, never as markup.
import * as assert from 'assert';
import { costSection, endpointsSection } from '../../../src/health/model/dashboardHtml';
import type { CostSnapshot, EndpointSnapshot, HealthSnapshot } from '../../../src/health/model/snapshot';
import { SlaIndex, slaReport } from '../../../src/health/model/slaMath';
import { endpointTooltipMarkdown } from '../../../src/health/model/statusText';

const HOSTILE = '<img src=x onerror=alert(1)>';
const NOW = Date.UTC(2026, 10, 23, 12);

function endpoint(name: string, error?: string): EndpointSnapshot {
  return {
    name,
    kind: 'http',
    target: `GET https://x.example/${name}`,
    status: error ? 'down' : 'up',
    flapping: false,
    muted: false,
    inMaintenance: false,
    consecutiveFailures: 0,
    failureThreshold: 2,
    intervalMs: 10_000,
    lastCheck: { t: NOW, ok: !error, latencyMs: 12, error, retries: 0 },
    slo: 0.999,
    sloWindowDays: 30,
    sla: slaReport(new SlaIndex(), NOW, 0.999, 30 * 86_400_000),
    recent: [],
  };
}

function snapshot(over: Partial<HealthSnapshot>): HealthSnapshot {
  return {
    generatedAt: NOW,
    role: 'prober',
    endpoints: [],
    alarms: [],
    metrics: [],
    overall: 'ok',
    statusText: '',
    historySkippedLines: 0,
    maintenance: [],
    ...over,
  };
}

/** Markup a browser would build from the HTML: any tag other than the dashboard's own. */
const foreignTags = (html: string) => html.match(/<(img|b|script|svg|iframe)\b[^>]*>/gi) ?? [];

describe('health: hostile text stays text', () => {
  it('escapes endpoint names of a maintenance window on the dashboard', () => {
    const html = endpointsSection(
      snapshot({
        endpoints: [endpoint('web')],
        maintenance: [{ startMs: NOW - 60_000, endMs: NOW + 60_000, endpoints: [HOSTILE], reason: HOSTILE }],
      }),
    );
    assert.deepStrictEqual(foreignTags(html), []);
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'), 'the name is shown, as text');
  });

  it('escapes a currency that Intl does not know (the fallback prints it as written)', () => {
    const cost: CostSnapshot = {
      currency: `<b>${HOSTILE}`,
      asOf: NOW,
      monthStart: '2026-11-01',
      monthToDate: 12.5,
      byService: [{ name: 'S3', amount: 12.5 }],
      daily: [{ date: '2026-11-23', amount: 12.5 }],
      forecastMonthEnd: 40,
      forecastDaily: [],
      budget: 30,
      budgetAtRisk: true,
      fromCache: false,
    };
    const html = costSection(snapshot({ cost }));
    assert.deepStrictEqual(foreignTags(html), []);
    assert.ok(html.includes('12.50 &lt;b&gt;&lt;img'), html);
  });

  it('escapes names and errors in the Health tree tooltip Markdown', () => {
    const md = endpointTooltipMarkdown(
      endpoint(`[click](command:opsdeck.destroy) ${HOSTILE} **x**`, `<script>x</script> [a](http://evil)`),
    );
    // Every Markdown or HTML control character from the data is escaped; only the tooltip's own bold remains.
    assert.doesNotMatch(md, /(^|[^\\])\[|(^|[^\\])</, md);
    assert.strictEqual(md.match(/(^|[^\\])\*\*/g)?.length, 2, md);
    const shown = md.replace(/\\(.)/g, '$1'); // what the reader sees once the escapes are rendered
    assert.ok(shown.includes(`[click](command:opsdeck.destroy) ${HOSTILE} **x**`), 'the name itself is kept');
    assert.ok(shown.includes('<script>x</script> [a](http://evil)'), 'the error itself is kept');
  });
});
