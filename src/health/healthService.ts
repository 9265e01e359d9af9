// The health capability's engine room in the extension host: watches the config file, owns the
// monitor, the lease, the history, AWS polling and the cost cache, and publishes one snapshot that
// every view renders. Views subscribe to `onDidChange`; nothing else keeps its own copy of state.
import { createHash, randomUUID } from 'crypto';
import { promises as fsp } from 'fs';
import * as path from 'path';
import { replaceFileAtomically } from '../shared/atomicFile';
import * as vscode from 'vscode';
import type { OpsDeckContext } from '../context';
import { AwsClients, Backoff, classifyAwsError, createClients, describeAlarms, fetchCost, getMetricSeries } from './runner/aws';
import { CloudWatchShare, cloudWatchShareKey, shareMaxAgeMs } from './runner/cloudWatchShare';
import { CostCache, costCacheKey, costSnapshot, isStale } from './runner/costCache';
import { TrackerEvent } from './model/endpointState';
import { capacityForecast } from './model/forecast';
import { EndpointConfig, HealthConfig, MaintenanceWindow, parseHealthConfig } from './model/healthConfig';
import { HistoryStore } from './runner/historyStore';
import { Lease } from './runner/lease';
import { AlarmSnapshot, AwsProblem, CostSnapshot, HealthSnapshot, MetricSeriesSnapshot } from './model/snapshot';
import { HealthMonitor } from './runner/monitor';
import { AwsSettings, CostSettings, HealthSettings } from './settings';
import { HOUR } from './model/slaMath';
import { formatDuration, formatMoney, overallOf, statusBarText } from './model/statusText';

export interface NotificationRecord {
  at: number;
  kind: TrackerEvent['kind'] | 'aws' | 'budget';
  endpoint?: string;
  message: string;
  /** False when muted, disabled or shown by another window. */
  shown: boolean;
}

const EMPTY_CONFIG: HealthConfig = {
  endpoints: [],
  maintenance: [],
  alarms: { names: [], prefixes: [] },
  metrics: [],
  aws: {},
  cost: { enabled: false, currency: 'USD', groupBy: 'SERVICE' },
  alarmPollMs: 60_000,
};

export class HealthService implements vscode.Disposable {
  readonly settings = new HealthSettings();
  readonly awsSettings = new AwsSettings();
  readonly costSettings = new CostSettings();
  readonly monitor: HealthMonitor;
  readonly store: HistoryStore;
  readonly lease: Lease;
  readonly storageDir: string;
  readonly cloudWatchShare: CloudWatchShare;
  readonly notifications: NotificationRecord[] = [];
  private readonly diagnostics: vscode.DiagnosticCollection;
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly disposables: vscode.Disposable[] = [];
  private config: HealthConfig | undefined;
  private configProblem: string | undefined;
  private configExists = false;
  private role: HealthSnapshot['role'] = 'idle';
  private alarms: AlarmSnapshot[] = [];
  private alarmsAsOf: number | undefined;
  private metricPoints = new Map<string, Array<[number, number]>>();
  private awsProblem: AwsProblem | undefined;
  private lastAwsProblemShown: string | undefined;
  private clients: AwsClients | undefined;
  private clientsKey = '';
  private awsTimer: ReturnType<typeof setTimeout> | undefined;
  private awsBackoff = new Backoff(60_000);
  private awsGeneration = 0;
  private cost: CostSnapshot | undefined;
  private costProblem: string | undefined;
  private readonly costCache: CostCache;
  private costTimer: ReturnType<typeof setInterval> | undefined;
  private costFetching: Promise<void> | undefined;
  /** Month (YYYY-MM) for which the over-budget warning was shown: once a month, not once per refresh. */
  private budgetWarned: string | undefined;
  private tailTimer: ReturnType<typeof setInterval> | undefined;
  private tailOffset = 0;
  private tailIno: number | undefined;
  private compactTimer: ReturnType<typeof setInterval> | undefined;
  private changeTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  /** Incremented on every published change: lets tests wait for "something new". */
  generation = 0;

