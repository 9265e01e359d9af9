// Which VS Code window probes: an exclusive lock in the shared storage folder, atomic on the file
// system, with a fencing token.
//
// The lock is a folder of numbered files, `<token>.lease`. The holder is the creator of the highest
// number; it renews by touching its file. A file not touched within the TTL is stale (its window
// closed or hung), and a window takes over by creating the next number with O_CREAT|O_EXCL: the file
// system lets exactly one of several racing windows create it. The number is the fencing token: it
// only grows, so a window that hung and comes back sees a higher number and knows it lost, and the
// history refuses its writes (HistoryStore's `fence`). Release marks the file stale rather than
// deleting it, so the next token is still higher. No `vscode` import.
//
// Why not the proper-lockfile package: it pulls in graceful-fs, which patches the process-wide `fs`
// module, and signal-exit, which installs process-wide signal handlers; both would reach into every
// other extension sharing the extension host.
import { promises as fsp } from 'fs';
import * as path from 'path';
import { syncFolder } from '../../shared/atomicFile';

export interface LeaseInfo {
  owner: string;
  pid: number;
  token: number;
  /** When the holder last renewed (the file's modification time). */
  renewed: number;
}

const SUFFIX = '.lease';
const WIDTH = 12;
const name = (token: number) => `${String(token).padStart(WIDTH, '0')}${SUFFIX}`;

export class Lease {
  private timer: ReturnType<typeof setInterval> | undefined;
  /** Undefined until the first attempt: a window that starts without the lease must hear so too. */
  private held: boolean | undefined;
  private myToken: number | undefined;
  private readonly listeners: Array<(held: boolean) => void> = [];
  private busy: Promise<boolean> | undefined;

  constructor(
    /** The lock folder. */
    readonly file: string,
    readonly owner: string,
    private ttlMs = 15_000,
    private readonly now: () => number = Date.now,
  ) {}

  get isHeld(): boolean {
    return this.held === true;
  }

  /** The fencing token while held: higher than any token before it. */
  get token(): number | undefined {
    return this.held ? this.myToken : undefined;
  }

  onChange(l: (held: boolean) => void): void {
    this.listeners.push(l);
  }

  private async tokens(): Promise<number[]> {
    let names: string[];
    try {
      names = await fsp.readdir(this.file);
    } catch {
      return [];
    }
    return names
      .filter((n) => n.endsWith(SUFFIX) && /^\d+$/.test(n.slice(0, -SUFFIX.length)))
      .map((n) => Number(n.slice(0, -SUFFIX.length)))
      .sort((a, b) => b - a);
  }

  /** The current holder (the highest token), whether fresh or stale. */
  async read(): Promise<LeaseInfo | undefined> {
    const [top] = await this.tokens();
    if (top === undefined) return undefined;
    const f = path.join(this.file, name(top));
    try {
      const [text, st] = await Promise.all([fsp.readFile(f, 'utf8'), fsp.stat(f)]);
      let o: { owner?: unknown; pid?: unknown } = {};
      try {
        o = JSON.parse(text);
      } catch {
        // Created a moment ago and not written yet: someone else's, fresh.
      }
      return {
        owner: typeof o.owner === 'string' ? o.owner : '',
        pid: typeof o.pid === 'number' ? o.pid : 0,
        token: top,
        renewed: st.mtimeMs,
      };
    } catch {
      return undefined;
    }
  }

  private fresh(info: LeaseInfo): boolean {
    return info.renewed + this.ttlMs > this.now();
  }

  /** Takes or renews the lease if it is free, stale, or ours. Returns whether we hold it now. */
  tryAcquire(): Promise<boolean> {
    // One attempt at a time per window: a renewal and a "check now" must not race each other.
    this.busy ??= this.attempt().finally(() => (this.busy = undefined));
    return this.busy;
  }

  private async attempt(): Promise<boolean> {
    const cur = await this.read();
    if (cur && cur.token === this.myToken && cur.owner === this.owner) {
      const t = new Date(this.now());
      await fsp.utimes(path.join(this.file, name(cur.token)), t, t);
      return this.set(true);
    }
    if (cur && this.fresh(cur)) return this.set(false);
    const next = (cur?.token ?? 0) + 1;
    await fsp.mkdir(this.file, { recursive: true });
    const f = path.join(this.file, name(next));
    try {
      const fh = await fsp.open(f, 'wx', 0o600);
      try {
        await fh.writeFile(JSON.stringify({ owner: this.owner, pid: process.pid, token: next }));
        const t = new Date(this.now());
        await fh.utimes(t, t);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await syncFolder(this.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return this.set(false); // another window was first
      throw e;
    }
    // A window that read an older top, slept, and created a number below a newer holder's loses too.
    const [top] = await this.tokens();
    if (top !== next) {
      await fsp.rm(f, { force: true });
      return this.set(false);
    }
    this.myToken = next;
    await this.sweep(next);
    return this.set(true);
  }

  /** Removes the files of earlier holders (the newest one stays: it keeps the token sequence). */
  private async sweep(keep: number): Promise<void> {
    for (const t of await this.tokens()) if (t < keep) await fsp.rm(path.join(this.file, name(t)), { force: true }).catch(() => undefined);
  }

  /**
   * Whether this window still holds the lease right now (read from disk, not remembered): the history
   * asks before every write, so a window that lost the lease while it hung cannot write over the new
   * holder's history.
   */
  async fence(): Promise<boolean> {
    if (!this.held || this.myToken === undefined) return false;
    const cur = await this.read();
    return !!cur && cur.token === this.myToken && cur.owner === this.owner;
  }

  private set(held: boolean): boolean {
    if (!held) this.myToken = undefined;
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

  /** Gives the lease up (window closing): the file is marked stale, so another window takes over at once. */
  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.busy?.catch(() => undefined);
    if (!this.held || this.myToken === undefined) return;
    const token = this.myToken;
    this.held = false;
    this.myToken = undefined;
    const cur = await this.read();
    if (cur?.token === token && cur.owner === this.owner) await fsp.utimes(path.join(this.file, name(token)), 0, 0).catch(() => undefined);
  }
}
