// Runs the checks (when this window holds the lease) or replays another window's results (when it
// does not); either way every sample goes through `ingest`, so states, SLA and events are derived the
// same in every window. No `vscode` import: headers are resolved and events delivered by callbacks.
import { EndpointConfig, HealthConfig, MaintenanceWindow, confirmDelayMs, retryDelayMs } from '../model/healthConfig';
import { EndpointTracker, TrackerEvent, flapOptionsFor } from '../model/endpointState';
import { HistoryRecord, HistoryStore, SampleRecord } from './historyStore';
import { EndpointSnapshot } from '../model/snapshot';
import { BodyMatcher } from './bodyMatcher';
import { ProbeResult, endpointTarget, probe } from './probe';
import { DAY, HOUR, MINUTE, SlaIndex, addSample, gapAllowanceMs, emptyBucket, slaReport } from '../model/slaMath';

interface Runtime {
  cfg: EndpointConfig;
  tracker: EndpointTracker;
  index: SlaIndex;
  recent: Array<[number, number | null]>;
  lastRetries: number;
  timer?: ReturnType<typeof setTimeout>;
  running: boolean;
  /** A configuration problem found while checking (bodyMatch out of time): checks pause until the config changes. */
  problem?: string;
}

export interface MonitorOptions {
  store: HistoryStore;
  now?: () => number;
  resolveHeaders?: (ep: EndpointConfig) => Promise<Record<string, string>>;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** For tests and benchmarks: replaces the network probe. */
  probeFn?: (ep: EndpointConfig, headers: Record<string, string>) => Promise<ProbeResult>;
  /** Runs bodyMatch patterns off this thread; the monitor makes (and disposes) its own when none is given. */
  bodyMatcher?: BodyMatcher;
  /** A check found a problem in the configuration of `endpoint` (told once per problem). */
  onConfigProblem?: (endpoint: string, message: string) => void;
}

const RECENT_MS = HOUR;
const RECENT_MAX = 720;

export class HealthMonitor {
  private readonly runtimes = new Map<string, Runtime>();
  private config: HealthConfig | undefined;
  private probing = false;
  private replaying = false;
  private readonly eventListeners: Array<(e: TrackerEvent) => void> = [];
  private readonly changeListeners: Array<(routine: boolean) => void> = [];
  private readonly sampleListeners = new Set<(r: SampleRecord) => void>();
  /** Faster intervals asked for by verification windows, per endpoint (each request its own entry). */
  private readonly fastRequests = new Map<number, { names: Set<string>; intervalMs: number }>();
  private fastSeq = 0;
  /** Windows started from the command palette (shared through the lease folder by the glue). */
  adHocMaintenance: MaintenanceWindow[] = [];
  private readonly mutedUntil = new Map<string, number>();
  private readonly now: () => number;
  historySkippedLines = 0;

  private readonly matcher: BodyMatcher;
  private readonly ownMatcher: boolean;

  constructor(private readonly opts: MonitorOptions) {
    this.now = opts.now ?? Date.now;
    this.ownMatcher = !opts.bodyMatcher;
    this.matcher = opts.bodyMatcher ?? new BodyMatcher();
  }

  get isProbing(): boolean {
    return this.probing;
  }

  onEvent(l: (e: TrackerEvent) => void): void {
    this.eventListeners.push(l);
  }

  onChange(l: (routine: boolean) => void): void {
    this.changeListeners.push(l);
  }

  /** Every new sample, this window's own or another window's (not history replays). Returns the unsubscribe. */
  onSample(l: (r: SampleRecord) => void): () => void {
    this.sampleListeners.add(l);
    return () => this.sampleListeners.delete(l);
  }

  private emitSamples(records: readonly HistoryRecord[]): void {
    if (!this.sampleListeners.size) return;
    for (const r of records) if (r.kind === 'sample') for (const l of this.sampleListeners) l(r);
  }

  /**
   * Checks `names` every `intervalMs` (when that is faster than configured) until the returned
   * function is called; the caller applies the interval floor. Checks start at once.
   */
  probeFaster(names: readonly string[], intervalMs: number): () => void {
    const id = ++this.fastSeq;
    this.fastRequests.set(id, { names: new Set(names), intervalMs });
    this.reschedule(names);
    return () => {
      if (this.fastRequests.delete(id)) this.reschedule([]);
    };
  }

