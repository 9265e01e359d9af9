import * as assert from 'assert';
import fc from 'fast-check';
import {
  DAY,
  HOUR,
  MINUTE,
  Sample,
  SlaIndex,
  WINDOWS,
  bucketize,
  burnRate,
  errorBudget,
  latencyBin,
  slaReport,
  windowStart,
  monthStart,
  BURN_RULES,
  gapAllowanceMs,
} from '../../../src/health/model/slaMath';
import { formatWindow } from '../../../src/health/model/statusText';
import { compactRecords, HistoryRecord } from '../../../src/health/model/historyRecords';

// Brute-force reference: scan every raw sample. A sample belongs to a window when the minute it
// falls in starts inside [from, to) — the index's documented one-minute resolution.
function inWindow(s: Sample, from: number, to: number): boolean {
  const m = Math.floor(s.t / MINUTE) * MINUTE;
  return m >= from && m < to;
}
function refCounts(samples: Sample[], from: number, to: number) {
  let ok = 0,
    failed = 0,
    excluded = 0,
    retries = 0;
  for (const s of samples) {
    if (!inWindow(s, from, to)) continue;
    retries += s.retries ?? 0;
    if (s.excluded) excluded++;
    else if (s.ok) ok++;
    else failed++;
  }
  return { ok, failed, excluded, retries };
}
function refPercentile(samples: Sample[], from: number, to: number, q: number): number | undefined {
  const l = samples
    .filter((s) => inWindow(s, from, to) && s.ok && !s.excluded)
    .map((s) => s.latencyMs)
    .sort((a, b) => a - b);
  if (!l.length) return undefined;
  return l[Math.max(1, Math.ceil(q * l.length)) - 1];
}

const NOW0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const sampleArb = fc.record({
  offset: fc.integer({ min: 0, max: 40 * DAY }),
  ok: fc.boolean(),
  latencyMs: fc.oneof(fc.double({ min: 0, max: 5, noNaN: true }), fc.double({ min: 0, max: 120_000, noNaN: true })),
  excluded: fc.integer({ min: 0, max: 9 }).map((x) => x < 2),
  retries: fc.nat(3),
});
const samplesArb = fc
  .array(sampleArb, { minLength: 0, maxLength: 300 })
  .map((xs) =>
    xs
      .map((x): Sample => ({ t: NOW0 - x.offset, ok: x.ok, latencyMs: x.latencyMs, excluded: x.excluded, retries: x.retries }))
      .sort((a, b) => a.t - b.t),
  );

function indexOf(samples: Sample[]): SlaIndex {
  const idx = new SlaIndex();
  for (const b of bucketize(samples)) idx.append(b);
  return idx;
}

