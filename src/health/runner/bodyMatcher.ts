// Runs the workspace's bodyMatch regular expressions in a worker thread with a time limit. JavaScript
// regular expressions backtrack: `^(a+)+$` against "aaaa…!" runs for minutes, and on the extension
// host's thread that would freeze every extension. In the worker, a match that runs out of time is
// ended by terminating the worker (a regex cannot be interrupted otherwise); the next match starts a
// fresh one. One worker is reused for all endpoints, one match at a time. No `vscode` import.
//
// The limit times the match only: its clock starts when the worker says it has begun. A clock started
// when the job was posted also counted the worker's start-up and the time the host thread was busy, and
// on a loaded machine that paused the demo's plain `"status":\s*"ok"` for good as a backtracking pattern.
import { Worker } from 'worker_threads';

export type MatchOutcome =
  | { kind: 'match' }
  | { kind: 'noMatch' }
  /** The pattern ran longer than the limit on this body. */
  | { kind: 'timeout'; limitMs: number }
  | { kind: 'invalid'; message: string };

/** The worker: compiles each pattern once, tests, answers. Plain JavaScript, run with `eval`. */
const WORKER_SOURCE = `
const { parentPort } = require('worker_threads');
const compiled = new Map();
parentPort.on('message', ({ id, pattern, text }) => {
  let re = compiled.get(pattern);
  if (!re) {
    try {
      re = new RegExp(pattern);
    } catch (e) {
      parentPort.postMessage({ id, kind: 'invalid', message: String(e && e.message) });
      return;
    }
    if (compiled.size >= 200) compiled.clear();
    compiled.set(pattern, re);
  }
  parentPort.postMessage({ id, kind: 'started' });
  parentPort.postMessage({ id, kind: re.test(text) ? 'match' : 'noMatch' });
});
`;

interface Job {
  id: number;
  pattern: string;
  text: string;
  resolve(o: MatchOutcome): void;
}

export const DEFAULT_MATCH_LIMIT_MS = 250;
/** A worker that has not begun a match this long after it was posted is reported as broken. */
const START_LIMIT_MS = 30_000;

export class BodyMatcher {
  private worker: Worker | undefined;
  private readonly queue: Job[] = [];
  private current: { job: Job; timer: ReturnType<typeof setTimeout> | undefined } | undefined;
  private nextId = 1;
  private disposed = false;
  /** Workers started so far (tests check that a timed-out one is replaced, not leaked). */
  workersStarted = 0;

  constructor(readonly limitMs = DEFAULT_MATCH_LIMIT_MS) {}

  /** Whether `text` matches `pattern`; never throws, never blocks the calling thread. */
  match(pattern: string, text: string): Promise<MatchOutcome> {
    if (this.disposed) return Promise.resolve({ kind: 'invalid', message: 'the body matcher was stopped' });
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, pattern, text, resolve });
      this.pump();
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(WORKER_SOURCE, { eval: true, name: 'opsdeck-bodyMatch' });
    // The worker must never keep a process (a test run, a closing host) alive on its own.
    w.unref();
    w.on('message', (m: { id: number; kind: 'started' | 'match' | 'noMatch' | 'invalid'; message?: string }) => {
      if (!this.current || this.current.job.id !== m.id) return;
      if (m.kind === 'started') return this.startClock(this.limitMs, { kind: 'timeout', limitMs: this.limitMs });
      this.finish(m.kind === 'invalid' ? { kind: 'invalid', message: m.message ?? 'invalid pattern' } : { kind: m.kind });
    });
    w.on('error', (e) => this.lost(w, e.message));
    w.on('exit', () => this.lost(w, 'the matching worker stopped'));
    this.worker = w;
    this.workersStarted++;
    return w;
  }

  private pump(): void {
    if (this.current || this.disposed) return;
    const job = this.queue.shift();
    if (!job) return;
    const w = this.ensureWorker();
    this.current = { job, timer: undefined };
    this.startClock(START_LIMIT_MS, { kind: 'invalid', message: `the matching worker did not start within ${START_LIMIT_MS / 1000} s` });
    w.postMessage({ id: job.id, pattern: job.pattern, text: job.text });
  }

  /** (Re)starts the current job's clock; when it runs out the worker is stopped and the job ends with `outcome`. */
  private startClock(ms: number, outcome: MatchOutcome): void {
    const cur = this.current;
    if (!cur) return;
    clearTimeout(cur.timer);
    cur.timer = setTimeout(() => {
      // The only way to stop a running regex is to stop its thread.
      this.dropWorker();
      this.finish(outcome);
    }, ms);
  }

  private finish(o: MatchOutcome): void {
    const cur = this.current;
    if (!cur) return;
    clearTimeout(cur.timer);
    this.current = undefined;
    cur.job.resolve(o);
    this.pump();
  }

  private lost(w: Worker, message: string): void {
    if (this.worker !== w) return; // a worker we terminated on purpose
    this.worker = undefined;
    this.finish({ kind: 'invalid', message });
  }

  private dropWorker(): void {
    const w = this.worker;
    this.worker = undefined;
    if (w) void w.terminate();
  }

  dispose(): void {
    this.disposed = true;
    this.dropWorker();
    if (this.current) this.finish({ kind: 'invalid', message: 'the body matcher was stopped' });
    for (const j of this.queue.splice(0)) j.resolve({ kind: 'invalid', message: 'the body matcher was stopped' });
  }
}
