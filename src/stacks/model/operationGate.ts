// One operation per stack at a time. A second request on a busy stack is refused with a message
// naming what is running (the UI offers to wait via `whenIdle`). Pure bookkeeping, no vscode.

export interface RunningOperation {
  stackKey: string;
  operation: string;
  startedAt: number;
  abort: AbortController;
}

export type GateResult =
  { ok: true; release: () => void; op: RunningOperation } | { ok: false; running: RunningOperation; message: string };

export class OperationGate {
  private readonly running = new Map<string, RunningOperation>();
  private readonly waiters = new Map<string, Array<() => void>>();
  private readonly listeners = new Set<() => void>();

  tryAcquire(stackKey: string, operation: string, now = Date.now()): GateResult {
    const cur = this.running.get(stackKey);
    if (cur) {
      return {
        ok: false,
        running: cur,
        message: `${cur.operation[0]!.toUpperCase()}${cur.operation.slice(1)} is already running on ${stackKey}; OpsDeck runs one operation per stack at a time.`,
      };
    }
    const op: RunningOperation = { stackKey, operation, startedAt: now, abort: new AbortController() };
    this.running.set(stackKey, op);
    this.emit();
    let released = false;
    return {
      ok: true,
      op,
      release: () => {
        if (released) return;
        released = true;
        if (this.running.get(stackKey) === op) this.running.delete(stackKey);
        const ws = this.waiters.get(stackKey) ?? [];
        this.waiters.delete(stackKey);
        for (const w of ws) w();
        this.emit();
      },
    };
  }

  get(stackKey: string): RunningOperation | undefined {
    return this.running.get(stackKey);
  }

  all(): RunningOperation[] {
    return [...this.running.values()];
  }

  /** Resolves when the stack has no running operation. */
  whenIdle(stackKey: string): Promise<void> {
    if (!this.running.has(stackKey)) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.waiters.get(stackKey) ?? [];
      list.push(resolve);
      this.waiters.set(stackKey, list);
    });
  }

  onDidChange(l: () => void): { dispose(): void } {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}
