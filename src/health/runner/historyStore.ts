// Persistent probe history: one JSON object per line, appended, so a crash can only tear the last
// line, and a torn line is skipped on load rather than losing the file. Raw samples older than the
// raw retention are rolled up into per-hour aggregates, and anything older than the maximum age is
// dropped; compaction writes a temp file beside the log and renames it over, so it is all or nothing.
// No `vscode` import: the glue passes the file path (in the extension's shared global storage).
import { promises as fsp } from 'fs';
import * as path from 'path';
import { replaceFileAtomically } from '../../shared/atomicFile';
import { Bucket, HOUR, Sample, addSample, emptyBucket, mergeBucket } from '../model/slaMath';

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

export interface LoadResult {
  records: HistoryRecord[];
  /** Lines that could not be parsed (a torn last write, or damage), skipped. */
  skipped: number;
  /** Byte offset just after the last complete line: where tailing continues. */
  offset: number;
}

interface StoreOptions {
  /** Raw samples newer than this stay raw; older ones become hourly roll-ups. */
  rawRetentionMs?: number;
  /** Anything older than this is dropped at compaction. */
  maxAgeMs?: number;
  /** Compaction is due once the file grows past this size. */
  maxBytes?: number;
  /**
   * Appends arriving within this many ms are written together (one open/write/close instead of one
   * per check: it halves the CPU cost of 200 endpoints). A crash loses at most this much history.
   */
  flushDelayMs?: number;
}

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

/** Rolls raw samples older than `rawBefore` into hourly buckets and drops data older than `dropBefore`. */
export function compactRecords(records: readonly HistoryRecord[], rawBefore: number, dropBefore: number): HistoryRecord[] {
  const rollups = new Map<string, Bucket>(); // key: endpoint \0 hour
  const raw: SampleRecord[] = [];
  const key = (e: string, h: number) => `${e}\u0000${h}`;
  for (const r of records) {
    if (r.kind === 'rollup') {
      if (r.bucket.start + r.bucket.span <= dropBefore) continue;
      const k = key(r.endpoint, r.bucket.start);
      const b = rollups.get(k);
      if (b) mergeBucket(b, r.bucket);
      else rollups.set(k, { ...r.bucket, hist: { ...r.bucket.hist } });
    } else if (r.sample.t < dropBefore) {
      continue;
    } else if (r.sample.t < rawBefore) {
      const h = Math.floor(r.sample.t / HOUR) * HOUR;
      const k = key(r.endpoint, h);
      let b = rollups.get(k);
      if (!b) rollups.set(k, (b = emptyBucket(h, HOUR)));
      addSample(b, r.sample);
    } else raw.push(r);
  }
  const out: HistoryRecord[] = [...rollups.entries()].map(([k, bucket]) => ({
    kind: 'rollup' as const,
    endpoint: k.split('\u0000')[0],
    bucket,
  }));
  out.sort((a, b) => (a as RollupRecord).bucket.start - (b as RollupRecord).bucket.start);
  raw.sort((a, b) => a.sample.t - b.sample.t);
  return [...out, ...raw];
}

export class HistoryStore {
  readonly rawRetentionMs: number;
  readonly maxAgeMs: number;
  readonly maxBytes: number;
  /** True when the file's last byte is not a newline (a torn write): the next append starts a new line. */
  private needsNewline = false;
  private writing: Promise<void> = Promise.resolve();
  private pending: string[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private flushed: Promise<void> | undefined;
  private readonly flushDelayMs: number;

  constructor(
    readonly file: string,
    opts: StoreOptions = {},
  ) {
    this.flushDelayMs = opts.flushDelayMs ?? 0;
    // Raw samples give the 1 h and 24 h windows minute resolution; older windows are fine with hours.
    this.rawRetentionMs = opts.rawRetentionMs ?? 26 * HOUR;
    this.maxAgeMs = opts.maxAgeMs ?? 35 * 24 * HOUR;
    this.maxBytes = opts.maxBytes ?? 16 * 1024 * 1024;
  }

  async load(): Promise<LoadResult> {
    let text: string;
    try {
      text = await fsp.readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], skipped: 0, offset: 0 };
      throw e;
    }
    this.needsNewline = text.length > 0 && !text.endsWith('\n');
    const { records, skipped, consumed } = parseLines(text);
    // A torn tail (no newline) counts as skipped too.
    const tornTail = text.slice(text.lastIndexOf('\n') + 1).trim() ? 1 : 0;
    return { records, skipped: skipped + tornTail, offset: consumed };
  }

  /** Reads complete lines appended after `offset`. Returns `reset` when the file was rewritten (compacted). */
  async readFrom(offset: number, ino?: number): Promise<{ records: HistoryRecord[]; offset: number; ino?: number; reset: boolean }> {
    let st;
    try {
      st = await fsp.stat(this.file);
    } catch {
      return { records: [], offset: 0, reset: offset > 0 };
    }
    if ((ino !== undefined && st.ino !== ino) || st.size < offset) {
      const all = await this.load();
      return { records: all.records, offset: all.offset, ino: st.ino, reset: true };
    }
    if (st.size === offset) return { records: [], offset, ino: st.ino, reset: false };
    const fh = await fsp.open(this.file, 'r');
    try {
      const buf = Buffer.alloc(st.size - offset);
      await fh.read(buf, 0, buf.length, offset);
      const { records, consumed } = parseLines(buf.toString('utf8'));
      return { records, offset: offset + consumed, ino: st.ino, reset: false };
    } finally {
      await fh.close();
    }
  }

  /** Queues records; they are appended in one write after the flush delay. Resolves once written. */
  append(records: readonly HistoryRecord[]): Promise<void> {
    if (!records.length) return this.flushed ?? this.writing;
    for (const r of records) this.pending.push(encodeRecord(r));
    if (!this.flushed) {
      this.flushed = new Promise<void>((resolve, reject) => {
        this.flushTimer = setTimeout(() => this.flush().then(resolve, reject), this.flushDelayMs);
      });
    }
    return this.flushed;
  }

  /** Writes whatever is queued now (serialised with other writes of this store). */
  flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.flushed = undefined;
    if (!this.pending.length) return this.writing;
    const text = (this.needsNewline ? '\n' : '') + this.pending.join('\n') + '\n';
    this.pending = [];
    this.needsNewline = false;
    const job = this.writing.then(async () => {
      await fsp.mkdir(path.dirname(this.file), { recursive: true });
      await fsp.appendFile(this.file, text, 'utf8');
    });
    this.writing = job.catch(() => undefined);
    return job;
  }

  async size(): Promise<number> {
    try {
      return (await fsp.stat(this.file)).size;
    } catch {
      return 0;
    }
  }

  /** Rewrites the log with roll-ups; atomic (temp file + rename). Returns the records kept. */
  compact(now: number): Promise<HistoryRecord[]> {
    void this.flush();
    const job = this.writing.then(async () => {
      const { records } = await this.load();
      const kept = compactRecords(records, now - this.rawRetentionMs, now - this.maxAgeMs);
      await replaceFileAtomically(this.file, kept.map((r) => encodeRecord(r) + '\n').join(''));
      this.needsNewline = false;
      return kept;
    });
    this.writing = job.then(
      () => undefined,
      () => undefined,
    );
    return job;
  }
}
