// The cost report and the calendar-month SLA window on awkward days: the first and last day of a
// month, months of 28, 29, 30 and 31 days, and a process whose local time zone is not UTC. Cost
// Explorer's days and OpsDeck's month are UTC days, so the local zone must change nothing.
// (CI once failed on the 1st of a month because a test assumed a mid-month date.)
import * as assert from 'assert';
import { costCacheKey, costSnapshot, isStale } from '../../../src/health/runner/costCache';
import type { CostData } from '../../../src/health/runner/aws';
import { forecastMonth } from '../../../src/health/model/forecast';
import { parseHealthConfig } from '../../../src/health/model/healthConfig';
import { monthStart } from '../../../src/health/model/slaMath';

const DAY = 86_400_000;
const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** $10 a day for the 40 days before `now`, and a partial $3 for today. */
function flatDaily(now: number): CostData['daily'] {
  const today = Date.parse(`${ymd(now)}T00:00:00Z`);
  const out = [];
  for (let i = 40; i >= 1; i--) out.push({ date: ymd(today - i * DAY), amount: 10 });
  out.push({ date: ymd(today), amount: 3 });
  return out;
}

interface Case {
  label: string;
  now: number;
  daysInMonth: number;
  dayOfMonth: number;
}

const cases: Case[] = [
  { label: 'first day of a 31-day month, just after midnight UTC', now: Date.UTC(2026, 11, 1, 0, 5), daysInMonth: 31, dayOfMonth: 1 },
  { label: 'last day of a 31-day month, just before midnight UTC', now: Date.UTC(2026, 11, 31, 23, 55), daysInMonth: 31, dayOfMonth: 31 },
  { label: 'first day of a 30-day month', now: Date.UTC(2026, 10, 1, 12), daysInMonth: 30, dayOfMonth: 1 },
  { label: 'last day of a 30-day month', now: Date.UTC(2026, 10, 30, 23, 59), daysInMonth: 30, dayOfMonth: 30 },
  { label: 'first day of a 28-day February', now: Date.UTC(2026, 1, 1, 0, 0, 1), daysInMonth: 28, dayOfMonth: 1 },
  { label: 'last day of a 28-day February', now: Date.UTC(2026, 1, 28, 23, 59, 59), daysInMonth: 28, dayOfMonth: 28 },
  { label: 'last day of a 29-day February (leap year)', now: Date.UTC(2028, 1, 29, 18), daysInMonth: 29, dayOfMonth: 29 },
  { label: 'first day of March after a leap February', now: Date.UTC(2028, 2, 1, 1), daysInMonth: 31, dayOfMonth: 1 },
  { label: 'mid-month', now: Date.UTC(2026, 6, 15, 9), daysInMonth: 31, dayOfMonth: 15 },
];

// Zones far from UTC on both sides: at these instants the local date differs from the UTC date.
const zones = ['UTC', 'Pacific/Kiritimati', 'America/Los_Angeles', 'Asia/Kolkata'];

describe('health: cost and the calendar month on any day, in any time zone', () => {
  const savedTz = process.env.TZ;
  afterEach(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });

  for (const tz of zones) {
    for (const c of cases) {
      it(`${c.label} (TZ=${tz})`, () => {
        process.env.TZ = tz; // Node re-reads the zone when TZ is assigned
        const cfg = parseHealthConfig('cost: { budget: 1000, stackTag: "pulumi:stack" }\n').config!;
        const daily = flatDaily(c.now);
        const today = ymd(c.now);

        const f = forecastMonth(daily, today);
        // Month to date: the complete days before today in this month, plus today's partial figure.
        assert.strictEqual(f.monthToDate, (c.dayOfMonth - 1) * 10 + 3, 'month to date');
        // Forecast: the flat trend ($10/day) projected over today and the rest of the month.
        assert.ok(Math.abs(f.forecastMonthEnd - 10 * c.daysInMonth) < 1e-6, `forecast ${f.forecastMonthEnd} vs ${10 * c.daysInMonth}`);
        assert.strictEqual(f.forecastDaily.length, c.daysInMonth - c.dayOfMonth + 1, 'projected days');
        assert.strictEqual(f.forecastDaily[0].date, today);
        assert.strictEqual(f.forecastDaily[f.forecastDaily.length - 1].date.slice(8), String(c.daysInMonth).padStart(2, '0'));

        const snap = costSnapshot({ fetchedAt: c.now, currency: 'USD', daily, byGroup: [] }, cfg.cost, c.now, false);
        assert.strictEqual(snap.monthStart, `${today.slice(0, 8)}01`);
        assert.strictEqual(snap.budgetAtRisk, 10 * c.daysInMonth > 1000);

        // The SLA's calendar-month window starts at 00:00 UTC on the 1st.
        const start = monthStart(c.now);
        assert.strictEqual(new Date(start).toISOString(), `${today.slice(0, 8)}01T00:00:00.000Z`);
        assert.ok(c.now - start < c.dayOfMonth * DAY && c.now - start >= (c.dayOfMonth - 1) * DAY);

        // The cache: one entry per UTC month; the first minute of the next month needs a new query.
        const nextMonth = start + c.daysInMonth * DAY;
        assert.strictEqual(costCacheKey(cfg.aws, cfg.cost, c.now), costCacheKey(cfg.aws, cfg.cost, start));
        assert.notStrictEqual(costCacheKey(cfg.aws, cfg.cost, c.now), costCacheKey(cfg.aws, cfg.cost, nextMonth));
        assert.strictEqual(isStale({ fetchedAt: c.now, currency: 'USD', daily, byGroup: [] }, nextMonth, 6 * 3_600_000), true);
        assert.strictEqual(isStale({ fetchedAt: start, currency: 'USD', daily, byGroup: [] }, start + 60_000, 6 * 3_600_000), false);
      });
    }
  }

  it('on the 1st, with no data yet for today, forecasts from last month and reports zero so far', () => {
    const now = Date.UTC(2026, 11, 1, 0, 5);
    const daily = flatDaily(now).slice(0, -1); // Cost Explorer has nothing for today yet
    const f = forecastMonth(daily, ymd(now));
    assert.strictEqual(f.monthToDate, 0);
    assert.ok(Math.abs(f.forecastMonthEnd - 310) < 1e-6, `forecast ${f.forecastMonthEnd}`);
  });
});
