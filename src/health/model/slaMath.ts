// SLA arithmetic, pure. Samples are aggregated into time buckets (a minute for recent data, an hour
// for rolled-up history) and the index keeps prefix sums of the counts and of a log-scale latency
// histogram, so any window is two binary searches and a subtraction: availability, error budget,
// burn rate and p50/p95/p99 cost O(log n + bins) per window, independent of the sample count.

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** Latency histogram: bin 0 is < 1 ms, bin i covers [R^(i-1), R^i) ms, the last bin is open-ended. */
export const LATENCY_BINS = 56;
export const BIN_RATIO = 1.25;
const LOG_R = Math.log(BIN_RATIO);

export function latencyBin(ms: number): number {
  if (!(ms >= 1)) return 0;
  const i = Math.floor(Math.log(ms) / LOG_R) + 1;
  return i >= LATENCY_BINS ? LATENCY_BINS - 1 : i;
}

/** The value reported for a bin: its geometric middle (within ±12% of anything in it). */
export function binValue(bin: number): number {
  if (bin <= 0) return 0.5;
  return Math.pow(BIN_RATIO, bin - 0.5);
}

/** One probe result. `excluded` marks a sample taken inside a maintenance window. */
export interface Sample {
  t: number;
  ok: boolean;
  latencyMs: number;
  excluded?: boolean;
  /** Retries spent before this result (they are not separate failures). */
  retries?: number;
}

/** Aggregated counts for [start, start + span). Latency is binned for successful checks only. */
export interface Bucket {
  start: number;
  span: number;
  ok: number;
  failed: number;
  excluded: number;
  retries: number;
  /** Sparse latency histogram: bin → count. */
  hist: Record<number, number>;
}

export function emptyBucket(start: number, span: number): Bucket {
  return { start, span, ok: 0, failed: 0, excluded: 0, retries: 0, hist: {} };
}

export function addSample(b: Bucket, s: Sample): void {
  b.retries += s.retries ?? 0;
  if (s.excluded) {
    b.excluded++;
    return;
  }
  if (s.ok) {
    b.ok++;
    const bin = latencyBin(s.latencyMs);
    b.hist[bin] = (b.hist[bin] ?? 0) + 1;
  } else b.failed++;
}

/** Merges `src` into `dst` (used by hourly roll-ups). */
export function mergeBucket(dst: Bucket, src: Bucket): void {
  dst.ok += src.ok;
  dst.failed += src.failed;
  dst.excluded += src.excluded;
  dst.retries += src.retries;
  for (const [k, v] of Object.entries(src.hist)) dst.hist[+k] = (dst.hist[+k] ?? 0) + v;
}

/** Groups time-sorted samples into buckets of `span` ms aligned to multiples of span. */
export function bucketize(samples: readonly Sample[], span = MINUTE): Bucket[] {
  const out: Bucket[] = [];
  let cur: Bucket | undefined;
  for (const s of samples) {
    const start = Math.floor(s.t / span) * span;
    if (!cur || cur.start !== start) {
      cur = emptyBucket(start, span);
      out.push(cur);
    }
    addSample(cur, s);
  }
  return out;
}

export interface WindowCounts {
  ok: number;
  failed: number;
  excluded: number;
  retries: number;
}

/** What the SLA report reads: counts and latency percentiles per window, and where the data begins. */
export interface SlaSource {
  readonly firstStart: number | undefined;
  counts(from: number, to: number): WindowCounts;
  /** How much of [from, to) some check observed (gaps in the probing excluded). */
  observedMs(from: number, to: number): number;
  percentiles(from: number, to: number, qs: readonly number[]): Array<number | undefined>;
}

/**
 * How long a stretch without any check may last and still count as observed: the checks' own spacing
 * (an interval, a retry, bucket edges) leaves short stretches between buckets that are not gaps in the
 * probing. Longer ones are time no OpsDeck window was probing (the laptop slept, no window was open).
 */
