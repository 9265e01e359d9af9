// What the user is told about endpoints, AWS and the budget: every message is recorded (the public
// API and the dashboard read the record), and the ones meant to pop up go through `show`, a callback
// the glue backs with vscode.window. No `vscode` import.
import type { TrackerEvent } from '../model/endpointState';
import { formatDuration } from '../model/statusText';

export interface NotificationRecord {
  at: number;
  kind: TrackerEvent['kind'] | 'aws' | 'budget' | 'config';
  endpoint?: string;
  message: string;
  /** False when muted, disabled or shown by another window. */
  shown: boolean;
}

export type NotificationLevel = 'error' | 'warning' | 'info';

export interface NotifierHost {
  /** Pops a message up; resolves to the action chosen (undefined when dismissed). */
  show(level: NotificationLevel, message: string, actions: string[]): PromiseLike<string | undefined>;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  notificationsEnabled(): boolean;
  openDashboard(): void;
  showLog(): void;
  mute(endpoint: string): void;
  /**
   * Shows an endpoint's down notice as a notification the caller can close: it stays while the
   * incident lasts and goes away when the endpoint recovers, so no stale DOWN notice outlives it.
   * Without it (tests of the text alone), down notices go through `show`.
   */
  openIncident?(message: string, endpoint: string): { close(): void };
  now?: () => number;
}

const KEEP = 200;

export class Notifier {
  readonly records: NotificationRecord[] = [];
  private readonly now: () => number;
  /** The down notice on screen per endpoint: one notification per incident. */
  private readonly open = new Map<string, { close(): void }>();

  constructor(private readonly host: NotifierHost) {
    this.now = host.now ?? Date.now;
  }

  private record(r: NotificationRecord): void {
    this.records.push(r);
    if (this.records.length > KEEP) this.records.splice(0, this.records.length - KEEP);
  }

  /** An endpoint went down, recovered, or started/stopped flapping. Only the probing window pops it up. */
  endpointEvent(e: TrackerEvent, opts: { prober: boolean; muted: boolean }): void {
    const message =
      e.kind === 'down'
        ? `${e.endpoint} is DOWN${e.error ? `: ${e.error}` : ''}`
        : e.kind === 'recovered'
          ? `${e.endpoint} recovered after ${formatDuration(e.downForMs)} down`
          : e.kind === 'flapping'
            ? `${e.endpoint} is flapping (${e.transitions} state changes); notifications for it pause until it settles`
            : `${e.endpoint} stopped flapping and is ${e.status}`;
    const shown = opts.prober && this.host.notificationsEnabled() && !opts.muted;
    this.record({ at: e.at, kind: e.kind, endpoint: e.endpoint, message, shown });
    this.host.log(e.kind === 'down' || e.kind === 'flapping' ? 'warn' : 'info', `Health: ${message}`);
    // Whatever follows a down event ends that incident's notice, shown or not.
    this.closeIncident(e.endpoint);
    if (!shown) return;
    if (e.kind === 'down' && this.host.openIncident) {
      this.open.set(e.endpoint, this.host.openIncident(`OpsDeck: ${message}`, e.endpoint));
      return;
    }
    const actions = e.kind === 'recovered' || e.kind === 'stable' ? ['Open Dashboard'] : ['Open Dashboard', 'Mute'];
    const level: NotificationLevel = e.kind === 'down' ? 'error' : e.kind === 'flapping' ? 'warning' : 'info';
    void this.host.show(level, `OpsDeck: ${message}`, actions).then((choice) => {
      if (choice === 'Open Dashboard') this.host.openDashboard();
      if (choice === 'Mute') this.host.mute(e.endpoint);
    });
  }

  /** Closes the endpoint's down notice, if one is open (recovery, flapping, mute, removal). */
  closeIncident(endpoint: string): void {
    this.open.get(endpoint)?.close();
    this.open.delete(endpoint);
  }

  /** An AWS problem (the caller makes sure the same one is not repeated every poll). */
  awsProblem(message: string): void {
    this.record({ at: this.now(), kind: 'aws', message, shown: true });
    void this.host.show('warning', `OpsDeck: ${message}`, ['Show Log']).then((c) => {
      if (c === 'Show Log') this.host.showLog();
    });
  }

  /** The month's cost forecast passes the budget (the caller shows it once a month). */
  budget(message: string): void {
    this.record({ at: this.now(), kind: 'budget', message, shown: true });
    this.host.log('warn', `Health: ${message}`);
    void this.host.show('warning', `OpsDeck: ${message}`, ['Open Dashboard']).then((choice) => {
      if (choice === 'Open Dashboard') this.host.openDashboard();
    });
  }
}
