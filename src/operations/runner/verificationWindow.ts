// The verification window after an up or a rollback: for `minutes`, watch the stack's endpoints and
// alarms, judge them against the state before the operation (regression.ts), and report the first
// regression at once. No `vscode`: the health data, the clock and the timers arrive as callbacks, so
// tests drive it with real checks or with a scripted snapshot.
import { AlarmState, EndpointBefore, EndpointNow, findRegressions, Regression, VerifyRules, WindowCheck } from '../model/regression';

export interface WindowSource {
  /** Endpoints of the stack as the health service sees them now (status, since, last error, SLO). */
  endpoints(): Array<Omit<EndpointNow, 'checks'>>;
  alarms(): AlarmState[];
}

export interface WindowOptions {
  stackKey: string;
  minutes: number;
  endpointsBefore: EndpointBefore[];
  alarmsBefore: AlarmState[];
  rules: VerifyRules;
  source: WindowSource;
  /** How often to judge (ms). The checks themselves arrive through `check()`. */
  tickMs?: number;
  now?: () => number;
  onRegression(regressions: Regression[], at: number): void;
  onEnd(result: WindowEnd): void;
}

export interface WindowEnd {
  verdict: 'passed' | 'regressed' | 'cut short';
  regressions: Regression[];
  startedAt: number;
  endedAt: number;
  checks: Map<string, WindowCheck[]>;
  alarmsNow: AlarmState[];
  /** Why it was cut short (a rollback, the window closed, another operation). */
  reason?: string;
}

export class VerificationWindow {
  readonly startedAt: number;
  readonly endsAt: number;
  private readonly checks = new Map<string, WindowCheck[]>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private endTimer: ReturnType<typeof setTimeout> | undefined;
  private reported = new Set<string>();
  private all: Regression[] = [];
  private over = false;
  private readonly now: () => number;

  constructor(private readonly o: WindowOptions) {
    this.now = o.now ?? Date.now;
    this.startedAt = this.now();
    this.endsAt = this.startedAt + o.minutes * 60_000;
    for (const e of o.endpointsBefore) this.checks.set(e.name, []);
  }

  start(): this {
    this.timer = setInterval(() => this.judge(false), this.o.tickMs ?? 1000);
    this.endTimer = setTimeout(() => this.finish(), Math.max(0, this.endsAt - this.now()));
    return this;
  }

  get running(): boolean {
    return !this.over;
  }

  msLeft(): number {
    return Math.max(0, this.endsAt - this.now());
  }

  /** A check result of one of the stack's endpoints (the health monitor's feed). */
  check(endpoint: string, c: WindowCheck): void {
    const list = this.checks.get(endpoint);
    if (!list || this.over || c.t < this.startedAt) return;
    list.push(c);
    if (!c.ok) this.judge(false);
  }

  /** Judges now; new regressions (not reported before) go to onRegression at once. */
  judge(final: boolean): Regression[] {
    if (this.over) return this.all;
    const nowEndpoints: EndpointNow[] = this.o.source
      .endpoints()
      .filter((e) => this.checks.has(e.name))
      .map((e) => ({ ...e, checks: this.checks.get(e.name) ?? [] }));
    const rs = findRegressions({
      windowStart: this.startedAt,
      endpointsBefore: this.o.endpointsBefore,
      endpointsNow: nowEndpoints,
      alarmsBefore: this.o.alarmsBefore,
      alarmsNow: this.o.source.alarms(),
      rules: this.o.rules,
      final,
    });
    const fresh = rs.filter((r) => !this.reported.has(keyOf(r)));
    for (const r of fresh) {
      this.reported.add(keyOf(r));
      this.all.push(r);
    }
    if (fresh.length) this.o.onRegression(fresh, this.now());
    return this.all;
  }

  /** Ends the window early (a rollback started, the user chose Keep and stop, the extension closes). */
  stop(reason: string): void {
    if (this.over) return;
    this.end(this.all.length ? 'regressed' : 'cut short', reason);
  }

  private finish(): void {
    if (this.over) return;
    this.judge(true);
    this.end(this.all.length ? 'regressed' : 'passed');
  }

  private end(verdict: WindowEnd['verdict'], reason?: string): void {
    this.over = true;
    if (this.timer) clearInterval(this.timer);
    if (this.endTimer) clearTimeout(this.endTimer);
    this.o.onEnd({
      verdict,
      regressions: this.all,
      startedAt: this.startedAt,
      endedAt: this.now(),
      checks: this.checks,
      alarmsNow: this.o.source.alarms(),
      reason,
    });
  }
}

function keyOf(r: Regression): string {
  return r.kind === 'alarm' ? `alarm:${r.alarm}` : `${r.kind}:${r.endpoint}`;
}