describe('SLA arithmetic', () => {
  it('matches the brute-force reference for availability, budget, burn and percentiles in every window', () => {
    fc.assert(
      fc.property(
        samplesArb,
        fc.integer({ min: 0, max: 2 * DAY }),
        fc.constantFrom(0.9, 0.99, 0.999, 0.9995),
        fc.constantFrom(7, 28, 30),
        (samples, back, slo, sloDays) => {
          const now = NOW0 - back;
          const idx = indexOf(samples);
          const rep = slaReport(idx, now, slo, sloDays * DAY);
          for (const w of rep.windows) {
            const from = windowStart(w.window, now);
            const c = refCounts(samples, from, now + 1);
            assert.deepStrictEqual({ ok: w.ok, failed: w.failed, excluded: w.excluded, retries: w.retries }, c, `window ${w.window}`);
            assert.strictEqual(w.availability, c.ok + c.failed ? c.ok / (c.ok + c.failed) : undefined);
            for (const [q, got] of [
              [0.5, w.p50],
              [0.95, w.p95],
              [0.99, w.p99],
            ] as const) {
              const exact = refPercentile(samples, from, now + 1, q);
              if (exact === undefined) assert.strictEqual(got, undefined);
              else {
                assert.ok(got !== undefined);
                // Histogram resolution: the reported value lies in the same bin as the exact one.
                assert.strictEqual(latencyBin(got!), latencyBin(exact), `p${q * 100} ${got} vs exact ${exact}`);
              }
            }
          }
          const sc = refCounts(samples, now - sloDays * DAY, now + 1);
          const n = sc.ok + sc.failed;
          const expectedRemaining = n ? 1 - sc.failed / ((1 - slo) * n) : 1;
          assert.ok(Math.abs(rep.budget.remainingRatio - expectedRemaining) < 1e-9);
          assert.ok(Math.abs(rep.budget.totalMinutes - (1 - slo) * sloDays * 24 * 60) < 1e-6);
          assert.ok(Math.abs(rep.budget.remainingMinutes - expectedRemaining * rep.budget.totalMinutes) < 1e-6);
          for (const [i, r] of BURN_RULES.entries()) {
            const lc = refCounts(samples, now + 1 - r.longMs, now + 1);
            const shc = refCounts(samples, now + 1 - r.shortMs, now + 1);
            const burn = (c: typeof lc) => (c.ok + c.failed ? c.failed / (c.ok + c.failed) / (1 - slo) : 0);
            const b = rep.burn[i];
            assert.ok(Math.abs(b.longBurn - burn(lc)) < 1e-9 && Math.abs(b.shortBurn - burn(shc)) < 1e-9);
            const thr = r.threshold * (sloDays / 30);
            assert.strictEqual(b.firing, burn(lc) > thr && burn(shc) > thr);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives the same counts after old samples are rolled up into hours, for hour-aligned windows', () => {
    fc.assert(
      fc.property(
        samplesArb,
        fc.integer({ min: 1, max: 39 * 24 }),
        fc.integer({ min: 0, max: 40 * 24 }),
        (samples, rawHoursBack, fromHoursBack) => {
          const records: HistoryRecord[] = samples.map((s) => ({ kind: 'sample', endpoint: 'a', sample: s }));
          const rawBefore = Math.floor((NOW0 - rawHoursBack * HOUR) / HOUR) * HOUR;
          const compacted = compactRecords(records, rawBefore, 0);
          const idx = new SlaIndex();
          for (const r of compacted) {
            if (r.kind === 'rollup') idx.append(r.bucket);
            else for (const b of bucketize([r.sample])) idx.append(b);
          }
          const from = Math.floor((NOW0 - fromHoursBack * HOUR) / HOUR) * HOUR;
          assert.deepStrictEqual(idx.counts(from, NOW0 + 1), refCounts(samples, from, NOW0 + 1));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('computes a worked example the way an SRE would by hand', () => {
    // 30 days of checks every minute, 43 of them failed: 99.9% SLO allows 43.2 failures.
    const now = Date.UTC(2026, 10, 30, 0, 0, 0);
    const samples: Sample[] = [];
    for (let i = 0; i < 30 * 24 * 60; i++)
      samples.push({ t: now - 30 * DAY + i * MINUTE, ok: i % 1000 !== 7 || i > 43 * 1000, latencyMs: 100 });
    const failed = samples.filter((s) => !s.ok).length;
    assert.strictEqual(failed, 43);
    const idx = indexOf(samples);
    const rep = slaReport(idx, now, 0.999, 30 * DAY);
    assert.ok(Math.abs(rep.budget.totalMinutes - 43.2) < 1e-9); // (1 − 0.999) × 43 200 min
    assert.ok(Math.abs(rep.sloAvailability! - (43200 - 43) / 43200) < 1e-12);
    assert.ok(Math.abs(rep.budget.remainingMinutes - 0.2) < 1e-6, `remaining ${rep.budget.remainingMinutes}`);
    assert.ok(Math.abs(burnRate({ ok: 999, failed: 1, excluded: 0, retries: 0 }, 0.999) - 1) < 1e-9);
    assert.strictEqual(errorBudget({ ok: 0, failed: 0, excluded: 0, retries: 0 }, 0.99, DAY).remainingRatio, 1);
  });

  it('fires the fast-burn page when an hour of hard failures follows a healthy month', () => {
    const now = Date.UTC(2026, 10, 20, 12, 0, 0);
    const samples: Sample[] = [];
    for (let t = now - 10 * DAY; t < now; t += 10_000) samples.push({ t, ok: t < now - HOUR, latencyMs: 50 });
    const rep = slaReport(indexOf(samples), now, 0.999, 30 * DAY);
    assert.ok(rep.burn[0].firing, '1h/5m rule fires');
    assert.ok(rep.burn[1].firing, '6h/30m rule fires (1h of 6h failed = 167× burn)');
    const w1h = rep.windows.find((w) => w.window === '1h')!;
    assert.strictEqual(w1h.availability, 0);
  });

  it('starts the calendar month at 00:00 UTC on the 1st', () => {
    assert.strictEqual(monthStart(Date.UTC(2026, 10, 23, 15)), Date.UTC(2026, 10, 1));
    assert.deepStrictEqual(WINDOWS, ['1h', '24h', '7d', '30d', 'month']);
  });
});

describe('health: local history marks the time no window was probing as not observed', () => {
  // Checks every 30 s from now − 3 h to now, except 08:00–09:00 of that span (the laptop slept): one
  // hour of the last three not observed. Minute 150 (in the last hour) failed.
  const now = Date.UTC(2026, 10, 20, 12, 0);
  const samples: Sample[] = [];
  for (let t = now - 3 * HOUR; t <= now; t += 30_000) {
    if (t >= now - 2 * HOUR && t < now - HOUR) continue;
    samples.push({ t, ok: !(t >= now - 30 * MINUTE && t < now - 29 * MINUTE), latencyMs: 20 });
  }
  const index = new SlaIndex(gapAllowanceMs(30_000));
  for (const b of bucketize(samples)) index.append(b);

  it('counts availability over the observed time only and reports how much of the window was observed', () => {
    const r = slaReport(index, now, 0.999, 30 * DAY);
    const d1 = r.windows.find((w) => w.window === '24h')!;
    // Two observed hours of checks (240 + the one at `now`), 2 failed; the sleeping hour is neither.
    assert.deepStrictEqual([d1.ok + d1.failed, d1.failed], [241, 2]);
    assert.strictEqual(d1.availability, 239 / 241);
    // The window's data begins 3 h ago (coveredMs); one of those hours was not observed.
    assert.strictEqual(Math.round(d1.coveredMs / MINUTE), 180);
    assert.strictEqual(Math.round(d1.observedMs / MINUTE), 120);
    assert.strictEqual(Math.round(r.sloObservedMs / MINUTE), 120);
    // The last hour was observed throughout.
    const h1 = r.windows.find((w) => w.window === '1h')!;
    assert.strictEqual(Math.round(h1.observedMs / MINUTE), 60);
  });

  it('shows the observed coverage beside a full window with a gap, and nothing extra without one', () => {
    const full = { availability: 0.99, spanMs: DAY, coveredMs: DAY, observedMs: DAY - HOUR };
    assert.deepStrictEqual(formatWindow(full), { text: '99.00%', coverage: 'over 23.0 h observed, 1.0 h not observed' });
    assert.deepStrictEqual(formatWindow({ ...full, observedMs: DAY }), { text: '99.00%' });
  });

  it('counts a stretch without checks shorter than the allowance as observed (a check every 5 min)', () => {
    const sparse = new SlaIndex(gapAllowanceMs(5 * MINUTE));
    for (let t = now - HOUR; t <= now; t += 5 * MINUTE) sparse.append(bucketize([{ t, ok: true, latencyMs: 1 }])[0]);
    const h1 = slaReport(sparse, now, 0.999, 30 * DAY).windows.find((w) => w.window === '1h')!;
    assert.strictEqual(h1.observedMs, h1.coveredMs);
  });
});
