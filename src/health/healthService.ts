// The health capability's glue in the extension host: builds the collaborators (runner/), backs their
// callbacks with the editor (secrets, notifications, trust, settings), watches the config file and
// publishes one snapshot that every view renders. Views subscribe to `onDidChange`; the state itself
// lives in the collaborators, each small enough for a unit test.
import { createHash, randomUUID } from 'crypto';
import { promises as fsp } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { OpsDeckContext } from '../context';
import { composeSnapshot } from './model/composeSnapshot';
import { SeriesCache } from './model/minuteSeries';
import { AwsConfig, ConfigDiagnostic, HealthConfig, MaintenanceWindow, diagnosticAt } from './model/healthConfig';
import type { HealthSnapshot } from './model/snapshot';
import { StackScope, stackScope } from './model/stackScope';
import { AwsPoller } from './runner/awsPoller';
import { CloudWatchShare } from './runner/cloudWatchShare';
import { checkConfigText, loadHealthConfig } from './runner/configLoader';
import { CostCache } from './runner/costCache';
import { CostRefresher } from './runner/costRefresher';
import { EnvConsent, HeaderResolver, encodeStoredSecret, originsUsingSecret } from './runner/headerResolver';
import { HistoryStore } from './runner/historyStore';
import { Lease } from './runner/lease';
import { MaintenanceStore } from './runner/maintenanceStore';
import { HealthMonitor } from './runner/monitor';
import { NotificationLevel, NotificationRecord, Notifier } from './runner/notifier';
import { ProbeCoordinator } from './runner/probeCoordinator';
import { AwsSettings, CostSettings, HealthSettings } from './settings';

export type { NotificationRecord } from './runner/notifier';

/** Repaint delays: a status change or a person's action, and routine results (see changed()). */
const URGENT_REPAINT_MS = 250;
const ROUTINE_REPAINT_MS = 1000;

const EMPTY_CONFIG: HealthConfig = {
  endpoints: [],
  maintenance: [],
  alarms: { names: [], prefixes: [] },
  metrics: [],
  aws: {},
  cost: { enabled: false, currency: 'USD', groupBy: 'SERVICE' },
  alarmPollMs: 60_000,
  sla: { source: 'both' },
};

export class HealthService implements vscode.Disposable {
  readonly settings: HealthSettings;
  readonly awsSettings = new AwsSettings();
  readonly costSettings = new CostSettings();
  readonly storageDir: string;
  readonly monitor: HealthMonitor;
  readonly store: HistoryStore;
  readonly lease: Lease;
  readonly cloudWatchShare: CloudWatchShare;
  private readonly notifier: Notifier;
  private readonly headers: HeaderResolver;
  private readonly maintenance: MaintenanceStore;
  private readonly coordinator: ProbeCoordinator;
  private readonly aws: AwsPoller;
  private readonly costs: CostRefresher;
  private readonly diagnostics: vscode.DiagnosticCollection;
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly disposables: vscode.Disposable[] = [];
  private config: HealthConfig | undefined;
  /** The file the running configuration came from (problems found while checking point into it). */
  private loaded: { uri: vscode.Uri; text: string; diagnostics: ConfigDiagnostic[] } | undefined;
  private readonly runtimeDiagnostics = new Map<string, ConfigDiagnostic>();
  private configProblem: string | undefined;
  private configExists = false;
  private costTimer: ReturnType<typeof setInterval> | undefined;
  private changeTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the pending repaint fires (an urgent change may bring it forward). */
  private changeDue = 0;
  private disposed = false;
  /** Incremented on every published change: lets tests wait for "something new". */
  generation = 0;