  private intervalOf(rt: Runtime): number {
    let ms = rt.cfg.intervalMs;
    for (const f of this.fastRequests.values()) if (f.names.has(rt.cfg.name)) ms = Math.min(ms, f.intervalMs);
    return ms;
  }

  /** Checks the named endpoints now and restarts their timers at the (possibly changed) interval. */
  private reschedule(now: readonly string[]): void {
    if (!this.probing) return;
    for (const name of now) {
      const rt = this.runtimes.get(name);
      if (!rt || rt.running) continue;
      if (rt.timer) clearTimeout(rt.timer);
      this.schedule(rt, 0);
    }
  }

  /** Applies a (new) configuration; endpoints keep their history and state across reloads. */
  setConfig(cfg: HealthConfig): void {
    this.config = cfg;
    const names = new Set(cfg.endpoints.map((e) => e.name));
    for (const [name, rt] of this.runtimes) {
      if (!names.has(name)) {
        if (rt.timer) clearTimeout(rt.timer);
        this.runtimes.delete(name);
      }
    }
    for (const ep of cfg.endpoints) {
      const rt = this.runtimes.get(ep.name);
      if (rt) {
        const intervalChanged = rt.cfg.intervalMs !== ep.intervalMs;
        // A changed endpoint gets a fresh chance: its configuration problem may be fixed.
        const changed = JSON.stringify(rt.cfg) !== JSON.stringify(ep);
        const resume = changed && rt.problem !== undefined && ep.problem === undefined;
        if (changed) rt.problem = ep.problem;
        if (rt.problem && rt.timer) {
          clearTimeout(rt.timer);
          rt.timer = undefined;
        }
        rt.cfg = ep;
        rt.tracker.failureThreshold = ep.failureThreshold;
        rt.tracker.flap = flapOptionsFor(ep.intervalMs);
        if ((intervalChanged || resume) && this.probing && (rt.timer || resume)) {
          if (rt.timer) clearTimeout(rt.timer);
          this.schedule(rt, 0);
        }
      } else {
        const nrt: Runtime = {
          cfg: ep,
          tracker: new EndpointTracker(ep.name, ep.failureThreshold, flapOptionsFor(ep.intervalMs)),
          index: new SlaIndex(gapAllowanceMs(ep.intervalMs)),
          recent: [],
          lastRetries: 0,
          running: false,
          problem: ep.problem,
        };
        this.runtimes.set(ep.name, nrt);
        if (this.probing) this.schedule(nrt, this.jitter(nrt, this.runtimes.size - 1));
      }
    }
    this.changed();
  }

  /** Rebuilds every endpoint's state from history records (load, or a reader's full re-read). */
  replay(records: readonly HistoryRecord[], skipped = 0): void {
    this.beginReplay();
    this.ingestBatch(records);
    this.endReplay(skipped);
  }

  /** Starts rebuilding from history streamed in batches (ingestForeign each, then endReplay). */
  beginReplay(): void {
    for (const rt of this.runtimes.values()) {
      rt.index = new SlaIndex(gapAllowanceMs(rt.cfg.intervalMs));
      rt.recent = [];
      rt.tracker = new EndpointTracker(rt.cfg.name, rt.cfg.failureThreshold, flapOptionsFor(rt.cfg.intervalMs));
    }
  }

  endReplay(skipped: number): void {
    this.historySkippedLines = skipped;
    this.changed();
  }

  /** Records read from another window's log (no events: that window notifies). */
  ingestForeign(records: readonly HistoryRecord[]): void {
    if (records.length) this.ingestQuietly(records);
    this.emitSamples(records);
  }

  /** Ingests records that were already notified about (restored or another window's): state only. */
  private ingestQuietly(records: readonly HistoryRecord[]): void {
    this.replaying = true;
    let transitioned = false;
    try {
      for (const r of records) transitioned = this.ingestRecord(r) || transitioned;
    } finally {
      this.replaying = false;
    }
    this.changed(!transitioned);
  }

  /** A streamed batch during replay: state only, no repaint per batch. */
  ingestBatch(records: readonly HistoryRecord[]): void {
    this.replaying = true;
    try {
      for (const r of records) this.ingestRecord(r);
    } finally {
      this.replaying = false;
    }
  }