export function gapAllowanceMs(intervalMs: number): number {
  return 2 * intervalMs + 2 * MINUTE;
}

/** Append-only index over buckets with strictly increasing start times. */
export class SlaIndex implements SlaSource {
  private n = 0;
  private starts = new Float64Array(64);
  private ends = new Float64Array(64);
  // Prefix sums of the gaps: entry j holds the not-observed time between buckets up to j (the gap
  // before bucket j is from the end of bucket j − 1 to its start, counted when longer than the allowance).
  private pGap = new Float64Array(64);

  /** `gapMs`: see gapAllowanceMs (the endpoint's interval decides it). */
  constructor(private readonly gapMs = gapAllowanceMs(10_000)) {}
  // Prefix sums: entry i holds the totals of buckets [0, i).
  private pOk = new Float64Array(65);
  private pFailed = new Float64Array(65);
  private pExcluded = new Float64Array(65);
  private pRetries = new Float64Array(65);
  private pHist = new Uint32Array(65 * LATENCY_BINS);

  get size(): number {
    return this.n;
  }

  get lastStart(): number | undefined {
    return this.n ? this.starts[this.n - 1] : undefined;
  }

  get firstStart(): number | undefined {
    return this.n ? this.starts[0] : undefined;
  }

  private grow(): void {
    const cap = this.starts.length * 2;
    const g = <T extends Float64Array | Uint32Array>(a: T, len: number): T => {
      const b = new (a.constructor as { new (n: number): T })(len);
      b.set(a);
      return b;
    };
    this.starts = g(this.starts, cap);
    this.ends = g(this.ends, cap);
    this.pGap = g(this.pGap, cap);
    this.pOk = g(this.pOk, cap + 1);
    this.pFailed = g(this.pFailed, cap + 1);
    this.pExcluded = g(this.pExcluded, cap + 1);
    this.pRetries = g(this.pRetries, cap + 1);
    this.pHist = g(this.pHist, (cap + 1) * LATENCY_BINS);
  }

  /** Appends a bucket; a bucket with the same start as the last one is merged into it. */
  append(b: Bucket): void {
    if (this.n && b.start <= this.starts[this.n - 1]) {
      // Same (or, for a late sample, an older) start: extend the last bucket in place, so the index
      // stays append-only; its prefix row (n) grows.
      this.pOk[this.n] += b.ok;
      this.pFailed[this.n] += b.failed;
      this.pExcluded[this.n] += b.excluded;
      this.pRetries[this.n] += b.retries;
      const row = this.n * LATENCY_BINS;
      for (const [k, v] of Object.entries(b.hist)) this.pHist[row + +k] += v;
      return;
    }
    if (this.n + 1 >= this.starts.length) this.grow();
    const i = this.n;
    this.starts[i] = b.start;
    this.ends[i] = b.start + b.span;
    const gap = i ? b.start - this.ends[i - 1] : 0;
    this.pGap[i] = (i ? this.pGap[i - 1] : 0) + (gap > this.gapMs ? gap : 0);
    this.pOk[i + 1] = this.pOk[i] + b.ok;
    this.pFailed[i + 1] = this.pFailed[i] + b.failed;
    this.pExcluded[i + 1] = this.pExcluded[i] + b.excluded;
    this.pRetries[i + 1] = this.pRetries[i] + b.retries;
    const from = i * LATENCY_BINS;
    const to = from + LATENCY_BINS;
    this.pHist.copyWithin(to, from, to);
    for (const [k, v] of Object.entries(b.hist)) this.pHist[to + +k] += v;
    this.n++;
  }

