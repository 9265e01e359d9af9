// Persistent probe history: one JSON object per line, appended, so a crash can only tear the last
// line, and a torn line is skipped on load rather than losing the file.
//  - Bounded: once the file passes `maxBytes` it is compacted (raw samples past the raw retention,
//    and as many older raw samples as it takes to fit, roll up into hourly buckets; data past the
//    maximum age is dropped). Compaction streams the file and replaces it atomically.
//  - Streamed: loading reads the file in chunks and hands records over in batches, so a 200 MB file
//    never sits in memory as one string (bench/health.bench.ts measures it).
//  - Nothing lost: a failed append puts its lines back for the next write (and retries).
//  - Fenced: with a `fence` (the lease's), a window that is no longer the prober writes nothing.
// No `vscode` import: the glue passes the file path (in the extension's shared global storage).
import { createReadStream, promises as fsp } from 'fs';
import * as path from 'path';
import { syncFolder, writeDurably } from '../../shared/atomicFile';
import { Compactor, HistoryRecord, decodeRecord, encodeRecord } from '../model/historyRecords';
import { HOUR, MINUTE } from '../model/slaMath';

export type { HistoryRecord, RollupRecord, SampleRecord } from '../model/historyRecords';

export interface StreamResult {
  /** Records handed to the sink. */
  count: number;
  /** Lines that could not be parsed (a torn last write, damage, an absurdly long line), skipped. */
  skipped: number;
  /** Byte offset just after the last complete line: where tailing continues. */
  offset: number;
  ino?: number;
}

export interface LoadResult extends StreamResult {
  records: HistoryRecord[];
}

export interface StoreOptions {
  /** Raw samples newer than this stay raw (unless the size limit needs room); older ones become hourly roll-ups. */
  rawRetentionMs?: number;
  /** Anything older than this is dropped at compaction. */
  maxAgeMs?: number;
  /** The file is compacted once it grows past this size, and compaction brings it well under. */
  maxBytes?: number;
  /**
   * Appends arriving within this many ms are written together (one open/write/close instead of one
   * per check: it halves the CPU cost of 200 endpoints). A crash loses at most this much history.
   */
  flushDelayMs?: number;
  /** Asked before every write: false when this window no longer holds the probe lease. */
  fence?: () => Promise<boolean>;
  /** After a failed append, the lines are written again this much later (and with the next append). */
  retryDelayMs?: number;
}

/** Records per batch handed to a sink while streaming. */
const BATCH = 5000;
/** A line longer than this is not a history record: it is skipped without being held in memory. */
const MAX_LINE = 64 * 1024;
/** Lines held back while the file cannot be written (then the oldest give way, with a log line). */
const MAX_PENDING = 100_000;
/** File mode: the history names endpoints and their errors. */
const MODE = 0o600;

export class FencedError extends Error {
  constructor() {
    super('this window no longer holds the probe lease; another window writes the history now');
  }
}

