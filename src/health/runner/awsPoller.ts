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
import type { Route53State } from '../model/snapshot';
import { Route53Source, wantsRoute53 } from './route53Source';
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
  /** The workspace folder's name (Route 53 checks are tagged with it). */
  workspace?: string;
}

export class AwsPoller {
  alarms: AlarmSnapshot[] = [];
  alarmsAsOf: number | undefined;
  metricPoints = new Map<string, Array<[number, number]>>();
  problem: AwsProblem | undefined;
  /** Route 53 results (history kept between polls), and why the last Route 53 poll failed. */
  route53: Route53State | undefined;
  route53Problem: string | undefined;
  private route53Source: Route53Source | undefined;
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
    const wantsAws =
      !!cfg && (cfg.alarms.names.length + cfg.alarms.prefixes.length + cfg.metrics.length > 0 || cfg.cost.enabled || wantsRoute53(cfg));
    if (!cfg || !wantsAws) {
      this.clients?.dispose();
      this.clients = undefined;
      this.clientsKey = '';
      if (this.timer) clearTimeout(this.timer);
      this.alarms = [];
      this.metricPoints.clear();
      this.problem = undefined;
      this.route53 = undefined;
      this.route53Source = undefined;
      return;
    }
    const aws = this.host.resolveAws(cfg);
    const key = JSON.stringify(aws);
    if (force || key !== this.clientsKey || !this.clients) {
      this.clients?.dispose();
      this.clients = createClients(aws, undefined, this.host.timeouts, this.host.workspace);
      const c = this.clients;
      this.route53Source = new Route53Source(c.route53, () => c.route53Metrics());
      this.route53 = undefined;
      this.clientsKey = key;
      this.lastProblemShown = undefined;
    } else this.route53Source?.rediscover();
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
        this.route53 = shared.route53;
        this.route53Problem = shared.route53Problem;
        this.route53Source?.adopt(shared.route53);
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
    await this.pollRoute53(cfg, gen, deadlineMs);
    if (gen !== this.generation || this.disposed) return;
    if (this.host.role() === 'prober') {
      const entry = {
        key: shareKey,
        at: Date.now(),
        alarms: this.alarms,
        alarmsAsOf: this.alarmsAsOf,
        metrics: [...this.metricPoints],
        problem: this.problem,
        route53: this.route53,
        route53Problem: this.route53Problem,
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

  /**
   * Route 53 after CloudWatch, with its own deadline and its own problem line: a check id that does
   * not exist, or no Route 53 access, leaves alarms, metrics and the local checks as they are.
   */
  private async pollRoute53(cfg: HealthConfig, gen: number, deadlineMs: number): Promise<void> {
    const source = this.route53Source;
    if (!source || !wantsRoute53(cfg)) {
      this.route53 = undefined;
      return;
    }
    try {
      const r = await withDeadline(deadlineMs, 'Route 53', (signal) => source.poll(cfg, Date.now(), signal));
      if (gen !== this.generation || this.disposed) return;
      this.route53 = r;
      this.route53Problem = undefined;
      const n = Object.keys(r.endpoints).length;
      // A poll that called nothing (no checks found, discovery cached) is not worth a line every poll.
      if (r.calls.discovery + r.calls.status + r.calls.metricData > 0)
        this.host.log(
          'info',
          `Health: Route 53: ${n} health check(s); AWS calls this poll: ${r.calls.discovery} ListHealthChecks/ListTagsForResources, ${r.calls.status} GetHealthCheckStatus, ${r.calls.metricData} GetMetricData.`,
        );
      for (const p of Object.values(r.problems)) this.host.log('warn', `Health: ${p}`);
    } catch (e) {
      if (gen !== this.generation || this.disposed) return;
      const p = classifyAwsError(
        e,
        this.host.resolveAws(cfg).profile,
        'route53:ListHealthChecks, route53:ListTagsForResources, route53:GetHealthCheckStatus, cloudwatch:GetMetricData',
      );
      this.route53Problem = `Route 53: ${p.message} The local checks go on${this.route53 ? '; showing the last Route 53 figures' : ''}.`;
      this.host.log('warn', `Health: ${this.route53Problem}`);
    }
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