  constructor(
    private readonly ctx: OpsDeckContext,
    private readonly folder: vscode.WorkspaceFolder | undefined,
  ) {
    this.settings = new HealthSettings(folder?.uri);
    // History and lease live in global storage (shared by all windows), keyed by the workspace folder.
    const key = createHash('sha256')
      .update(folder?.uri.toString() ?? 'no-folder')
      .digest('hex')
      .slice(0, 16);
    this.storageDir = path.join(ctx.extension.globalStorageUri.fsPath, 'health', key);
    const log = (level: 'info' | 'warn' | 'error', m: string) => this.ctx.output[level](m);
    const changed = (routine?: boolean) => this.changed(routine);
    this.lease = new Lease(path.join(this.storageDir, 'lease'), `${process.pid}-${randomUUID()}`, this.settings.leaseSeconds * 1000);
    // Only the lease holder writes the history: every write asks the lease first (fencing).
    this.store = new HistoryStore(path.join(this.storageDir, 'history.jsonl'), { flushDelayMs: 1000, fence: () => this.lease.fence() });
    this.cloudWatchShare = new CloudWatchShare(path.join(this.storageDir, 'cloudwatch.json'));
    this.maintenance = new MaintenanceStore(path.join(this.storageDir, 'maintenance.json'), Date.now, (m) => log('warn', m));
    this.diagnostics = vscode.languages.createDiagnosticCollection('opsdeck-health');
    this.disposables.push(this.diagnostics, this.changeEmitter);

    this.notifier = new Notifier({
      show: (level, message, actions) => showMessage(level, message, actions),
      log,
      notificationsEnabled: () => this.settings.notifications,
      openDashboard: () => void vscode.commands.executeCommand('opsdeck.openHealthDashboard'),
      showLog: () => this.ctx.output.show(true),
      mute: (endpoint) => this.mute(endpoint),
      openIncident: (message, endpoint) => openIncident(message, endpoint),
    });
    const headers = (this.headers = new HeaderResolver({
      isTrusted: () => vscode.workspace.isTrusted,
      getSecret: (k) => this.ctx.extension.secrets.get(secretKey(k)),
      env: (name) => process.env[name],
      readConsent: () => this.ctx.extension.workspaceState.get<EnvConsent>(ENV_CONSENT_KEY),
      writeConsent: (c) => this.ctx.extension.workspaceState.update(ENV_CONSENT_KEY, c),
      askToSendEnvironment: async (origin, variables) => {
        this.ctx.output.info(`Health: asking whether ${variables.join(', ')} may be sent to ${origin}.`);
        const choice = await vscode.window.showWarningMessage(
          `OpsDeck: the health configuration sends the environment variable${variables.length === 1 ? '' : 's'} ${variables.join(', ')} to ${origin} in request headers. Allow it for this workspace?`,
          ALLOW,
          DONT_ALLOW,
        );
        return choice === ALLOW;
      },
    }));
    this.monitor = new HealthMonitor({
      store: this.store,
      resolveHeaders: (ep) => headers.resolve(ep),
      log,
      onConfigProblem: (endpoint, message) => this.endpointProblem(endpoint, message),
    });
    this.coordinator = new ProbeCoordinator(this.monitor, this.store, this.lease, {
      log,
      config: () => this.config,
      isTrusted: () => vscode.workspace.isTrusted,
      afterTail: () => this.readAdHocMaintenance(),
      onRole: (role) => {
        if (role === 'prober') void this.costs.refresh(false);
        this.changed();
      },
    });
    const resolveAws = (cfg: HealthConfig) => this.resolvedAws(cfg);
    this.aws = new AwsPoller(this.cloudWatchShare, {
      isTrusted: () => vscode.workspace.isTrusted,
      role: () => this.coordinator.currentRole,
      resolveAws,
      lookbackDays: () => this.awsSettings.metricLookbackDays,
      log,
      changed,
      showProblem: (message) => this.notifier.awsProblem(message),
      workspace: folder?.name,
    });
    this.costs = new CostRefresher(new CostCache(path.join(ctx.extension.globalStorageUri.fsPath, 'cost-cache.json')), {
      config: () => this.config,
      clients: () => this.aws.clients,
      resolveAws,
      role: () => this.coordinator.currentRole,
      isTrusted: () => vscode.workspace.isTrusted,
      minRefreshHours: () => this.costSettings.minRefreshHours,
      log,
      changed,
      credentialsProblem: (p) => this.aws.setProblem(p),
      overBudget: (message) => this.notifier.budget(message),
    });
    this.monitor.onEvent((e) =>
      this.notifier.endpointEvent(e, { prober: this.coordinator.currentRole === 'prober', muted: this.monitor.isMuted(e.endpoint) }),
    );
    this.monitor.onChange(changed);
  }

  get configUri(): vscode.Uri | undefined {
    return this.folder && vscode.Uri.joinPath(this.folder.uri, ...this.settings.configFile.split('/'));
  }

  /** The configuration being run (the last good one), for the Pulumi export. */
  get currentConfig(): HealthConfig | undefined {
    return this.config;
  }