  /** Index of the first bucket whose start is >= t. */
  private lowerBound(t: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Totals of buckets whose start lies in [from, to). */
  counts(from: number, to: number): WindowCounts {
    const a = this.lowerBound(from);
    const b = Math.max(a, this.lowerBound(to));
    return {
      ok: this.pOk[b] - this.pOk[a],
      failed: this.pFailed[b] - this.pFailed[a],
      excluded: this.pExcluded[b] - this.pExcluded[a],
      retries: this.pRetries[b] - this.pRetries[a],
    };
  }

  /** The part of [from, to) inside gap j (before bucket j; j = n is the time after the last bucket). */
  private gapOverlap(j: number, from: number, to: number): number {
    if (j < 1) return 0;
    const lo = this.ends[j - 1];
    const hi = j < this.n ? this.starts[j] : to;
    if (hi - lo <= this.gapMs) return 0;
    return Math.max(0, Math.min(hi, to) - Math.max(lo, from));
  }

  observedMs(from: number, to: number): number {
    if (!this.n) return 0;
    const covered = Math.max(0, to - Math.max(from, this.starts[0]));
    const a = this.lowerBound(from);
    const b = Math.max(a, this.lowerBound(to));
    const gaps =
      a === b
        ? this.gapOverlap(a, from, to)
        : this.gapOverlap(a, from, to) + (this.pGap[b - 1] - this.pGap[a]) + this.gapOverlap(b, from, to);
    return Math.max(0, covered - gaps);
  }

  /** Latency percentiles (ms) over successful checks in [from, to); undefined when there are none. */
  percentiles(from: number, to: number, qs: readonly number[]): Array<number | undefined> {
    const a = this.lowerBound(from) * LATENCY_BINS;
    const b = Math.max(a, this.lowerBound(to) * LATENCY_BINS);
    let total = 0;
    const h = new Float64Array(LATENCY_BINS);
    for (let k = 0; k < LATENCY_BINS; k++) {
      h[k] = this.pHist[b + k] - this.pHist[a + k];
      total += h[k];
    }
    return qs.map((q) => {
      if (total === 0) return undefined;
      const rank = Math.max(1, Math.ceil(q * total));
      let acc = 0;
      for (let k = 0; k < LATENCY_BINS; k++) {
        acc += h[k];
        if (acc >= rank) return binValue(k);
      }
      return binValue(LATENCY_BINS - 1);
    });
  }
}

export function availability(c: WindowCounts): number | undefined {
  const n = c.ok + c.failed;
  return n === 0 ? undefined : c.ok / n;
}

export interface ErrorBudget {
  /** Budget of the whole SLO window in minutes ((1 − SLO) × window). */
  totalMinutes: number;
  remainingMinutes: number;
  /** Remaining share of the budget, 0..1 (negative when overspent). */
  remainingRatio: number;
}

/** Request-based budget: the share of allowed failures (1 − SLO of all checks) not yet spent. */
export function errorBudget(c: WindowCounts, slo: number, windowMs: number): ErrorBudget {
  const totalMinutes = ((1 - slo) * windowMs) / MINUTE;
  const n = c.ok + c.failed;
  const remainingRatio = n === 0 ? 1 : 1 - c.failed / ((1 - slo) * n);
  return { totalMinutes, remainingMinutes: remainingRatio * totalMinutes, remainingRatio };
}

/** How many times faster than "exactly on budget" failures arrive: error rate ÷ (1 − SLO). */
export function burnRate(c: WindowCounts, slo: number): number {
  const n = c.ok + c.failed;
  return n === 0 ? 0 : c.failed / n / (1 - slo);
}

/** Multi-window, multi-burn-rate alert rules (Google SRE workbook, "Alerting on SLOs", table 5-8). */
export const BURN_RULES = [
  { severity: 'page', longMs: HOUR, shortMs: 5 * MINUTE, threshold: 14.4 },
  { severity: 'page', longMs: 6 * HOUR, shortMs: 30 * MINUTE, threshold: 6 },
  { severity: 'ticket', longMs: DAY, shortMs: 2 * HOUR, threshold: 3 },
  { severity: 'ticket', longMs: 3 * DAY, shortMs: 6 * HOUR, threshold: 1 },
] as const;

export interface BurnAlert {
  severity: 'page' | 'ticket';
  longMs: number;
  shortMs: number;
  threshold: number;
  longBurn: number;
  shortBurn: number;
  firing: boolean;
}

/** Rule thresholds are for a 30-day SLO window; they scale with the window (budget share stays the same). */
export function burnAlerts(index: SlaSource, now: number, slo: number, sloWindowMs = 30 * DAY): BurnAlert[] {
  const scale = sloWindowMs / (30 * DAY);
  return BURN_RULES.map((r) => {
    const longBurn = burnRate(index.counts(now - r.longMs, now), slo);
    const shortBurn = burnRate(index.counts(now - r.shortMs, now), slo);
    const threshold = r.threshold * scale;
    return {
      severity: r.severity,
      longMs: r.longMs,
      shortMs: r.shortMs,
      threshold,
      longBurn,
      shortBurn,
      firing: longBurn > threshold && shortBurn > threshold,
    };
  });
}

export type WindowName = '1h' | '24h' | '7d' | '30d' | 'month';
export const WINDOWS: readonly WindowName[] = ['1h', '24h', '7d', '30d', 'month'];

/** Start of the calendar month (UTC) containing `now`. */
export function monthStart(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

export function windowStart(w: WindowName, now: number): number {
  switch (w) {
    case '1h':
      return now - HOUR;
    case '24h':
      return now - DAY;
    case '7d':
      return now - 7 * DAY;
    case '30d':
      return now - 30 * DAY;
    case 'month':
      return monthStart(now);
  }
}

export interface WindowReport extends WindowCounts {
  window: WindowName;
  /** Length of the window (the month's so far for `month`). */
  spanMs: number;
  /** How much of the window lies after the first data: less than `spanMs` while history is young. */
  coveredMs: number;
  /** How much of `coveredMs` some check observed: less when no window was probing for a while. */
  observedMs: number;
  availability?: number;
  p50?: number;
  p95?: number;
  p99?: number;
}

export interface SlaReport {
  windows: WindowReport[];
  budget: ErrorBudget;
  /** Availability over the SLO window. */
  sloAvailability?: number;
  burn: BurnAlert[];
  /** The SLO window's length, and how much of it holds data (less while history is young). */
  sloWindowMs: number;
  sloCoveredMs: number;
  /** How much of the SLO window some check observed (gaps in the probing excluded). */
  sloObservedMs: number;
}

/**
 * A window holds enough data when its history reaches back to (within a bucket of) its start; until
 * then its figures describe only `coveredMs` of it, and the views grey it out and say so.
 */
export function isPartial(w: { spanMs: number; coveredMs: number }): boolean {
  return w.coveredMs < w.spanMs - MINUTE;
}

/** How much of [from, end) lies after the index's first bucket. */
function covered(index: SlaSource, from: number, end: number): number {
  const first = index.firstStart;
  return first === undefined ? 0 : Math.max(0, end - Math.max(from, first));
}

/** Everything the UI shows about one endpoint's SLA, as of `now` (windows end at `now`, exclusive). */
export function slaReport(index: SlaSource, now: number, slo: number, sloWindowMs: number): SlaReport {
  const end = now + 1; // include the bucket that holds `now`
  const windows = WINDOWS.map((w): WindowReport => {
    const from = windowStart(w, now);
    const c = index.counts(from, end);
    const [p50, p95, p99] = index.percentiles(from, end, [0.5, 0.95, 0.99]);
    return {
      window: w,
      ...c,
      spanMs: end - from,
      coveredMs: covered(index, from, end),
      observedMs: index.observedMs(from, end),
      availability: availability(c),
      p50,
      p95,
      p99,
    };
  });
  const sc = index.counts(now - sloWindowMs, end);
  return {
    sloWindowMs,
    sloCoveredMs: covered(index, now - sloWindowMs, end),
    sloObservedMs: index.observedMs(now - sloWindowMs, end),
    windows,
    budget: errorBudget(sc, slo, sloWindowMs),
    sloAvailability: availability(sc),
    burn: burnAlerts(index, end, slo, sloWindowMs),
  };
}
