// The history's records and their one-line JSON form, and the arithmetic of compaction (raw samples
// rolled up into hourly buckets, old data dropped). Pure: runner/historyStore.ts does the file work.
import { Bucket, HOUR, Sample, addSample, emptyBucket, mergeBucket } from './slaMath';

export interface SampleRecord {
  kind: 'sample';
  endpoint: string;
  sample: Sample;
  /** Why the check failed (after retries), for the tree and dashboard. */
  error?: string;
  status?: number;
}

export interface RollupRecord {
  kind: 'rollup';
  endpoint: string;
  bucket: Bucket;
}

export type HistoryRecord = SampleRecord | RollupRecord;

export function encodeRecord(r: HistoryRecord): string {
  if (r.kind === 'sample') {
    const s = r.sample;
    const o: Record<string, unknown> = { e: r.endpoint, t: s.t, ok: s.ok ? 1 : 0, ms: Math.round(s.latencyMs * 100) / 100 };
    if (s.retries) o.r = s.retries;
    if (s.excluded) o.x = 1;
    if (r.error) o.err = r.error;
    if (r.status !== undefined) o.st = r.status;
    return JSON.stringify(o);
  }
  const b = r.bucket;
  return JSON.stringify({ e: r.endpoint, h: b.start, span: b.span, n: b.ok, f: b.failed, x: b.excluded, r: b.retries, b: b.hist });
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function decodeRecord(line: string): HistoryRecord | undefined {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!o || typeof o !== 'object' || typeof o.e !== 'string') return undefined;
  if (isNum(o.t) && isNum(o.ms)) {
    return {
      kind: 'sample',
      endpoint: o.e,
      sample: { t: o.t, ok: o.ok === 1, latencyMs: o.ms, retries: isNum(o.r) ? o.r : 0, excluded: o.x === 1 },
      error: typeof o.err === 'string' ? o.err : undefined,
      status: isNum(o.st) ? o.st : undefined,
    };
  }
  if (isNum(o.h) && isNum(o.span) && isNum(o.n) && isNum(o.f) && isNum(o.x) && isNum(o.r) && o.b && typeof o.b === 'object') {
    const hist: Record<number, number> = {};
    for (const [k, v] of Object.entries(o.b as Record<string, unknown>)) if (isNum(v)) hist[+k] = v;
    return { kind: 'rollup', endpoint: o.e, bucket: { start: o.h, span: o.span, ok: o.n, failed: o.f, excluded: o.x, retries: o.r, hist } };
  }
  return undefined;
}

/** Parses a chunk of the log; the incomplete tail (no newline yet) is returned separately. */
export function parseLines(text: string): { records: HistoryRecord[]; skipped: number; consumed: number } {
  const records: HistoryRecord[] = [];
  let skipped = 0;
  const lastNl = text.lastIndexOf('\n');
  const complete = lastNl < 0 ? '' : text.slice(0, lastNl);
  for (const line of complete.split('\n')) {
    if (!line.trim()) continue;
    const r = decodeRecord(line);
    if (r) records.push(r);
    else skipped++;
  }
  return { records, skipped, consumed: Buffer.byteLength(complete) + (lastNl < 0 ? 0 : 1) };
}

/**
 * Compaction one record at a time (the store streams the file through it): raw samples older than
 * `rawBefore` and existing roll-ups are merged into hourly buckets, anything older than `dropBefore`
 * is dropped, newer samples stay raw. Memory is one bucket per endpoint and hour, whatever the file size.
 */
export class Compactor {
  private readonly rollups = new Map<string, { endpoint: string; bucket: Bucket }>();

  constructor(
    readonly rawBefore: number,
    readonly dropBefore: number,
  ) {}

  /** Feeds a record; returns it when it stays raw, undefined when it was rolled up or dropped. */
  add(r: HistoryRecord): SampleRecord | undefined {
    if (r.kind === 'rollup') {
      if (r.bucket.start + r.bucket.span <= this.dropBefore) return undefined;
      const b = this.bucket(r.endpoint, r.bucket.start, r.bucket.span);
      mergeBucket(b, r.bucket);
      return undefined;
    }
    if (r.sample.t < this.dropBefore) return undefined;
    if (r.sample.t >= this.rawBefore) return r;
    addSample(this.bucket(r.endpoint, Math.floor(r.sample.t / HOUR) * HOUR, HOUR), r.sample);
    return undefined;
  }

  private bucket(endpoint: string, start: number, span: number): Bucket {
    const k = `${endpoint}\u0000${start}`;
    let e = this.rollups.get(k);
    if (!e) this.rollups.set(k, (e = { endpoint, bucket: emptyBucket(start, span) }));
    return e.bucket;
  }

  /** The hourly roll-ups, oldest first (they precede the raw samples in the compacted file). */
  rollupRecords(): RollupRecord[] {
    return [...this.rollups.values()]
      .map(({ endpoint, bucket }) => ({ kind: 'rollup' as const, endpoint, bucket }))
      .sort((a, b) => a.bucket.start - b.bucket.start);
  }
}

/** Rolls raw samples older than `rawBefore` into hourly buckets and drops data older than `dropBefore`. */
export function compactRecords(records: readonly HistoryRecord[], rawBefore: number, dropBefore: number): HistoryRecord[] {
  const c = new Compactor(rawBefore, dropBefore);
  const raw = records.map((r) => c.add(r)).filter((r): r is SampleRecord => !!r);
  raw.sort((a, b) => a.sample.t - b.sample.t);
  return [...c.rollupRecords(), ...raw];
}