export class HistoryStore {
  readonly rawRetentionMs: number;
  readonly maxAgeMs: number;
  readonly maxBytes: number;
  /** True when the file's last byte is not a newline (a torn write): the next append starts a new line. */
  private needsNewline = false;
  private writing: Promise<unknown> = Promise.resolve();
  private pending: string[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private flushed: Promise<void> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly flushDelayMs: number;
  /** The file's size as this store last knew it (stat at load, plus what it appended). */
  private knownSize: number | undefined;
  /** The time compaction measures ages from (the latest append's `now`). */
  private clock: () => number = Date.now;
  /** Lines dropped because the file could not be written for too long (reported by the caller's log). */
  droppedLines = 0;

  constructor(
    readonly file: string,
    private readonly opts: StoreOptions = {},
  ) {
    this.flushDelayMs = opts.flushDelayMs ?? 0;
    // Raw samples give the 1 h and 24 h windows minute resolution; older windows are fine with hours.
    this.rawRetentionMs = opts.rawRetentionMs ?? 26 * HOUR;
    this.maxAgeMs = opts.maxAgeMs ?? 35 * 24 * HOUR;
    this.maxBytes = opts.maxBytes ?? 16 * 1024 * 1024;
  }

  /**
   * Streams complete lines from `from` to the end of the file into `sink`, in batches. The torn tail
   * (no newline yet) is not consumed: `offset` stops before it.
   */
  async stream(sink: (batch: HistoryRecord[]) => void, from = 0): Promise<StreamResult> {
    let st;
    try {
      st = await fsp.stat(this.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        if (from === 0) this.knownSize = 0;
        return { count: 0, skipped: 0, offset: 0 };
      }
      throw e;
    }
    if (from >= st.size) {
      if (from === 0) {
        this.needsNewline = false;
        this.knownSize = 0;
      }
      return { count: 0, skipped: 0, offset: from, ino: st.ino };
    }
    let count = 0;
    let skipped = 0;
    let offset = from;
    let batch: HistoryRecord[] = [];
    /** Bytes of the line being read (across chunks); `long` when it passed MAX_LINE and is being skipped. */
    let parts: Buffer[] = [];
    let partLen = 0;
    let long = false;
    const endLine = (bytes: number) => {
      offset += bytes;
      if (long) skipped++;
      else if (partLen) {
        const line = Buffer.concat(parts, partLen).toString('utf8');
        if (line.trim()) {
          const r = decodeRecord(line);
          if (r) {
            batch.push(r);
            count++;
          } else skipped++;
        }
      }
      parts = [];
      partLen = 0;
      long = false;
      if (batch.length >= BATCH) {
        sink(batch);
        batch = [];
      }
    };
    let lineBytes = 0;
    const input = createReadStream(this.file, { start: from, end: st.size - 1, highWaterMark: 256 * 1024 });
    for await (const chunk of input as AsyncIterable<Buffer>) {
      let i = 0;
      while (i < chunk.length) {
        const nl = chunk.indexOf(10, i);
        const end = nl < 0 ? chunk.length : nl;
        const piece = chunk.subarray(i, end);
        lineBytes += piece.length;
        if (!long) {
          if (partLen + piece.length > MAX_LINE) {
            long = true;
            parts = [];
            partLen = 0;
          } else if (piece.length) {
            parts.push(piece);
            partLen += piece.length;
          }
        }
        if (nl < 0) break;
        endLine(lineBytes + 1);
        lineBytes = 0;
        i = nl + 1;
      }
    }
    if (batch.length) sink(batch);
    // What is left without a newline is a torn write (or one in progress): counted, not consumed.
    const torn = lineBytes > 0 && (long || Buffer.concat(parts, partLen).toString('utf8').trim() !== '');
    if (from === 0) {
      this.needsNewline = lineBytes > 0;
      this.knownSize = st.size;
    }
    return { count, skipped: skipped + (torn ? 1 : 0), offset, ino: st.ino };
  }

  /** The whole file as records: for tests and small files; the extension streams. */
  async load(): Promise<LoadResult> {
    const records: HistoryRecord[] = [];
    const r = await this.stream((b) => records.push(...b));
    return { ...r, records };
  }

  /**
   * Streams lines appended after `offset` into `sink`. When the file was replaced (compacted) or cut
   * short, calls `onReset` first and streams it from the start; `reset` says so.
   */
  async readFrom(
    offset: number,
    ino: number | undefined,
    sink: (batch: HistoryRecord[]) => void,
    onReset?: () => void,
  ): Promise<StreamResult & { reset: boolean }> {
    let st;
    try {
      st = await fsp.stat(this.file);
    } catch {
      if (offset > 0) onReset?.();
      return { count: 0, skipped: 0, offset: 0, reset: offset > 0 };
    }
    if ((ino !== undefined && st.ino !== ino) || st.size < offset) {
      onReset?.();
      return { ...(await this.stream(sink, 0)), reset: true };
    }
    if (st.size === offset) return { count: 0, skipped: 0, offset, ino: st.ino, reset: false };
    return { ...(await this.stream(sink, offset)), reset: false };
  }

  /**
   * Queues records; they are appended in one write after the flush delay. Resolves once written;
   * rejects when the write failed (the lines stay queued and are written again) or was fenced off.
   * `now` is the time compaction measures ages from when this append pushes the file past maxBytes.
   */
  append(records: readonly HistoryRecord[], now?: number): Promise<void> {
    if (now !== undefined) this.clock = () => now;
    if (!records.length) return this.flushed ?? this.writing.then(() => undefined);
    for (const r of records) this.pending.push(encodeRecord(r));
    if (this.pending.length > MAX_PENDING) {
      const drop = this.pending.length - MAX_PENDING;
      this.pending.splice(0, drop);
      this.droppedLines += drop;
    }
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
    if (!this.pending.length) return this.writing.then(() => undefined);
    const job = this.writing.then(() => this.writePending());
    this.writing = job.catch(() => undefined);
    return job;
  }

  private async writePending(): Promise<void> {
    if (!this.pending.length) return;
    const lines = this.pending;
    this.pending = [];
    try {
      if (this.opts.fence && !(await this.opts.fence())) throw new FencedError();
      const text = (this.needsNewline ? '\n' : '') + lines.join('\n') + '\n';
      await fsp.mkdir(path.dirname(this.file), { recursive: true });
      await fsp.appendFile(this.file, text, { encoding: 'utf8', mode: MODE });
      this.needsNewline = false;
      if (this.knownSize !== undefined) this.knownSize += Buffer.byteLength(text);
    } catch (e) {
      // Put the batch back in front of anything queued since, and try again later.
      this.pending = [...lines, ...this.pending];
      this.scheduleRetry();
      throw e;
    }
    if ((this.knownSize ?? (await this.size())) > this.maxBytes) await this.compactNow(this.clock());
  }

  private scheduleRetry(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.flush().catch(() => undefined);
    }, this.opts.retryDelayMs ?? 5000);
    this.retryTimer.unref?.();
  }

  /** Resolves once the write (or compaction) under way has finished, whatever its outcome. */
  settled(): Promise<void> {
    return this.writing.then(() => undefined);
  }

  /** Forgets queued lines (this window stopped probing: the new prober's history is the record). */
  dropPending(): number {
    const n = this.pending.length;
    this.pending = [];
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    return n;
  }

  async size(): Promise<number> {
    try {
      return (await fsp.stat(this.file)).size;
    } catch {
      return 0;
    }
  }

  /**
   * Rewrites the log with roll-ups and within the size budget; atomic (temp file, fsync, rename,
   * fsync of the folder). Runs after queued appends; returns what it kept.
   */
  compact(now: number): Promise<{ records: number; bytes: number }> {
    void this.flush().catch(() => undefined);
    const job = this.writing.then(() => this.compactNow(now));
    this.writing = job.catch(() => undefined);
    return job;
  }

  private async compactNow(now: number): Promise<{ records: number; bytes: number }> {
    if (this.opts.fence && !(await this.opts.fence())) throw new FencedError();
    // Pass 1: how many bytes of raw samples each minute holds, newest last, to know how far back raw
    // samples fit in half the budget (the rest of the budget is for roll-ups and new appends).
    const rawBefore = now - this.rawRetentionMs;
    const dropBefore = now - this.maxAgeMs;
    const perMinute = new Map<number, number>();
    await this.stream((batch) => {
      for (const r of batch) {
        if (r.kind !== 'sample' || r.sample.t < rawBefore) continue;
        const m = Math.floor(r.sample.t / MINUTE);
        perMinute.set(m, (perMinute.get(m) ?? 0) + encodeRecord(r).length + 1);
      }
    });
    let cut = rawBefore;
    let budget = this.maxBytes / 2;
    for (const m of [...perMinute.keys()].sort((a, b) => b - a)) {
      budget -= perMinute.get(m)!;
      if (budget < 0) {
        cut = Math.max(rawBefore, (m + 1) * MINUTE);
        break;
      }
    }
    // Pass 2: roll up what is older than the cut; raw samples after it go to a side file in file order.
    const compactor = new Compactor(cut, dropBefore);
    const side = `${this.file}.${process.pid}.raw.tmp`;
    const tmp = `${this.file}.${process.pid}.tmp`;
    const sideHandle = await fsp.open(side, 'w', MODE);
    let kept = 0;
    try {
      let chain = Promise.resolve();
      await this.stream((batch) => {
        const lines: string[] = [];
        for (const r of batch) {
          const raw = compactor.add(r);
          if (raw) lines.push(encodeRecord(raw));
        }
        kept += lines.length;
        if (lines.length) chain = chain.then(() => sideHandle.write(lines.join('\n') + '\n').then(() => undefined));
      });
      await chain;
    } finally {
      await sideHandle.close();
    }
    try {
      const rollups = compactor.rollupRecords();
      await writeDurably(tmp, rollups.map((r) => encodeRecord(r) + '\n').join(''), MODE);
      // Append the raw part by streaming the side file, then flush it all before the rename.
      const out = await fsp.open(tmp, 'a');
      try {
        for await (const chunk of createReadStream(side, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) await out.write(chunk);
        await out.sync();
      } finally {
        await out.close();
      }
      // The lease may have moved while this ran: a window that lost it must not replace the file.
      if (this.opts.fence && !(await this.opts.fence())) throw new FencedError();
      await fsp.rename(tmp, this.file);
      await syncFolder(path.dirname(this.file));
      this.needsNewline = false;
      const bytes = (await fsp.stat(this.file)).size;
      this.knownSize = bytes;
      return { records: rollups.length + kept, bytes };
    } finally {
      await fsp.rm(side, { force: true }).catch(() => undefined);
      await fsp.rm(tmp, { force: true }).catch(() => undefined);
    }
  }

  /** Stops the retry timer (the window is closing; queued lines are written by a last flush). */
  dispose(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }
}