  constructor(
    private readonly ctx: OpsDeckContext,
    private readonly folder: vscode.WorkspaceFolder | undefined,
  ) {
    // History and lease live in global storage (shared by all windows), keyed by the workspace folder.
    const key = createHash('sha256')
      .update(folder?.uri.toString() ?? 'no-folder')
      .digest('hex')
      .slice(0, 16);
    this.storageDir = path.join(ctx.extension.globalStorageUri.fsPath, 'health', key);
    this.store = new HistoryStore(path.join(this.storageDir, 'history.jsonl'), { flushDelayMs: 1000 });
    this.lease = new Lease(path.join(this.storageDir, 'lease.json'), `${process.pid}-${randomUUID()}`, this.settings.leaseSeconds * 1000);
    this.cloudWatchShare = new CloudWatchShare(path.join(this.storageDir, 'cloudwatch.json'));
    this.costCache = new CostCache(path.join(ctx.extension.globalStorageUri.fsPath, 'cost-cache.json'));
    this.diagnostics = vscode.languages.createDiagnosticCollection('opsdeck-health');
    this.disposables.push(this.diagnostics, this.changeEmitter);
    this.monitor = new HealthMonitor({
      store: this.store,
      resolveHeaders: (ep) => this.resolveHeaders(ep),
      log: (level, m) => this.ctx.output[level](m),
    });
    this.monitor.onEvent((e) => this.onTrackerEvent(e));
    this.monitor.onChange(() => this.changed());
  }

  get configUri(): vscode.Uri | undefined {
    return this.folder && vscode.Uri.joinPath(this.folder.uri, ...this.settings.configFile.split('/'));
  }

