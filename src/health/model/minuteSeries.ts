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
  private readonly t: Float64Array;
  /** Prefix sums (entry i: totals of points [0, i)) of ok and failed minutes. */
  private readonly pOk: Float64Array;
  private readonly pFailed: Float64Array;

  /** `times` ascending; `values` 1 (healthy) or 0 (a checker saw it unhealthy); `periodMs` each. */
  constructor(times: ArrayLike<number>, values: ArrayLike<number>, periods: ArrayLike<number> | number = MINUTE) {
    const n = times.length;
    this.t = new Float64Array(n);
    this.pOk = new Float64Array(n + 1);
    this.pFailed = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) {
      this.t[i] = times[i];
      const minutes = (typeof periods === 'number' ? periods : periods[i]) / MINUTE;
      const ok = values[i] >= 1;
      this.pOk[i + 1] = this.pOk[i] + (ok ? minutes : 0);
      this.pFailed[i + 1] = this.pFailed[i] + (ok ? 0 : minutes);
    }
  }

  static fromRuns(runs: readonly StatusRun[]): MinuteSeries {
    let n = 0;
    for (const r of runs) n += r[2];
    const t = new Float64Array(n);
    const v = new Uint8Array(n);
    const p = new Float64Array(n);
    let i = 0;
    for (const [start, period, count, ok] of runs)
      for (let k = 0; k < count; k++, i++) {
        t[i] = start + k * period;
        v[i] = ok;
        p[i] = period;
      }
    return new MinuteSeries(t, v, p);
  }

  get size(): number {
    return this.t.length;
  }

  get firstStart(): number | undefined {
    return this.t.length ? this.t[0] : undefined;
  }

  private lowerBound(x: number): number {
    let lo = 0;
    let hi = this.t.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.t[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Observed minutes in [from, to): ok and failed; nothing is excluded or retried here. */
  counts(from: number, to: number): WindowCounts {
    const a = this.lowerBound(from);
    const b = Math.max(a, this.lowerBound(to));
    return { ok: this.pOk[b] - this.pOk[a], failed: this.pFailed[b] - this.pFailed[a], excluded: 0, retries: 0 };
  }

  /** Route 53 reports no latency. */
  percentiles(_from: number, _to: number, qs: readonly number[]): Array<number | undefined> {
    return qs.map(() => undefined);
  }
}

/** Compresses sorted points into runs of equal value and period with no gap between them. */
export function toRuns(points: ReadonlyArray<[number, number, number]>): StatusRun[] {
  const out: StatusRun[] = [];
  for (const [t, v, period] of points) {
    const ok: 0 | 1 = v >= 1 ? 1 : 0;
    const last = out[out.length - 1];
    if (last && last[3] === ok && last[1] === period && last[0] + last[1] * last[2] === t) last[2]++;
    else out.push([t, period, 1, ok]);
  }
  return out;
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
