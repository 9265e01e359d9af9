import * as assert from 'assert';
import fc from 'fast-check';
import { budgetAtRisk, capacityForecast, forecastMonth, linearFit } from '../../../src/health/model/forecast';
import { DAY } from '../../../src/health/model/slaMath';

describe('trend forecasts', () => {
  it('recovers an exact line', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -100, max: 100, noNaN: true }),
        fc.double({ min: -1000, max: 1000, noNaN: true }),
        fc.integer({ min: 2, max: 50 }),
        (slope, intercept, n) => {
          const xs = Array.from({ length: n }, (_, i) => i);
          const fit = linearFit(
            xs,
            xs.map((x) => intercept + slope * x),
          )!;
          assert.ok(Math.abs(fit.slope - slope) < 1e-6 * Math.max(1, Math.abs(slope)));
          assert.ok(Math.abs(fit.intercept - intercept) < 1e-6 * Math.max(1, Math.abs(intercept)));
        },
      ),
    );
  });

  it('says when a rising metric reaches its threshold', () => {
    const t0 = Date.UTC(2026, 10, 1);
    // CPU rising 1.5 points a day from 40%: reaches 85% 30 days after day 0, i.e. 16 days after day 14.
    const points = Array.from({ length: 15 }, (_, d) => [t0 + d * DAY, 40 + 1.5 * d] as [number, number]);
    const f = capacityForecast('cpu', 'CPU', points, 85, 'Percent');
    assert.ok(Math.abs(f.daysToThreshold! - 16) < 1e-9);
    assert.strictEqual(f.text, 'CPU reaches 85% in 16 days');
    assert.match(
      capacityForecast(
        'cpu',
        'CPU',
        points.map(([t]) => [t, 50]),
        85,
        'Percent',
      ).text,
      /not trending/,
    );
    assert.match(
      capacityForecast(
        'cpu',
        'CPU',
        [
          [t0, 80],
          [t0 + DAY, 90],
        ],
        85,
        'Percent',
      ).text,
      /above 85%/,
    );
  });

  it('forecasts the month end from the daily trend and flags the budget', () => {
    // Nov 2026: $40/day flat for 22 days, today (23rd) partial.
    const daily = Array.from({ length: 22 }, (_, i) => ({ date: `2026-11-${String(i + 1).padStart(2, '0')}`, amount: 40 }));
    daily.push({ date: '2026-11-23', amount: 7 });
    const f = forecastMonth(daily, '2026-11-23');
    assert.strictEqual(f.monthToDate, 22 * 40 + 7);
    assert.ok(Math.abs(f.forecastMonthEnd - 30 * 40) < 1e-6, `forecast ${f.forecastMonthEnd}`);
    assert.strictEqual(f.forecastDaily.length, 8);
    assert.strictEqual(budgetAtRisk({ budget: 1000, ...f }), true);
    assert.strictEqual(budgetAtRisk({ budget: 1500, ...f }), false);
  });
});
