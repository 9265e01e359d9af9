import * as assert from 'assert';
import { clockFacts, isoWeek } from '../../../src/documents/clock';

describe('documents: clock facts and ISO weeks', () => {
  it('numbers ISO weeks across year boundaries', () => {
    const cases: [number, number, number, string][] = [
      [2021, 1, 3, '2020-W53'], // Sunday belongs to the last week of 2020
      [2021, 1, 4, '2021-W01'],
      [2024, 12, 30, '2025-W01'], // Monday already in week 1 of 2025
      [2026, 11, 23, '2026-W48'],
      [2027, 1, 1, '2026-W53'], // 2026 starts on a Thursday, so it has 53 weeks
      [2020, 12, 31, '2020-W53'],
      [2019, 12, 30, '2020-W01'],
    ];
    for (const [y, m, d, want] of cases) {
      const w = isoWeek(y, m, d);
      assert.strictEqual(`${w.year}-W${String(w.week).padStart(2, '0')}`, want, `${y}-${m}-${d}`);
    }
  });

  it('formats date, time, zone and stamps in the given time zone', () => {
    const now = new Date(Date.UTC(2026, 10, 23, 9, 41, 7));
    const utc = clockFacts(now, 'UTC');
    assert.strictEqual(utc.date, '2026-11-23');
    assert.strictEqual(utc.time, '09:41:07');
    assert.strictEqual(utc.hhmm, '09:41');
    assert.strictEqual(utc.tz, 'UTC');
    assert.strictEqual(utc.datetime, '2026-11-23 09:41');
    assert.strictEqual(utc.stamp, '2026-11-23-09_41_07');
    assert.strictEqual(utc.isoWeek, '2026-W48');
    const tokyo = clockFacts(now, 'Asia/Tokyo');
    assert.strictEqual(tokyo.time, '18:41:07');
    assert.notStrictEqual(tokyo.tz, 'UTC');
  });

  it('uses the local calendar day, not the UTC one, near midnight', () => {
    const lateSunday = new Date(Date.UTC(2026, 10, 22, 23, 30, 0)); // Sunday 23:30 UTC = Monday 00:30 in Berlin
    assert.strictEqual(clockFacts(lateSunday, 'UTC').isoWeek, '2026-W47');
    const berlin = clockFacts(lateSunday, 'Europe/Berlin');
    assert.strictEqual(berlin.date, '2026-11-23');
    assert.strictEqual(berlin.hhmm, '00:30');
    assert.strictEqual(berlin.isoWeek, '2026-W48');
  });
});