  private ingestRecord(r: HistoryRecord): boolean {
    const rt = this.runtimes.get(r.endpoint);
    if (!rt) return false; // history of an endpoint no longer configured: kept on disk, not shown
    if (r.kind === 'rollup') {
      rt.index.append(r.bucket);
      return false;
    }
    return this.apply(rt, r);
  }

  /** Applies a sample; true when it changed the endpoint's status (a repaint that should not wait). */
  private apply(rt: Runtime, r: SampleRecord): boolean {
    const s = r.sample;
    const b = emptyBucket(Math.floor(s.t / MINUTE) * MINUTE, MINUTE);
    addSample(b, s);
    rt.index.append(b);
    rt.lastRetries = s.retries ?? 0;
    rt.recent.push([s.t, s.ok ? Math.round(s.latencyMs * 100) / 100 : null]);
    const cutoff = this.now() - RECENT_MS;
    if (rt.recent.length > RECENT_MAX || (rt.recent.length && rt.recent[0][0] < cutoff)) {
      rt.recent = rt.recent.filter(([t]) => t >= cutoff).slice(-RECENT_MAX);
    }
    const before = rt.tracker.status;
    const events = rt.tracker.observe(s, r.error, r.status);
    if (!this.replaying) for (const e of events) for (const l of this.eventListeners) l(e);
    return rt.tracker.status !== before || events.length > 0;
  }

  inMaintenance(name: string, t: number): boolean {
    const all = [...(this.config?.maintenance ?? []), ...this.adHocMaintenance];
    return all.some((m) => t >= m.startMs && t < m.endMs && (!m.endpoints || m.endpoints.includes(name)));
  }

  activeMaintenance(): MaintenanceWindow[] {
    const t = this.now();
    return [...(this.config?.maintenance ?? []), ...this.adHocMaintenance].filter((m) => m.endMs > t);
  }

  mute(name: string, untilMs: number): void {
    this.mutedUntil.set(name, untilMs);
    this.changed();
  }

  isMuted(name: string): boolean {
    return (this.mutedUntil.get(name) ?? 0) > this.now();
  }

  startProbing(): void {
    if (this.probing) return;
    this.probing = true;
    let i = 0;
    for (const rt of this.runtimes.values()) this.schedule(rt, this.jitter(rt, i++));
    this.opts.log?.('info', `Health: probing ${this.runtimes.size} endpoint(s) from this window.`);
  }

  stopProbing(): void {
    this.probing = false;
    for (const rt of this.runtimes.values()) {
      if (rt.timer) clearTimeout(rt.timer);
      rt.timer = undefined;
    }
  }

  /**
   * Spreads first checks over the first 2 s of the interval so 200 endpoints do not fire at once; each
   * endpoint keeps that offset. Spreading them over the whole interval was measured (bench/README.md,
   * footprint): it cost more CPU, not less (more wake-ups, more history flushes per round).
   */
  private jitter(rt: Runtime, i: number): number {
    return Math.min(rt.cfg.intervalMs, 2000) * (i / Math.max(1, this.runtimes.size));
  }

  private schedule(rt: Runtime, delay: number): void {
    if (rt.problem) return; // shown, not checked, until its configuration changes
    rt.timer = setTimeout(() => void this.runCheck(rt), Math.max(0, delay));
  }

  /** Runs one check with its retries, records it, and schedules the next. */
  private async runCheck(rt: Runtime): Promise<void> {
    if (!this.probing || rt.running || this.runtimes.get(rt.cfg.name) !== rt) return;
    rt.running = true;
    const started = this.now();
    const ep = rt.cfg;
    try {
      const rec = await this.check(ep, started);
      // A check that ends after this window stopped probing (it lost the lease) is the new prober's to record.
      if (this.runtimes.get(ep.name) !== rt || !rec || !this.probing) return;
      await this.record(rt, rec);
    } catch (e) {
      this.opts.log?.('error', `Health: check of ${ep.name} failed unexpectedly: ${(e as Error).message}`);
    } finally {
      rt.running = false;
      if (this.probing && this.runtimes.get(ep.name) === rt && !rt.problem) {
        // A failure not yet confirmed into "down" is checked again at once (detection ≤ 20 s by default).
        const confirming = rt.tracker.consecutiveFailures > 0 && rt.tracker.status !== 'down';
        this.schedule(rt, confirming ? confirmDelayMs(this.intervalOf(rt)) : started + this.intervalOf(rt) - this.now());
      }
    }
  }

