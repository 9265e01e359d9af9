// A lease in the shared storage folder decides which VS Code window probes: the holder renews it,
// the others read the history it writes, and a lease not renewed within its TTL (the window closed
// or hung) is taken over. Writes are temp file + rename; after writing, the winner is whoever the
// file names, so two windows racing for a stale lease settle on one. No `vscode` import.
import { promises as fsp } from 'fs';
import { replaceFileAtomically } from '../../shared/atomicFile';

export interface LeaseInfo {
  owner: string;
  pid: number;
  expires: number;
}

export class Lease {
  private timer: ReturnType<typeof setInterval> | undefined;
  /** Undefined until the first attempt: a window that starts without the lease must hear so too. */
  private held: boolean | undefined;
  private readonly listeners: Array<(held: boolean) => void> = [];

  constructor(
    readonly file: string,
    readonly owner: string,
    private ttlMs = 15_000,
    private readonly now: () => number = Date.now,
  ) {}

  get isHeld(): boolean {
    return this.held === true;
  }

  onChange(l: (held: boolean) => void): void {
    this.listeners.push(l);
  }

  async read(): Promise<LeaseInfo | undefined> {
    try {
      const o = JSON.parse(await fsp.readFile(this.file, 'utf8'));
      return typeof o.owner === 'string' && typeof o.expires === 'number' ? o : undefined;
    } catch {
      return undefined;
    }
  }

  private async write(info: LeaseInfo): Promise<void> {
    await replaceFileAtomically(this.file, JSON.stringify(info));
  }

  /** Takes or renews the lease if it is free, stale, or ours. Returns whether we hold it now. */
  async tryAcquire(): Promise<boolean> {
    const cur = await this.read();
    const t = this.now();
    if (cur && cur.owner !== this.owner && cur.expires > t) return this.set(false);
    await this.write({ owner: this.owner, pid: process.pid, expires: t + this.ttlMs });
    // Taking over (not renewing): give a window racing for the same stale lease time to write too,
    // then whoever the file names has it; the loser reads the winner and backs off.
    if (cur?.owner !== this.owner) await new Promise((r) => setTimeout(r, 20 + Math.random() * 60));
    const after = await this.read();
    return this.set(after?.owner === this.owner);
  }

  private set(held: boolean): boolean {
    if (held !== this.held) {
      this.held = held;
      for (const l of this.listeners) l(held);
    }
    return held;
  }

  get ttl(): number {
    return this.ttlMs;
  }

  /** Changes the TTL (setting changed); renewal restarts at the new pace. */
  setTtl(ms: number): void {
    if (ms === this.ttlMs) return;
    this.ttlMs = ms;
    if (this.timer) {
      clearInterval(this.timer);
      this.start();
    }
  }

  /** Checks (and renews) every third of the TTL. */
  start(): void {
    const tick = () => void this.tryAcquire().catch(() => this.set(false));
    tick();
    this.timer = setInterval(tick, Math.max(50, this.ttlMs / 3));
  }

  /** Gives the lease up (window closing), so another window can take over at once. */
  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (!this.held) return;
    this.held = false;
    const cur = await this.read();
    if (cur?.owner === this.owner) await fsp.rm(this.file, { force: true });
  }
}
