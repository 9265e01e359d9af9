// Per-endpoint state machine, pure: consecutive-failure threshold for "down", recovery on the first
// success, maintenance, and flap damping (an endpoint that keeps changing state produces one
// "flapping" event and then silence until it has been stable for a while).
import { Sample } from './slaMath';

export type EndpointStatus = 'unknown' | 'up' | 'down' | 'maintenance';

export type TrackerEvent =
  | { kind: 'down'; endpoint: string; at: number; error?: string }
  | { kind: 'recovered'; endpoint: string; at: number; downForMs: number }
  | { kind: 'flapping'; endpoint: string; at: number; transitions: number }
  | { kind: 'stable'; endpoint: string; at: number; status: EndpointStatus };

export interface FlapOptions {
  /** Transitions are counted over this window. */
  windowMs: number;
  /** This many up/down transitions inside the window mean "flapping". */
  maxTransitions: number;
  /** Flapping ends after this long without a transition. */
  quietMs: number;
}

/** Flap damping scales with the check interval, so tests with 100 ms intervals behave like production. */
export function flapOptionsFor(intervalMs: number): FlapOptions {
  return { windowMs: 30 * intervalMs, maxTransitions: 4, quietMs: 15 * intervalMs };
}

export class EndpointTracker {
  status: EndpointStatus = 'unknown';
  since: number | undefined;
  consecutiveFailures = 0;
  lastSample: Sample | undefined;
  lastError: string | undefined;
  lastStatusCode: number | undefined;
  flapping = false;
  /** When the endpoint was last declared down (for the recovery message). */
  private downSince: number | undefined;
  private transitions: number[] = [];

  constructor(
    readonly name: string,
    public failureThreshold: number,
    public flap: FlapOptions,
  ) {}

  /** Feeds one (post-retry) sample; returns the events a person should hear about. */
  observe(s: Sample, error?: string, statusCode?: number): TrackerEvent[] {
    const events: TrackerEvent[] = [];
    this.lastSample = s;
    this.lastError = s.ok ? undefined : error;
    this.lastStatusCode = statusCode;
    if (s.excluded) {
      // Maintenance: shown as such, never alarms, and the failure count starts afresh afterwards.
      if (this.status !== 'maintenance') this.setStatus('maintenance', s.t);
      this.consecutiveFailures = 0;
      return events;
    }
    if (s.ok) {
      this.consecutiveFailures = 0;
      if (this.status === 'down') {
        this.transition(s.t);
        if (!this.flapping) events.push({ kind: 'recovered', endpoint: this.name, at: s.t, downForMs: s.t - (this.downSince ?? s.t) });
      }
      if (this.status !== 'up') this.setStatus('up', s.t);
    } else {
      this.consecutiveFailures++;
      if (this.status !== 'down' && this.consecutiveFailures >= this.failureThreshold) {
        const wasUp = this.status === 'up';
        this.setStatus('down', s.t);
        this.downSince = s.t;
        if (wasUp) this.transition(s.t);
        if (!this.flapping) events.push({ kind: 'down', endpoint: this.name, at: s.t, error });
      }
    }
    this.updateFlapping(s.t, events);
    return events;
  }

  private setStatus(status: EndpointStatus, t: number): void {
    this.status = status;
    this.since = t;
  }

  private transition(t: number): void {
    this.transitions.push(t);
  }

  private updateFlapping(t: number, events: TrackerEvent[]): void {
    this.transitions = this.transitions.filter((x) => x > t - this.flap.windowMs);
    if (!this.flapping && this.transitions.length >= this.flap.maxTransitions) {
      this.flapping = true;
      // Replace the transition's own event with a single "flapping" one.
      for (let i = events.length - 1; i >= 0; i--) if (events[i].kind === 'down' || events[i].kind === 'recovered') events.splice(i, 1);
      events.push({ kind: 'flapping', endpoint: this.name, at: t, transitions: this.transitions.length });
    } else if (this.flapping) {
      const last = this.transitions[this.transitions.length - 1];
      if (last === undefined || t - last >= this.flap.quietMs) {
        this.flapping = false;
        this.transitions = [];
        events.push({ kind: 'stable', endpoint: this.name, at: t, status: this.status });
      }
    }
  }
}