  /**
   * One check of an endpoint: the probe plus up to `retries` retries, as a single sample. Undefined
   * when the configuration kept the check from being judged (reported through onConfigProblem).
   */
  async check(ep: EndpointConfig, t = this.now()): Promise<SampleRecord | undefined> {
    let headers: Record<string, string>;
    try {
      headers = (await this.opts.resolveHeaders?.(ep)) ?? {};
    } catch (e) {
      return {
        kind: 'sample',
        endpoint: ep.name,
        sample: { t, ok: false, latencyMs: 0, excluded: this.inMaintenance(ep.name, t) },
        error: (e as Error).message,
      };
    }
    const run = this.opts.probeFn ?? ((e: EndpointConfig, h: Record<string, string>) => probe(e, h, this.matcher));
    let result = await run(ep, headers);
    if (result.configProblem) return this.configProblem(ep.name, result.configProblem);
    let retries = 0;
    while (!result.ok && retries < ep.retries) {
      retries++;
      await new Promise((r) => setTimeout(r, retryDelayMs(ep.intervalMs)));
      result = await run(ep, headers);
    }
    return {
      kind: 'sample',
      endpoint: ep.name,
      sample: { t, ok: result.ok, latencyMs: result.latencyMs, retries, excluded: this.inMaintenance(ep.name, t) },
      error: result.error,
      status: result.status,
    };
  }

  private configProblem(name: string, message: string): undefined {
    const rt = this.runtimes.get(name);
    if (rt && rt.problem !== message) {
      rt.problem = message;
      this.opts.log?.('warn', `Health: ${message}`);
      this.opts.onConfigProblem?.(name, message);
      this.changed();
    }
    return undefined;
  }

  private async record(rt: Runtime, rec: SampleRecord): Promise<void> {
    // A check that only adds a sample is routine (the views may batch it); a status change is not.
    this.changed(!this.apply(rt, rec));
    this.emitSamples([rec]);
    try {
      await this.opts.store.append([rec]);
    } catch (e) {
      this.opts.log?.(
        'error',
        `Health: could not write history (${(e as Error).message}); the results are kept and written again shortly.`,
      );
    }
  }

  /** Runs every endpoint's check now (command "Check Now"); only the probing window does. */
  async checkAllNow(): Promise<void> {
    if (!this.probing) return;
    await Promise.all(
      [...this.runtimes.values()].map(async (rt) => {
        if (rt.running) return;
        if (rt.timer) clearTimeout(rt.timer);
        await this.runCheck(rt);
      }),
    );
  }

  /** `routine`: only figures moved (a new sample, no status change), so the views may batch it. */
  private changed(routine = false): void {
    for (const l of this.changeListeners) l(routine);
  }

  /** `withRecent: false` skips copying the chart points (status bar and tree do not need them). */
  snapshot(now = this.now(), withRecent = true): EndpointSnapshot[] {
    return [...this.runtimes.values()].map((rt): EndpointSnapshot => {
      const t = rt.tracker;
      const ls = t.lastSample;
      return {
        name: rt.cfg.name,
        kind: rt.cfg.kind,
        target: endpointTarget(rt.cfg),
        group: rt.cfg.group,
        status: this.inMaintenance(rt.cfg.name, now) ? 'maintenance' : t.status === 'maintenance' ? 'unknown' : t.status,
        since: t.since,
        flapping: t.flapping,
        muted: this.isMuted(rt.cfg.name),
        inMaintenance: this.inMaintenance(rt.cfg.name, now),
        consecutiveFailures: t.consecutiveFailures,
        failureThreshold: rt.cfg.failureThreshold,
        intervalMs: rt.cfg.intervalMs,
        lastCheck: ls && {
          t: ls.t,
          ok: ls.ok,
          latencyMs: ls.latencyMs,
          error: t.lastError,
          status: t.lastStatusCode,
          retries: ls.retries ?? 0,
        },
        slo: rt.cfg.slo,
        sloWindowDays: rt.cfg.sloWindowDays,
        sla: slaReport(rt.index, now, rt.cfg.slo, rt.cfg.sloWindowDays * DAY),
        recent: withRecent ? rt.recent.slice() : [],
        problem: rt.problem,
      };
    });
  }

  dispose(): void {
    this.stopProbing();
    if (this.ownMatcher) this.matcher.dispose();
    void this.opts.store.flush().catch(() => undefined);
    this.opts.store.dispose();
  }
}