  get notifications(): ReadonlyArray<NotificationRecord> {
    return this.notifier.records;
  }

  async start(): Promise<void> {
    await fsp.mkdir(this.storageDir, { recursive: true });
    this.watchConfigFile();
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (this.settings.affects(e)) {
          this.lease.setTtl(this.settings.leaseSeconds * 1000);
          void this.reloadConfig();
        }
        if (this.awsSettings.affects(e) && this.config) this.aws.apply(this.config, true);
      }),
    );
    this.disposables.push(
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        this.ctx.output.info('Health: the folder is trusted now; checks start.');
        void this.coordinator.trustGranted().then(() => this.changed());
        if (this.config) this.aws.apply(this.config, true);
      }),
    );
    await this.reloadConfig();
    await this.readAdHocMaintenance();
    await this.coordinator.start();
    this.costTimer = setInterval(() => void this.costs.refresh(false), 5 * 60_000);
  }

  private watchConfigFile(): void {
    const uri = this.configUri;
    if (!uri || !this.folder) return;
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
          this.setDiagnostics(
            e.document.uri,
            checkConfigText(uri.fsPath, e.document.getText(), this.settings.configFile, this.settings.probePolicy).diagnostics,
          );
      }),
    );
    this.disposables.push(
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (d.uri.toString() === uri.toString()) reload();
      }),
    );
  }

  // ---------------------------------------------------------------- configuration

  /**
   * One save fires both the file watcher and onDidSaveTextDocument: reloads run one at a time, and a
   * reload that finds what the last one applied (same file, text and rules) changes and logs nothing.
   */
  reloadConfig(): Promise<void> {
    const run = this.reloadChain.then(() => this.reloadOnce());
    this.reloadChain = run.catch(() => undefined);
    return run;
  }
  private reloadChain: Promise<void> = Promise.resolve();
  private appliedKey: string | undefined;

  private async reloadOnce(): Promise<void> {
    if (!this.folder) {
      this.appliedKey = undefined;
      return this.applyMissing();
    }
    const loaded = await loadHealthConfig(this.folder.uri.fsPath, this.settings.configFile, this.settings.probePolicy);
    const key = JSON.stringify([loaded.kind, loaded.file, 'text' in loaded ? loaded.text : '', this.settings.probePolicy]);
    if (key === this.appliedKey) return;
    this.appliedKey = key;
    // A refused path counts as configured: the Health view then shows why, not the welcome.
    this.configExists = loaded.kind !== 'missing';
    void vscode.commands.executeCommand('setContext', 'opsdeck.health.configured', this.configExists);
    const uri = vscode.Uri.file(loaded.file);
    this.runtimeDiagnostics.clear();
    if (loaded.kind === 'missing') {
      this.diagnostics.delete(uri);
      return this.applyMissing();
    }
    if (loaded.kind === 'refused') {
      // Nothing outside the folder is read or run; the views say which setting to fix.
      this.applyMissing();
      this.configProblem = loaded.problem;
      this.ctx.output.warn(`Health: ${loaded.problem}`);
      return;
    }
    this.loaded = { uri, text: loaded.text, diagnostics: loaded.diagnostics };
    this.setDiagnostics(uri, loaded.diagnostics);
    if (loaded.kind === 'invalid') {
      this.configProblem = `${loaded.problem}${this.config ? ' (still running the last good configuration)' : ''}`;
      this.ctx.output.warn(`Health: ${this.configProblem}`);
      return this.changed();
    }
    this.configProblem = undefined;
    this.config = loaded.config;
    this.headers.setConfig(loaded.config);
    this.monitor.setConfig(loaded.config);
    this.aws.apply(loaded.config);
    this.ctx.output.info(
      `Health: configuration loaded (${loaded.config.endpoints.length} endpoint(s), ${loaded.config.metrics.length} metric(s)).`,
    );
    void this.costs.refresh(false);
    this.changed();
  }

  private applyMissing(): void {
    this.config = undefined;
    this.configProblem = undefined;
    this.monitor.setConfig(EMPTY_CONFIG);
    this.aws.apply(undefined);
    this.costs.clear();
    this.changed();
  }

  /**
   * A check found a problem in an endpoint's configuration (its bodyMatch ran out of time, its host
   * resolved to a link-local address): a diagnostic where the file says it, beside the parse results.
   */
  private endpointProblem(endpoint: string, message: string): void {
    const i = this.config?.endpoints.findIndex((e) => e.name === endpoint) ?? -1;
    if (!this.loaded || i < 0) return;
    const ep = this.config!.endpoints[i];
    const key = /bodyMatch/.test(message) && ep.kind === 'http' ? 'bodyMatch' : ep.kind === 'http' ? 'url' : 'tcp';
    this.runtimeDiagnostics.set(endpoint, diagnosticAt(this.loaded.text, ['endpoints', i, key], message));
    this.setDiagnostics(this.loaded.uri, this.loaded.diagnostics);
    this.changed();
  }

  private setDiagnostics(uri: vscode.Uri, parsed: readonly ConfigDiagnostic[]): void {
    const diags = [...parsed, ...this.runtimeDiagnostics.values()];
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

  /** The file's AWS settings with the user settings filling what it leaves out. */
  private resolvedAws(cfg: HealthConfig): AwsConfig {
    return {
      ...cfg.aws,
      profile: cfg.aws.profile ?? (this.awsSettings.profile || undefined),
      region: cfg.aws.region ?? (this.awsSettings.region || undefined),
    };
  }

  // ---------------------------------------------------------------- maintenance & mute

  private async readAdHocMaintenance(): Promise<void> {
    this.monitor.adHocMaintenance = await this.maintenance.read();
  }

  async startMaintenance(minutes: number, endpoints: string[] | undefined, reason?: string): Promise<void> {
    this.monitor.adHocMaintenance = await this.maintenance.start(minutes, endpoints, reason);
    this.changed();
  }

  async endMaintenance(): Promise<void> {
    this.monitor.adHocMaintenance = await this.maintenance.endAll();
    this.changed();
  }

  mute(endpoint: string, minutes = this.settings.muteMinutes): void {
    this.monitor.mute(endpoint, Date.now() + minutes * 60_000);
    this.notifier.closeIncident(endpoint);
    this.ctx.output.info(`Health: notifications for ${endpoint} muted for ${minutes} min.`);
  }

  unmute(endpoint: string): void {
    this.monitor.mute(endpoint, 0);
  }

  refreshCost(force: boolean): Promise<void> {
    return this.costs.refresh(force);
  }

  // ---------------------------------------------------------------- snapshot

  /**
   * Coalesces changes into one repaint: within 250 ms for a status change or anything a person did,
   * within a second for routine results (a new sample, same status). 200 endpoints every 10 s are 20
   * results a second; one repaint per result would cost more than the checks.
   */
  private changed(routine = false): void {
    if (this.disposed) return;
    const due = Date.now() + (routine ? ROUTINE_REPAINT_MS : URGENT_REPAINT_MS);
    if (this.changeTimer) {
      if (due >= this.changeDue) return;
      clearTimeout(this.changeTimer);
    }
    this.changeDue = due;
    this.changeTimer = setTimeout(
      () => {
        this.changeTimer = undefined;
        this.generation++;
        this.changeEmitter.fire();
      },
      Math.max(0, due - Date.now()),
    );
  }

  snapshot(withRecent = true): HealthSnapshot {
    const now = Date.now();
    return composeSnapshot({
      now,
      role: this.coordinator.currentRole,
      config: this.config,
      configFile: this.configExists ? this.configUri?.fsPath : undefined,
      configProblem: this.configProblem,
      endpoints: this.monitor.snapshot(now, withRecent),
      alarms: this.aws.alarms,
      alarmsAsOf: this.aws.alarmsAsOf,
      metricPoints: this.aws.metricPoints,
      cost: this.costs.cost,
      costProblem: this.costs.problem,
      awsProblem: this.aws.problem,
      historySkippedLines: this.monitor.historySkippedLines,
      maintenance: this.monitor.activeMaintenance() as MaintenanceWindow[],
      notProbingReason: this.coordinator.notProbingReason,
      route53: this.aws.route53,
      route53Problem: this.aws.route53Problem,
      seriesCache: this.seriesCache,
    });
  }
  private readonly seriesCache = new SeriesCache();

  /** The https origins whose endpoints use `{ secret: key }` (Set Health Check Secret offers them). */
  originsUsingSecret(key: string): string[] {
    return originsUsingSecret(this.config, key);
  }

  /** Stores a header secret bound to the origin it is for. */
  async storeSecret(key: string, origin: string, value: string): Promise<void> {
    await this.ctx.extension.secrets.store(secretKey(key), encodeStoredSecret(origin, value));
  }

  /** Forgets the answers about sending environment values (the next check asks again). */
  async forgetHeaderAnswers(): Promise<void> {
    await this.ctx.extension.workspaceState.update(ENV_CONSENT_KEY, undefined);
  }

  get hasConfigFile(): boolean {
    return this.configExists;
  }

  get currentRole(): HealthSnapshot['role'] {
    return this.coordinator.currentRole;
  }

  /** The endpoints and alarms that belong to a stack (`stack:` in health.yaml). */
  scope(stackRef: string, stack: string): StackScope {
    return stackScope(this.config ?? EMPTY_CONFIG, stackRef, stack);
  }

  get verifyConfig(): HealthConfig['verify'] {
    return this.config?.verify;
  }

  /** Every new check result (this window's or, in a reader window, the prober's). */
  onSample(listener: (endpoint: string, check: { t: number; ok: boolean; latencyMs: number; error?: string }) => void): vscode.Disposable {
    const off = this.monitor.onSample((r) =>
      listener(r.endpoint, { t: r.sample.t, ok: r.sample.ok, latencyMs: r.sample.latencyMs, error: r.error }),
    );
    return { dispose: off };
  }

  /**
   * Checks these endpoints (and polls the alarms) more often for a while: a verification window after
   * a deploy. Never below the interval floor (opsdeck.health.minimumIntervalSeconds), never in an
   * untrusted workspace, and only in the window that runs the checks (the others read its results).
   */
  probeFaster(endpoints: readonly string[], intervalMs: number): vscode.Disposable {
    if (!vscode.workspace.isTrusted) return { dispose: () => undefined };
    const ms = Math.max(intervalMs, this.settings.probePolicy.minIntervalMs);
    if (ms > intervalMs)
      this.ctx.output.info(`Health: faster checks raised to the ${ms / 1000} s floor (opsdeck.health.minimumIntervalSeconds).`);
    if (this.coordinator.currentRole !== 'prober')
      this.ctx.output.info('Health: another window runs the checks; the verification window reads its results at their usual pace.');
    const off = this.monitor.probeFaster(endpoints, ms);
    const alarmMs = Math.max(ms, 2000);
    const timer =
      this.config?.alarms.names.length || this.config?.alarms.prefixes.length
        ? setInterval(() => void this.aws.poll(), alarmMs)
        : undefined;
    return {
      dispose: () => {
        off();
        if (timer) clearInterval(timer);
      },
    };
  }

  async checkNow(): Promise<void> {
    await this.coordinator.checkNow();
    if (this.config) void this.aws.poll();
  }

  dispose(): void {
    this.disposed = true;
    this.monitor.dispose();
    this.coordinator.dispose();
    if (this.changeTimer) clearTimeout(this.changeTimer);
    if (this.costTimer) clearInterval(this.costTimer);
    this.aws.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function showMessage(level: NotificationLevel, message: string, actions: string[]): Thenable<string | undefined> {
  const show =
    level === 'error'
      ? vscode.window.showErrorMessage
      : level === 'warning'
        ? vscode.window.showWarningMessage
        : vscode.window.showInformationMessage;
  return show(message, ...actions);
}

/**
 * A down notice that OpsDeck can take away again: VS Code closes only progress notifications from
 * code, so the notice is one, with its actions as command links, and it ends when the endpoint
 * recovers (or the user closes it).
 */
function openIncident(message: string, endpoint: string): { close(): void } {
  let close!: () => void;
  const closed = new Promise<void>((r) => (close = r));
  const mute = `command:opsdeck.muteEndpoint?${encodeURIComponent(JSON.stringify([endpoint]))}`;
  void vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `${message} — [Open Dashboard](command:opsdeck.openHealthDashboard) · [Mute](${mute})`,
      cancellable: true,
    },
    (_p, token) =>
      new Promise<void>((r) => {
        void closed.then(r);
        token.onCancellationRequested(() => r());
      }),
  );
  return { close };
}

export const secretKey = (key: string) => `opsdeck.health.header.${key}`;
const ENV_CONSENT_KEY = 'opsdeck.health.envHeaderConsent';
const ALLOW = 'Allow';
const DONT_ALLOW = "Don't Allow";
