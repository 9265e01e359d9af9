// Availability history as one value per period (Route 53's HealthCheckStatus: 1 healthy, 0 not, per
// minute, or per 5 minutes for data older than CloudWatch keeps at 1-minute resolution), indexed for
// the same SLA code that serves local checks. Pure.
//
// A period counts as observed minutes, ok or failed; a period without a data point counts as neither
// (not observed), so a gap never reads as up or as down. Prefix sums over the sorted periods make every
// window two binary searches: building the index is one pass, so 50,400 points cost well under 1 ms.
import { MINUTE, SlaSource, WindowCounts } from './slaMath';

/** Run-length form for caching and sharing: [start ms, period ms, count of periods, healthy 1 | 0]. */
export type StatusRun = [number, number, number, 0 | 1];

export class MinuteSeries implements SlaSource {
  // One entry per run: its first point, period and point count, and prefix sums (entry i: totals of
  // runs [0, i)) of ok and failed minutes. A window is two binary searches over the runs plus the
  // part of a run it cuts, so the cost follows the number of runs (a few hundred for 35 days), not
  // the 50,400 minutes.
  private readonly start: Float64Array;
  private readonly period: Float64Array;
  private readonly count: Float64Array;
  private readonly okRun: Uint8Array;
  private readonly pOk: Float64Array;
  private readonly pFailed: Float64Array;

  private constructor(runs: readonly StatusRun[]) {
    const n = runs.length;
    this.start = new Float64Array(n);
    this.period = new Float64Array(n);
    this.count = new Float64Array(n);
    this.okRun = new Uint8Array(n);
    this.pOk = new Float64Array(n + 1);
    this.pFailed = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) {
      const [st, period, count, ok] = runs[i];
      this.start[i] = st;
      this.period[i] = period;
      this.count[i] = count;
      this.okRun[i] = ok;
      const minutes = (count * period) / MINUTE;
      this.pOk[i + 1] = this.pOk[i] + (ok ? minutes : 0);
      this.pFailed[i + 1] = this.pFailed[i] + (ok ? 0 : minutes);
    }
  }

  /** Runs sorted by start, not overlapping (as toRuns and mergeRuns make them). */
  static fromRuns(runs: readonly StatusRun[]): MinuteSeries {
    return new MinuteSeries(runs);
  }

  /** From points: `times` ascending, `values` 1 (healthy) or 0, each `periodMs` long. */
  static fromPoints(times: ArrayLike<number>, values: ArrayLike<number>, periodMs = MINUTE): MinuteSeries {
    const b = new RunBuilder();
    for (let i = 0; i < times.length; i++) b.add(times[i], values[i], periodMs);
    return new MinuteSeries(b.runs);
  }

  get size(): number {
    return this.start.length;
  }

  get firstStart(): number | undefined {
    return this.start.length ? this.start[0] : undefined;
  }

  /** ok and failed minutes of the points whose time is < t. */
  private upTo(t: number): [number, number] {
    // The last run starting before t.
    let lo = 0;
    let hi = this.start.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.start[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    const j = lo - 1;
    if (j < 0) return [0, 0];
    const inRun = Math.min(this.count[j], Math.ceil((t - this.start[j]) / this.period[j]));
    const minutes = (inRun * this.period[j]) / MINUTE;
    return [this.pOk[j] + (this.okRun[j] ? minutes : 0), this.pFailed[j] + (this.okRun[j] ? 0 : minutes)];
  }

  /** Observed minutes in [from, to): ok and failed; nothing is excluded or retried here. */
  counts(from: number, to: number): WindowCounts {
    const [okA, failA] = this.upTo(from);
    const [okB, failB] = to > from ? this.upTo(to) : [okA, failA];
    return { ok: okB - okA, failed: failB - failA, excluded: 0, retries: 0 };
  }

  /** A minute without a data point is not observed, so this is the observed minutes. */
  observedMs(from: number, to: number): number {
    const c = this.counts(from, to);
    return (c.ok + c.failed) * MINUTE;
  }

  /** Route 53 reports no latency. */
  percentiles(_from: number, _to: number, qs: readonly number[]): Array<number | undefined> {
    return qs.map(() => undefined);
  }
}

/**
 * Compresses points, fed in ascending time order, into runs of equal value and period with no gap
 * between them; a point at the time of the previous one is dropped (pages and spans overlap). One
 * pass and no per-point allocation: a first poll feeds 50,400 points per check through it.
 */
export class RunBuilder {
  readonly runs: StatusRun[] = [];
  private last: StatusRun | undefined;
  private lastT = -Infinity;

  /** Adds a point; false (and nothing added) when it comes before the previous one. */
  add(t: number, v: number, period: number): boolean {
    if (t <= this.lastT) return t === this.lastT;
    this.lastT = t;
    const ok: 0 | 1 = v >= 1 ? 1 : 0;
    const last = this.last;
    if (last && last[3] === ok && last[1] === period && last[0] + period * last[2] === t) last[2]++;
    else this.runs.push((this.last = [t, period, 1, ok]));
    return true;
  }

  /** Appends a whole run (as mergeRuns does with cached ones), joining it to the last when contiguous. */
  addRun(start: number, period: number, count: number, ok: 0 | 1): void {
    if (count <= 0) return;
    const last = this.last;
    if (last && last[3] === ok && last[1] === period && last[0] + period * last[2] === start) last[2] += count;
    else this.runs.push((this.last = [start, period, count, ok]));
    this.lastT = start + period * (count - 1);
  }
}

/** Points as GetMetricData answers them: one result's timestamps and values, all of one period. */
export interface PointChunk {
  t: ArrayLike<Date>;
  v: ArrayLike<number>;
  period: number;
}

/**
 * Runs from the chunks of points that GetMetricData's pages and spans deliver. They come in time order
 * (ScanBy TimestampAscending, spans oldest first), so the points go straight from the SDK's arrays
 * into the builder, with no copy and no tuple per point (bench/README.md, route53: copying was most
 * of a first poll's cost). Should a point come before the previous one, they are sorted once instead;
 * a repeated point is counted once either way.
 */
export function runsFromChunks(chunks: readonly PointChunk[]): StatusRun[] {
  const b = new RunBuilder();
  for (const c of chunks) {
    const n = Math.min(c.t.length, c.v.length);
    for (let i = 0; i < n; i++) if (!b.add(c.t[i].getTime(), c.v[i], c.period)) return sortedRuns(chunks);
  }
  return b.runs;
}

function sortedRuns(chunks: readonly PointChunk[]): StatusRun[] {
  const pts: Array<[number, number, number]> = [];
  for (const c of chunks) for (let i = 0; i < Math.min(c.t.length, c.v.length); i++) pts.push([c.t[i].getTime(), c.v[i], c.period]);
  pts.sort((x, y) => x[0] - y[0]);
  return toRuns(pts);
}

/** Compresses sorted points into runs of equal value and period with no gap between them (later out-of-order points are dropped). */
export function toRuns(points: ReadonlyArray<[number, number, number]>): StatusRun[] {
  const b = new RunBuilder();
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    b.add(p[0], p[1], p[2]);
  }
  return b.runs;
}

/**
 * The index of a check's runs, built once per poll result (the runs array of a poll is not changed
 * afterwards, so its identity keys the cache) rather than once per repaint.
 */
export class SeriesCache {
  private readonly cache = new WeakMap<readonly StatusRun[], MinuteSeries>();
  series(runs: readonly StatusRun[]): MinuteSeries {
    let s = this.cache.get(runs);
    if (!s) this.cache.set(runs, (s = MinuteSeries.fromRuns(runs)));
    return s;
  }
}
