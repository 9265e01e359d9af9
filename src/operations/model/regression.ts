// Did the deploy make things worse? The verification window's rules, pure: the state before the
// operation (taken when its preview ran) against what the checks and alarms say since it ended.
// Outages and alarms count as soon as they happen; latency and availability need a window's worth
// of checks, so they are judged when the window closes (a single slow or failed check early on
// must not roll a deploy back).

export interface VerifyRules {
  /** An endpoint that was up before and is down now. */
  endpointDown: boolean;
  /** An alarm that was not firing before and fires now. */
  alarmFiring: boolean;
  /** p95 latency over the window worse than before by more than this percentage (0: off). */
  latencyIncreasePct: number;
  /**
   * ...and slower by more than this many milliseconds: a fast endpoint's p95 moves by a few ms between
   * runs (3 → 8 ms on loopback is +185 %), which is noise, not a regression to roll back.
   */
  latencyIncreaseMs: number;
  /** Availability over the window below the endpoint's SLO. */
  availabilityBelowSlo: boolean;
  /** Fewest checks in the window before latency and availability are judged. */
  minSamples: number;
}

export const DEFAULT_VERIFY_RULES: VerifyRules = {
  endpointDown: true,
  alarmFiring: true,
  latencyIncreasePct: 50,
  latencyIncreaseMs: 20,
  availabilityBelowSlo: true,
  minSamples: 5,
};

export interface EndpointBefore {
  name: string;
  status: string;
  /** p95 latency (ms) over the last 24 h, when known. */
  p95Ms?: number;
}

export interface WindowCheck {
  t: number;
  ok: boolean;
  latencyMs: number;
}

export interface EndpointNow {
  name: string;
  status: string;
  /** When the current status began. */
  since?: number;
  /** The last check's error, e.g. "HTTP 503". */
  error?: string;
  slo: number;
  /** Checks since the window opened, oldest first. */
  checks: readonly WindowCheck[];
}

export interface AlarmState {
  name: string;
  state: string;
  since?: number;
  reason?: string;
}

export type Regression =
  | { kind: 'down'; endpoint: string; since: number; detail?: string }
  | { kind: 'alarm'; alarm: string; since: number; reason?: string }
  | { kind: 'latency'; endpoint: string; beforeMs: number; afterMs: number; increasePct: number }
  | { kind: 'availability'; endpoint: string; availability: number; slo: number; checks: number };

/** Nearest-rank percentile of a non-empty list. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

export interface WindowInput {
  windowStart: number;
  endpointsBefore: readonly EndpointBefore[];
  endpointsNow: readonly EndpointNow[];
  alarmsBefore: readonly AlarmState[];
  alarmsNow: readonly AlarmState[];
  rules: VerifyRules;
  /** True when the window has closed: latency and availability are judged too. */
  final: boolean;
}

export function findRegressions(w: WindowInput): Regression[] {
  const out: Regression[] = [];
  const before = new Map(w.endpointsBefore.map((e) => [e.name, e]));
  for (const now of w.endpointsNow) {
    const was = before.get(now.name);
    if (w.rules.endpointDown && was?.status === 'up' && now.status === 'down') {
      out.push({ kind: 'down', endpoint: now.name, since: Math.max(now.since ?? w.windowStart, w.windowStart), detail: now.error });
    }
    if (!w.final || now.checks.length < w.rules.minSamples) continue;
    const okLatencies = now.checks.filter((c) => c.ok).map((c) => c.latencyMs);
    if (w.rules.latencyIncreasePct > 0 && was?.p95Ms !== undefined && was.p95Ms > 0 && okLatencies.length >= w.rules.minSamples) {
      const after = percentile(okLatencies, 95);
      const increasePct = ((after - was.p95Ms) / was.p95Ms) * 100;
      if (increasePct > w.rules.latencyIncreasePct && after - was.p95Ms > w.rules.latencyIncreaseMs)
        out.push({ kind: 'latency', endpoint: now.name, beforeMs: was.p95Ms, afterMs: after, increasePct });
    }
    if (w.rules.availabilityBelowSlo) {
      const availability = (now.checks.filter((c) => c.ok).length / now.checks.length) * 100;
      if (availability < now.slo)
        out.push({ kind: 'availability', endpoint: now.name, availability, slo: now.slo, checks: now.checks.length });
    }
  }
  if (w.rules.alarmFiring) {
    const firingBefore = new Set(w.alarmsBefore.filter((a) => a.state === 'ALARM').map((a) => a.name));
    for (const a of w.alarmsNow) {
      if (a.state !== 'ALARM' || firingBefore.has(a.name)) continue;
      out.push({ kind: 'alarm', alarm: a.name, since: Math.max(a.since ?? w.windowStart, w.windowStart), reason: a.reason });
    }
  }
  return out;
}

/** One line per regression, for the notification and the record: "api down since 14:32:05 (HTTP 503)". */
export function describeRegression(r: Regression, clock: (t: number) => string): string {
  switch (r.kind) {
    case 'down':
      return `${r.endpoint} down since ${clock(r.since)}${r.detail ? ` (${r.detail})` : ''}`;
    case 'alarm':
      return `alarm ${r.alarm} firing since ${clock(r.since)}${r.reason ? ` (${r.reason})` : ''}`;
    case 'latency':
      return `${r.endpoint} p95 latency ${Math.round(r.afterMs)} ms, was ${Math.round(r.beforeMs)} ms (+${Math.round(r.increasePct)}%)`;
    case 'availability':
      return `${r.endpoint} availability ${r.availability.toFixed(2)}% over ${r.checks} checks, below its ${r.slo}% SLO`;
  }
}

/** The earliest moment a regression was true: what "detected after N s" is measured from. */
export function firstRegressionAt(rs: readonly Regression[], fallback: number): number {
  const times = rs.map((r) => (r.kind === 'down' || r.kind === 'alarm' ? r.since : fallback));
  return times.length ? Math.min(...times) : fallback;
}