  async start(): Promise<void> {
    await fsp.mkdir(this.storageDir, { recursive: true });
    const uri = this.configUri;
    if (uri && this.folder) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(this.folder, this.settings.configFile));
      const reload = () => void this.reloadConfig();
      watcher.onDidChange(reload);
      watcher.onDidCreate(reload);
      watcher.onDidDelete(reload);
      this.disposables.push(watcher);
      // Unsaved edits are validated as you type; only saved content is applied.
      this.disposables.push(
        vscode.workspace.onDidChangeTextDocument((e) => {
          if (e.document.uri.toString() === uri.toString())
            this.setDiagnostics(e.document.uri, parseHealthConfig(e.document.getText()).diagnostics);
        }),
      );
      this.disposables.push(
        vscode.workspace.onDidSaveTextDocument((d) => {
          if (d.uri.toString() === uri.toString()) reload();
        }),
      );
    }
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (this.settings.affects(e)) {
          this.lease.setTtl(this.settings.leaseSeconds * 1000);
          void this.reloadConfig();
        }
        if (this.awsSettings.affects(e) && this.config) this.applyAws(this.config, true);
      }),
    );
    this.disposables.push(
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        if (this.config) this.applyAws(this.config, true);
      }),
    );
    await this.reloadConfig();
    await this.loadHistory();
    await this.readAdHocMaintenance();
    this.lease.onChange((held) => void this.onLease(held));
    this.lease.start();
    this.costTimer = setInterval(() => void this.refreshCost(false), 5 * 60_000);
  }

  // ---------------------------------------------------------------- configuration

  async reloadConfig(): Promise<void> {
    const uri = this.configUri;
    let text: string | undefined;
    if (uri) {
      try {
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      } catch {
        text = undefined;
      }
    }
    this.configExists = text !== undefined;
    void vscode.commands.executeCommand('setContext', 'opsdeck.health.configured', this.configExists);
    if (text === undefined) {
      this.config = undefined;
      this.configProblem = undefined;
      if (uri) this.diagnostics.delete(uri);
      this.monitor.setConfig(EMPTY_CONFIG);
      this.applyAws(EMPTY_CONFIG);
      this.cost = undefined;
      return this.changed();
    }
    const result = parseHealthConfig(text);
    this.setDiagnostics(uri!, result.diagnostics);
    if (!result.config) {
      const first = result.diagnostics.find((d) => d.severity === 'error')!;
      this.configProblem = `${this.settings.configFile} line ${first.line + 1}: ${first.message}${this.config ? ' (still running the last good configuration)' : ''}`;
      this.ctx.output.warn(`Health: ${this.configProblem}`);
      return this.changed();
    }
    this.configProblem = undefined;
    this.config = result.config;
    this.monitor.setConfig(result.config);
    this.applyAws(result.config);
    this.ctx.output.info(
      `Health: configuration loaded (${result.config.endpoints.length} endpoint(s), ${result.config.metrics.length} metric(s)).`,
    );
    void this.refreshCost(false);
    this.changed();
  }

  private setDiagnostics(uri: vscode.Uri, diags: ReturnType<typeof parseHealthConfig>['diagnostics']): void {
    this.diagnostics.set(
      uri,
      diags.map((d) => {
        const diag = new vscode.Diagnostic(
          new vscode.Range(d.line, d.column, d.endLine, Math.max(d.endColumn, d.line === d.endLine ? d.column + 1 : d.endColumn)),
          d.message,
          d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
        );
        diag.source = 'OpsDeck health';
        return diag;
      }),
    );
  }

  private async resolveHeaders(ep: EndpointConfig): Promise<Record<string, string>> {
    if (ep.kind !== 'http') return {};
    const out: Record<string, string> = {};
    for (const [name, v] of Object.entries(ep.headers)) {
      if (v.kind === 'literal') out[name] = v.value;
      else if (!vscode.workspace.isTrusted)
        throw new Error(`header ${name} is not sent: secrets and environment values are only used in a trusted workspace`);
      else if (v.kind === 'env') {
        const val = process.env[v.name];
        if (val === undefined) throw new Error(`header ${name}: environment variable ${v.name} is not set`);
        out[name] = val;
      } else {
        const val = await this.ctx.extension.secrets.get(secretKey(v.key));
        if (val === undefined) throw new Error(`header ${name}: secret "${v.key}" is not set (run "OpsDeck: Set Health Check Secret")`);
        out[name] = val;
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- history, lease, roles

  private async loadHistory(): Promise<void> {
    const { records, skipped, offset } = await this.store.load();
    this.monitor.replay(records, skipped);
    this.tailOffset = offset;
    try {
      this.tailIno = (await fsp.stat(this.store.file)).ino;
    } catch {
      this.tailIno = undefined;
    }
    if (skipped)
      this.ctx.output.warn(
        `Health: skipped ${skipped} unreadable line(s) in ${this.store.file} (an interrupted write); the rest of the history is intact.`,
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
      void this.refreshCost(false);
    } else {
      this.role = 'reader';
      this.monitor.stopProbing();
      if (this.compactTimer) clearInterval(this.compactTimer);
      await this.loadHistory();
      this.startTail();
    }
    this.ctx.output.info(`Health: this window is now the ${this.role} (lease ${this.lease.file}).`);
    this.changed();
  }

  private startTail(): void {
    this.stopTail();
    const every = Math.max(250, Math.min(5000, ...(this.config?.endpoints.map((e) => e.intervalMs / 2) ?? [5000])));
    this.tailTimer = setInterval(() => void this.tail(), every);
  }

  private stopTail(): void {
    if (this.tailTimer) clearInterval(this.tailTimer);
    this.tailTimer = undefined;
  }

  private async tail(): Promise<void> {
    const r = await this.store.readFrom(this.tailOffset, this.tailIno);
    this.tailOffset = r.offset;
    this.tailIno = r.ino;
    if (r.reset) this.monitor.replay(r.records);
    else this.monitor.ingestForeign(r.records);
    await this.readAdHocMaintenance();
  }

  private async compactIfDue(): Promise<void> {
    try {
      // Hourly: roll up raw samples past their retention once the log is worth rewriting.
      if ((await this.store.size()) > 1024 * 1024) {
        const kept = await this.store.compact(Date.now());
        this.ctx.output.info(`Health: compacted history to ${kept.length} records.`);
      }
    } catch (e) {
      this.ctx.output.error(`Health: history compaction failed, the log is unchanged: ${(e as Error).message}`);
    }
  }

  // ---------------------------------------------------------------- maintenance & mute

  private get maintenanceFile(): string {
    return path.join(this.storageDir, 'maintenance.json');
  }

  private async readAdHocMaintenance(): Promise<void> {
    try {
      const list = JSON.parse(await fsp.readFile(this.maintenanceFile, 'utf8')) as MaintenanceWindow[];
      const now = Date.now();
      this.monitor.adHocMaintenance = list.filter((m) => m.endMs > now - 35 * 24 * HOUR);
    } catch {
      this.monitor.adHocMaintenance = [];
    }
  }

  async startMaintenance(minutes: number, endpoints: string[] | undefined, reason?: string): Promise<void> {
    await this.readAdHocMaintenance();
    const now = Date.now();
    const list = [
      ...this.monitor.adHocMaintenance.filter((m) => m.endMs > now),
      { startMs: now, endMs: now + minutes * 60_000, endpoints, reason },
    ];
    await replaceFileAtomically(this.maintenanceFile, JSON.stringify(list));
    this.monitor.adHocMaintenance = list;
    this.changed();
  }

  async endMaintenance(): Promise<void> {
    const now = Date.now();
    const list = this.monitor.adHocMaintenance.map((m) => (m.endMs > now ? { ...m, endMs: now } : m));
    await replaceFileAtomically(this.maintenanceFile, JSON.stringify(list));
    this.monitor.adHocMaintenance = list;
    this.changed();
  }

  mute(endpoint: string, minutes = this.settings.muteMinutes): void {
    this.monitor.mute(endpoint, Date.now() + minutes * 60_000);
    this.ctx.output.info(`Health: notifications for ${endpoint} muted for ${minutes} min.`);
  }

  unmute(endpoint: string): void {
    this.monitor.mute(endpoint, 0);
  }

  // ---------------------------------------------------------------- notifications

  private onTrackerEvent(e: TrackerEvent): void {
    const last = this.monitor.snapshot().find((x) => x.name === e.endpoint);
    const message =
      e.kind === 'down'
        ? `${e.endpoint} is DOWN${e.error ? `: ${e.error}` : ''}`
        : e.kind === 'recovered'
          ? `${e.endpoint} recovered after ${formatDuration(e.downForMs)} down`
          : e.kind === 'flapping'
            ? `${e.endpoint} is flapping (${e.transitions} state changes); notifications for it pause until it settles`
            : `${e.endpoint} stopped flapping and is ${e.status}`;
    const shown = this.role === 'prober' && this.settings.notifications && !(last?.muted ?? false);
    this.notifications.push({ at: e.at, kind: e.kind, endpoint: e.endpoint, message, shown });
    if (this.notifications.length > 200) this.notifications.splice(0, this.notifications.length - 200);
    (e.kind === 'down' || e.kind === 'flapping' ? this.ctx.output.warn : this.ctx.output.info).call(this.ctx.output, `Health: ${message}`);
    if (!shown) return;
    const actions = e.kind === 'recovered' || e.kind === 'stable' ? ['Open Dashboard'] : ['Open Dashboard', 'Mute'];
    const show =
      e.kind === 'down'
        ? vscode.window.showErrorMessage
        : e.kind === 'flapping'
          ? vscode.window.showWarningMessage
          : vscode.window.showInformationMessage;
    void show(`OpsDeck: ${message}`, ...actions).then((choice) => {
      if (choice === 'Open Dashboard') void vscode.commands.executeCommand('opsdeck.openHealthDashboard');
      if (choice === 'Mute') this.mute(e.endpoint);
    });
  }

  // ---------------------------------------------------------------- AWS: alarms and metrics

  private applyAws(cfg: HealthConfig, force = false): void {
    const aws = this.resolvedAws(cfg);
    const key = JSON.stringify(aws);
    const wantsAws = cfg.alarms.names.length + cfg.alarms.prefixes.length + cfg.metrics.length > 0 || cfg.cost.enabled;
    if (!wantsAws) {
      this.clients?.dispose();
      this.clients = undefined;
      this.clientsKey = '';
      if (this.awsTimer) clearTimeout(this.awsTimer);
      this.alarms = [];
      this.metricPoints.clear();
      this.awsProblem = undefined;
      return;
    }
    if (force || key !== this.clientsKey || !this.clients) {
      this.clients?.dispose();
      this.clients = createClients(aws);
      this.clientsKey = key;
      this.lastAwsProblemShown = undefined;
    }
    this.awsBackoff = new Backoff(cfg.alarmPollMs);
    this.schedulePoll(++this.awsGeneration, 0);
  }

  /** The one pending AWS poll (of generation `gen`), `delayMs` from now. */
  private schedulePoll(gen: number, delayMs: number): void {
    if (this.awsTimer) clearTimeout(this.awsTimer);
    this.awsTimer = setTimeout(() => void this.pollAws(gen), delayMs);
  }

  /** The file's AWS settings with the user settings filling what it leaves out. */
  private resolvedAws(cfg: HealthConfig): HealthConfig['aws'] {
    return {
      ...cfg.aws,
      profile: cfg.aws.profile ?? (this.awsSettings.profile || undefined),
      region: cfg.aws.region ?? (this.awsSettings.region || undefined),
    };
  }

  private get awsProfile(): string | undefined {
    return this.config ? this.resolvedAws(this.config).profile : this.awsSettings.profile || undefined;
  }

  /**
   * One poll of alarms and metrics; schedules the next with backoff when throttled. A reader window
   * takes the prober window's results from the shared file (cloudWatchShare.ts) and calls AWS only
   * when there is no fresh entry for its settings.
   */
  async pollAws(gen = this.awsGeneration): Promise<void> {
    const cfg = this.config;
    const clients = this.clients;
    if (!cfg || !clients || gen !== this.awsGeneration || this.disposed) return;
    if (!vscode.workspace.isTrusted) {
      this.awsProblem = {
        kind: 'other',
        message:
          'AWS calls are off in an untrusted workspace (the config could redirect them). Trust the folder to see alarms, metrics and cost.',
      };
      return this.changed();
    }
    const shareKey = cloudWatchShareKey(this.resolvedAws(cfg), cfg, this.awsSettings.metricLookbackDays);
    if (this.role === 'reader') {
      const shared = await this.cloudWatchShare.read(shareKey, Date.now(), shareMaxAgeMs(cfg.alarmPollMs));
      if (gen !== this.awsGeneration || this.disposed) return;
      if (shared) {
        this.alarms = shared.alarms;
        this.alarmsAsOf = shared.alarmsAsOf;
        this.metricPoints = new Map(shared.metrics);
        this.setAwsProblem(shared.problem);
        this.changed();
        this.schedulePoll(gen, Math.min(cfg.alarmPollMs, 10_000));
        return;
      }
    }
    let throttled = false;
    try {
      // Nothing asked for (config changed): nothing shown, rather than the last config's alarms.
      this.alarms =
        cfg.alarms.names.length || cfg.alarms.prefixes.length
          ? await describeAlarms(clients.cloudWatch, cfg.alarms.names, cfg.alarms.prefixes)
          : [];
      this.alarmsAsOf = Date.now();
      this.metricPoints = cfg.metrics.length
        ? await getMetricSeries(clients.cloudWatch, cfg.metrics, Date.now(), this.awsSettings.metricLookbackDays * 24 * HOUR)
        : new Map();
      this.setAwsProblem(undefined);
    } catch (e) {
      const p = classifyAwsError(e, this.awsProfile);
      throttled = p.kind === 'throttled';
      this.setAwsProblem(p);
      this.ctx.output.warn(`Health: CloudWatch poll failed: ${p.message}`);
    }
    if (this.role === 'prober') {
      const entry = {
        key: shareKey,
        at: Date.now(),
        alarms: this.alarms,
        alarmsAsOf: this.alarmsAsOf,
        metrics: [...this.metricPoints],
        problem: this.awsProblem,
      };
      await this.cloudWatchShare
        .write(entry)
        .catch((e: Error) => this.ctx.output.warn(`Health: could not share CloudWatch results with other windows: ${e.message}`));
    }
    this.changed();
    if (gen !== this.awsGeneration || this.disposed) return;
    // Expired or missing credentials will not fix themselves quickly: poll slowly until "Refresh".
    const delay = this.awsProblem?.kind === 'credentials' ? Math.max(cfg.alarmPollMs, 5 * 60_000) : this.awsBackoff.next(throttled);
    this.schedulePoll(gen, delay);
  }

  /** Shows an AWS problem once (not once per poll); a later different problem is shown again. */
  private setAwsProblem(p: AwsProblem | undefined): void {
    this.awsProblem = p;
    if (!p) {
      this.lastAwsProblemShown = undefined;
      return;
    }
    if (p.kind === 'throttled' || this.lastAwsProblemShown === p.message) return;
    this.lastAwsProblemShown = p.message;
    this.notifications.push({ at: Date.now(), kind: 'aws', message: p.message, shown: true });
    void vscode.window.showWarningMessage(`OpsDeck: ${p.message}`, 'Show Log').then((c) => {
      if (c === 'Show Log') this.ctx.output.show(true);
    });
  }

  // ---------------------------------------------------------------- cost

  /** Loads cost from the shared cache; asks Cost Explorer only when stale (or forced) and this window probes. */
  refreshCost(force: boolean): Promise<void> {
    if (this.costFetching) return this.costFetching;
    this.costFetching = this.doRefreshCost(force).finally(() => {
      this.costFetching = undefined;
    });
    return this.costFetching;
  }

  private async doRefreshCost(force: boolean): Promise<void> {
    const cfg = this.config;
    if (!cfg?.cost.enabled) {
      this.cost = undefined;
      return;
    }
    const now = Date.now();
    const aws = { ...cfg.aws, profile: this.awsProfile };
    const key = costCacheKey(aws, cfg.cost, now);
    const cached = this.costCache.read(key);
    if (cached) this.cost = costSnapshot(cached, cfg.cost, now, true);
    const due = force || (this.role === 'prober' && isStale(cached, now, this.costSettings.minRefreshHours * HOUR));
    if (!due || !this.clients) return this.changed();
    if (!vscode.workspace.isTrusted) return;
    try {
      const data = await fetchCost(this.clients.costExplorer, cfg.cost, now);
      await this.costCache.write(key, data);
      this.cost = costSnapshot(data, cfg.cost, now, false);
      this.costProblem = undefined;
      this.warnBudget(this.cost);
      this.ctx.output.info(`Health: cost refreshed from Cost Explorer (${data.daily.length} days).`);
    } catch (e) {
      const p = classifyAwsError(e, this.awsProfile);
      this.costProblem = p.message;
      if (p.kind === 'credentials') this.setAwsProblem(p);
      this.ctx.output.warn(`Health: Cost Explorer failed: ${p.message}${cached ? ' (showing the cached report)' : ''}`);
    }
    this.changed();
  }

  private warnBudget(c: CostSnapshot): void {
    const month = c.monthStart.slice(0, 7);
    if (!c.budgetAtRisk || c.budget === undefined || this.budgetWarned === month) return;
    this.budgetWarned = month;
    const message = `AWS cost is forecast at ${formatMoney(c.forecastMonthEnd, c.currency)} this month, over the ${formatMoney(c.budget, c.currency)} budget (${formatMoney(c.monthToDate, c.currency)} so far).`;
    this.notifications.push({ at: Date.now(), kind: 'budget', message, shown: true });
    this.ctx.output.warn(`Health: ${message}`);
    void vscode.window.showWarningMessage(`OpsDeck: ${message}`, 'Open Dashboard').then((choice) => {
      if (choice === 'Open Dashboard') void vscode.commands.executeCommand('opsdeck.openHealthDashboard');
    });
  }

  // ---------------------------------------------------------------- snapshot

  private changed(): void {
    if (this.changeTimer || this.disposed) return;
    // Coalesce bursts (200 endpoints finishing together) into one repaint.
    this.changeTimer = setTimeout(() => {
      this.changeTimer = undefined;
      this.generation++;
      this.changeEmitter.fire();
    }, 250);
  }

  snapshot(withRecent = true): HealthSnapshot {
    const now = Date.now();
    const endpoints = this.monitor.snapshot(now, withRecent);
    const metrics: MetricSeriesSnapshot[] = (this.config?.metrics ?? []).map((m) => {
      const points = this.metricPoints.get(m.id) ?? [];
      return {
        id: m.id,
        label: m.label,
        unit: m.unit,
        threshold: m.threshold,
        points,
        forecast: m.threshold !== undefined ? capacityForecast(m.id, m.label, points, m.threshold, m.unit) : undefined,
      };
    });
    const base = { endpoints, alarms: this.alarms, cost: this.cost, awsProblem: this.awsProblem, configProblem: this.configProblem };
    return {
      generatedAt: now,
      role: this.role,
      configFile: this.configExists ? this.configUri?.fsPath : undefined,
      configProblem: this.configProblem,
      endpoints,
      alarms: this.alarms,
      alarmsAsOf: this.alarmsAsOf,
      metrics,
      cost: this.cost,
      costProblem: this.costProblem,
      awsProblem: this.awsProblem,
      overall: overallOf(base),
      statusText: statusBarText(base),
      historySkippedLines: this.monitor.historySkippedLines,
      maintenance: this.monitor.activeMaintenance(),
    };
  }

  get hasConfigFile(): boolean {
    return this.configExists;
  }

  get currentRole(): HealthSnapshot['role'] {
    return this.role;
  }

  async checkNow(): Promise<void> {
    if (this.role === 'prober') await this.monitor.checkAllNow();
    else await this.tail();
    if (this.config) void this.pollAws();
  }

  dispose(): void {
    this.disposed = true;
    this.monitor.dispose();
    void this.lease.release();
    this.stopTail();
    for (const t of [this.awsTimer, this.changeTimer]) if (t) clearTimeout(t);
    for (const t of [this.costTimer, this.compactTimer]) if (t) clearInterval(t);
    this.clients?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

export const secretKey = (key: string) => `opsdeck.health.header.${key}`;
