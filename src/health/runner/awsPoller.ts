// CloudWatch alarms and metrics for the health views: one poll at a time on a timer, backing off when
// throttled and slowing down on credential problems. A reader window takes the prober window's
// results from the shared file and calls AWS only when there is no fresh entry for its settings.
// No `vscode` import: trust, role and settings come in as callbacks.
import type { AwsConfig, HealthConfig } from '../model/healthConfig';
import type { AlarmSnapshot, AwsProblem } from '../model/snapshot';
import { HOUR } from '../model/slaMath';
import {
  AwsClients,
  AwsTimeouts,
  Backoff,
  DEFAULT_AWS_TIMEOUTS,
  classifyAwsError,
  createClients,
  describeAlarms,
  getMetricSeries,
  withDeadline,
} from './aws';
import { CloudWatchShare, cloudWatchShareKey, shareMaxAgeMs } from './cloudWatchShare';
import type { Role } from './probeCoordinator';

export interface AwsPollerHost {
  isTrusted(): boolean;
  role(): Role;
  /** The file's AWS settings with the user settings filling what it leaves out. */
  resolveAws(cfg: HealthConfig): AwsConfig;
  lookbackDays(): number;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  changed(): void;
  /** A new AWS problem to tell the user about (once, not once per poll). */
  showProblem(message: string): void;
  /** Client timeouts and the deadline of one poll (defaults: DEFAULT_AWS_TIMEOUTS). */
  timeouts?: Partial<AwsTimeouts>;
}

export class AwsPoller {
  alarms: AlarmSnapshot[] = [];
  alarmsAsOf: number | undefined;
  metricPoints = new Map<string, Array<[number, number]>>();
  problem: AwsProblem | undefined;
  private lastProblemShown: string | undefined;
  private clientsKey = '';
  private timer: ReturnType<typeof setTimeout> | undefined;
  private backoff = new Backoff(60_000);
  private generation = 0;
  private config: HealthConfig | undefined;
  private disposed = false;
  clients: AwsClients | undefined;

  constructor(
    private readonly share: CloudWatchShare,
    private readonly host: AwsPollerHost,
  ) {}

  /** Applies a configuration: (re)creates the clients when their settings changed and polls now. */
  apply(cfg: HealthConfig | undefined, force = false): void {
    this.config = cfg;
    const wantsAws = !!cfg && (cfg.alarms.names.length + cfg.alarms.prefixes.length + cfg.metrics.length > 0 || cfg.cost.enabled);
    if (!cfg || !wantsAws) {
      this.clients?.dispose();
      this.clients = undefined;
      this.clientsKey = '';
      if (this.timer) clearTimeout(this.timer);
      this.alarms = [];
      this.metricPoints.clear();
      this.problem = undefined;
      return;
    }
    const aws = this.host.resolveAws(cfg);
    const key = JSON.stringify(aws);
    if (force || key !== this.clientsKey || !this.clients) {
      this.clients?.dispose();
      this.clients = createClients(aws, undefined, this.host.timeouts);
      this.clientsKey = key;
      this.lastProblemShown = undefined;
    }
    this.backoff = new Backoff(cfg.alarmPollMs);
    this.schedule(++this.generation, 0);
  }

  /** The one pending poll (of generation `gen`), `delayMs` from now. */
  private schedule(gen: number, delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(gen), delayMs);
  }

  /** One poll of alarms and metrics; schedules the next. */
  async poll(gen = this.generation): Promise<void> {
    const cfg = this.config;
    const clients = this.clients;
    if (!cfg || !clients || gen !== this.generation || this.disposed) return;
    if (!this.host.isTrusted()) {
      this.problem = {
        kind: 'other',
        message:
          'AWS calls are off in an untrusted workspace (the config could redirect them). Trust the folder to see alarms, metrics and cost.',
      };
      return this.host.changed();
    }
    const shareKey = cloudWatchShareKey(this.host.resolveAws(cfg), cfg, this.host.lookbackDays());
    if (this.host.role() === 'reader') {
      const shared = await this.share.read(shareKey, Date.now(), shareMaxAgeMs(cfg.alarmPollMs));
      if (gen !== this.generation || this.disposed) return;
      if (shared) {
        this.alarms = shared.alarms;
        this.alarmsAsOf = shared.alarmsAsOf;
        this.metricPoints = new Map(shared.metrics);
        this.setProblem(shared.problem);
        this.host.changed();
        this.schedule(gen, Math.min(cfg.alarmPollMs, 10_000));
        return;
      }
    }
    let throttled = false;
    const deadlineMs = { ...DEFAULT_AWS_TIMEOUTS, ...this.host.timeouts }.pollDeadlineMs;
    try {
      // One deadline for the whole poll: a hung call cannot keep the next poll from being scheduled.
      const { alarms, points } = await withDeadline(deadlineMs, 'CloudWatch', async (signal) => ({
        // Nothing asked for (config changed): nothing shown, rather than the last config's alarms.
        alarms:
          cfg.alarms.names.length || cfg.alarms.prefixes.length
            ? await describeAlarms(clients.cloudWatch, cfg.alarms.names, cfg.alarms.prefixes, signal)
            : [],
        points: cfg.metrics.length
          ? await getMetricSeries(clients.cloudWatch, cfg.metrics, Date.now(), this.host.lookbackDays() * 24 * HOUR, signal)
          : new Map<string, Array<[number, number]>>(),
      }));
      if (gen !== this.generation || this.disposed) return;
      this.alarms = alarms;
      this.alarmsAsOf = Date.now();
      this.metricPoints = points;
      this.setProblem(undefined);
    } catch (e) {
      if (gen !== this.generation || this.disposed) return;
      const p = classifyAwsError(e, this.host.resolveAws(cfg).profile);
      throttled = p.kind === 'throttled';
      this.setProblem(p);
      this.host.log('warn', `Health: CloudWatch poll failed: ${p.message}`);
    }
    if (this.host.role() === 'prober') {
      const entry = {
        key: shareKey,
        at: Date.now(),
        alarms: this.alarms,
        alarmsAsOf: this.alarmsAsOf,
        metrics: [...this.metricPoints],
        problem: this.problem,
      };
      await this.share
        .write(entry)
        .catch((e: Error) => this.host.log('warn', `Health: could not share CloudWatch results with other windows: ${e.message}`));
    }
    this.host.changed();
    if (gen !== this.generation || this.disposed) return;
    // Expired or missing credentials will not fix themselves quickly: poll slowly until "Refresh".
    const delay = this.problem?.kind === 'credentials' ? Math.max(cfg.alarmPollMs, 5 * 60_000) : this.backoff.next(throttled);
    this.schedule(gen, delay);
  }

  /** Records the current AWS problem; a new one is shown once (not once per poll), throttling never. */
  setProblem(p: AwsProblem | undefined): void {
    this.problem = p;
    if (!p) {
      this.lastProblemShown = undefined;
      return;
    }
    if (p.kind === 'throttled' || this.lastProblemShown === p.message) return;
    this.lastProblemShown = p.message;
    this.host.showProblem(p.message);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.clients?.dispose();
  }
}
