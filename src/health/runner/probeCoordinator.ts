// Which window probes, and what the others read: the lease decides the role; the prober runs the
// monitor's checks and compacts the history, a reader tails the history the prober writes and feeds
// it to its own monitor. No `vscode` import: the glue hears about role changes through callbacks.
import type { HealthConfig } from '../model/healthConfig';
import type { HealthSnapshot } from '../model/snapshot';
import { HOUR } from '../model/slaMath';
import type { HistoryStore } from './historyStore';
import type { Lease } from './lease';
import type { HealthMonitor } from './monitor';

export type Role = HealthSnapshot['role'];

export interface CoordinatorHost {
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** The role changed (the glue repaints, refreshes cost, ...). */
  onRole(role: Role): void;
  /** Called after each tail of the prober's history (the glue re-reads shared maintenance windows). */
  afterTail?(): Promise<void>;
  /** The current configuration (tail pace follows the shortest interval). */
  config(): HealthConfig | undefined;
  /** Workspace trust: an untrusted workspace's targets are listed, never probed. */
  isTrusted(): boolean;
}

export const UNTRUSTED_REASON =
  'This workspace is not trusted: its endpoints are listed but not checked. Trust the folder to start the checks.';

export class ProbeCoordinator {
  private role: Role = 'idle';
  private tailTimer: ReturnType<typeof setInterval> | undefined;
  private tailOffset = 0;
  private tailIno: number | undefined;
  private compactTimer: ReturnType<typeof setInterval> | undefined;
  private disposed = false;

  constructor(
    private readonly monitor: HealthMonitor,
    private readonly store: HistoryStore,
    private readonly lease: Lease,
    private readonly host: CoordinatorHost,
  ) {}

  get currentRole(): Role {
    return this.role;
  }

  private competing = false;

  /** Loads the history, then, in a trusted workspace, competes for the lease (and keeps doing so). */
  async start(): Promise<void> {
    this.lease.onChange((held) => void this.onLease(held));
    await this.loadHistory();
    if (this.host.isTrusted()) this.compete();
  }

  /** The user trusted the folder: start taking part (probing, or reading another window's results). */
  async trustGranted(): Promise<void> {
    if (this.disposed || this.competing || !this.host.isTrusted()) return;
    this.compete();
  }

  private compete(): void {
    this.competing = true;
    this.lease.start();
  }

  /** Why this window neither probes nor reads (shown in the Health view), or undefined. */
  get notProbingReason(): string | undefined {
    return this.competing ? undefined : this.host.isTrusted() ? undefined : UNTRUSTED_REASON;
  }

  /** Rebuilds the monitor's state from the whole history, streamed (the file may be large). */
  async loadHistory(): Promise<void> {
    this.monitor.beginReplay();
    const r = await this.store.stream((batch) => this.monitor.ingestBatch(batch));
    this.monitor.endReplay(r.skipped);
    this.tailOffset = r.offset;
    this.tailIno = r.ino;
    if (r.skipped)
      this.host.log(
        'warn',
        `Health: skipped ${r.skipped} unreadable line(s) in ${this.store.file} (an interrupted write); the rest of the history is intact.`,
      );
  }

  private async onLease(held: boolean): Promise<void> {
    if (this.disposed) return;
    if (held) {
      this.stopTail();
      // Catch up with what the previous holder wrote before writing ourselves.
      await this.loadHistory();
      this.role = 'prober';
      this.monitor.startProbing();
      await this.compactIfDue();
      this.compactTimer = setInterval(() => void this.compactIfDue(), HOUR);
    } else {
      this.role = 'reader';
      this.monitor.stopProbing();
      // Results this window took after it lost the lease overlap the new prober's: its history is the record.
      const dropped = this.store.dropPending();
      if (dropped) this.host.log('info', `Health: ${dropped} result(s) of this window were not written: another window probes now.`);
      if (this.compactTimer) clearInterval(this.compactTimer);
      // A write already past its fence still lands: reload after it, or the tail would read this
      // window's own lines back as the new prober's and count them twice.
      await this.store.settled();
      await this.loadHistory();
      this.startTail();
    }
    this.host.log('info', `Health: this window is now the ${this.role} (lease ${this.lease.file}).`);
    this.host.onRole(this.role);
  }

  private startTail(): void {
    this.stopTail();
    const every = Math.max(250, Math.min(5000, ...(this.host.config()?.endpoints.map((e) => e.intervalMs / 2) ?? [5000])));
    this.tailTimer = setInterval(() => void this.tail(), every);
  }

  private stopTail(): void {
    if (this.tailTimer) clearInterval(this.tailTimer);
    this.tailTimer = undefined;
  }

  async tail(): Promise<void> {
    let reset = false;
    const r = await this.store.readFrom(
      this.tailOffset,
      this.tailIno,
      (batch) => (reset ? this.monitor.ingestBatch(batch) : this.monitor.ingestForeign(batch)),
      () => {
        // The prober compacted (replaced) the file: rebuild from the new one.
        reset = true;
        this.monitor.beginReplay();
      },
    );
    if (reset) this.monitor.endReplay(r.skipped);
    this.tailOffset = r.offset;
    this.tailIno = r.ino;
    await this.host.afterTail?.();
  }

  private async compactIfDue(): Promise<void> {
    try {
      // Hourly: roll up raw samples past their retention once the log is worth rewriting.
      if ((await this.store.size()) > 1024 * 1024) {
        const kept = await this.store.compact(Date.now());
        this.host.log('info', `Health: compacted history to ${kept.records} records (${Math.round(kept.bytes / 1024)} KiB).`);
      }
    } catch (e) {
      this.host.log('error', `Health: history compaction failed, the log is unchanged: ${(e as Error).message}`);
    }
  }

  /** "Check now": the prober checks every endpoint, a reader reads what the prober wrote. */
  async checkNow(): Promise<void> {
    if (this.role === 'prober') await this.monitor.checkAllNow();
    else await this.tail();
  }

  dispose(): void {
    this.disposed = true;
    this.stopTail();
    if (this.compactTimer) clearInterval(this.compactTimer);
    // Write what is queued while still holding the lease (the history is fenced), then let go.
    if (this.competing)
      void this.store
        .flush()
        .catch(() => undefined)
        .then(() => this.lease.release());
  }
}
