// Capability 3: health checks, SLA, CloudWatch and cost. Wires the service to its views and commands.
import * as vscode from 'vscode';
import { OpsDeckContext } from '../context';
import { DASHBOARD_VIEW_TYPE, DashboardPanel } from './dashboardPanel';
import { registerExport } from './exportCommand';
import { HealthService } from './healthService';
import { HealthTreeProvider } from './healthTree';
import type { HealthSnapshot } from './model/snapshot';
import { HealthStatusBar } from './statusBar';
import type { HealthPort } from '../operations/ports';
import { DEFAULT_VERIFY_RULES } from '../operations/model/regression';

const STARTER = `# OpsDeck health checks: endpoints, SLOs, CloudWatch and cost.
# Durations: 500ms, 10s, 5m. SLO as a percentage. Header values from { env: VAR } or { secret: key }.
version: 1
defaults:
  interval: 10s
  timeout: 3s
  failureThreshold: 2   # consecutive failed checks before an endpoint is "down"
  retries: 1            # retried within one check; not counted as separate failures
  slo: 99.9
  sloWindow: 30d
endpoints:
  - name: api
    url: https://example.com/health
    expectStatus: 2xx
  # - name: database
  #   tcp: db.internal:5432
# maintenance:
#   - { start: 2026-12-01T02:00:00Z, end: 2026-12-01T03:00:00Z, reason: upgrade }
# alarms:
#   prefixes: [prod-]
# metrics:
#   - { id: cpu, namespace: AWS/EC2, name: CPUUtilization, dimensions: { AutoScalingGroupName: web }, stat: Average, period: 5m, threshold: 85, unit: Percent }
# aws:
#   region: eu-west-1
#   profile: default
# cost:
#   budget: 1500
#   stackTag: pulumi:stack
`;

/** Read-only surface for tests and other extensions: the same state the views render. */
export interface HealthApi {
  snapshot(): HealthSnapshot;
  statusBar(): { text: string; background?: string; visible: boolean };
  notifications(): ReadonlyArray<{ at: number; kind: string; endpoint?: string; message: string; shown: boolean }>;
  dashboard(): { open: boolean; posted: number; restoredRenders: number; lastRendered?: unknown };
  /** Bumps on every published change. */
  generation(): number;
  files(): { history: string; lease: string; storage: string; cloudWatch: string };
  role(): string;
}

export function register(ctx: OpsDeckContext): HealthPort {
  const folder = ctx.workspaceFolder;
  const service = ctx.own(new HealthService(ctx, folder));
  const statusBar = ctx.own(new HealthStatusBar());
  const tree = new HealthTreeProvider();
  const view = ctx.own(vscode.window.createTreeView('opsdeck.health', { treeDataProvider: tree, showCollapseAll: true }));

  const openConfig = async () => {
    const uri = service.configUri;
    if (!uri) return void vscode.window.showWarningMessage('OpsDeck: open a folder first; health checks are configured per workspace.');
    if (!service.hasConfigFile) return createConfig();
    await vscode.window.showTextDocument(uri);
  };
  const createConfig = async () => {
    const uri = service.configUri;
    if (!uri) return void vscode.window.showWarningMessage('OpsDeck: open a folder first; health checks are configured per workspace.');
    if (!service.hasConfigFile) {
      await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(STARTER));
    }
    await vscode.window.showTextDocument(uri);
  };
  const dashboard = ctx.own(
    new DashboardPanel(ctx.extension.extensionUri, service, {
      checkNow: () => service.checkNow(),
      refreshCost: () => refreshCost(),
      openConfig,
      mute: (name) => service.mute(name),
    }),
  );
  const refreshCost = () =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'OpsDeck: refreshing cost from Cost Explorer' }, () =>
      service.refreshCost(true),
    );

  let treeStale = false;
  const render = () => {
    const s = service.snapshot(false);
    statusBar.render(s, service.settings.showStatusBar);
    // A hidden tree is refreshed when it is shown, not on every check.
    if (view.visible) tree.update(s);
    else treeStale = true;
    const down = s.endpoints.filter((e) => e.status === 'down').length;
    view.badge = down ? { value: down, tooltip: `${down} endpoint(s) down` } : undefined;
    view.message = s.notProbingReason ?? (s.role === 'reader' ? 'Another window runs the checks; showing its results.' : undefined);
  };
  ctx.own(service.onDidChange(render));
  ctx.own(
    view.onDidChangeVisibility(() => {
      if (view.visible && treeStale) {
        treeStale = false;
        tree.update(service.snapshot(false));
      }
    }),
  );

  const endpointName = async (arg: unknown): Promise<string | undefined> => {
    const fromTree = (arg as { e?: { name?: string } } | undefined)?.e?.name;
    if (fromTree) return fromTree;
    if (typeof arg === 'string') return arg;
    const names = service.snapshot().endpoints.map((e) => e.name);
    return vscode.window.showQuickPick(names, { title: 'OpsDeck: choose an endpoint' });
  };

  ctx.registerCommands({
    openHealthDashboard: () => dashboard.show(),
    checkHealthNow: () =>
      vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'OpsDeck: checking endpoints' }, () =>
        service.checkNow(),
      ),
    exportHealthChecksToPulumi: registerExport(
      ctx,
      () => service.currentConfig,
      () => ctx.workspaceFolder,
    ),
    refreshHealth: async () => {
      await service.reloadConfig();
      await service.checkNow();
    },
    refreshCost,
    openHealthConfig: openConfig,
    createHealthConfig: createConfig,
    muteEndpoint: async (arg?: unknown) => {
      const name = await endpointName(arg);
      if (name) service.mute(name);
    },
    unmuteEndpoint: async (arg?: unknown) => {
      const name = await endpointName(arg);
      if (name) service.unmute(name);
    },
    startMaintenance: async (minutesArg?: number, endpointsArg?: string[]) => {
      let minutes = minutesArg;
      if (minutes === undefined) {
        const v = await vscode.window.showInputBox({
          title: 'OpsDeck: start a maintenance window',
          prompt: 'Minutes (checks inside it do not count against the SLA)',
          value: '30',
          validateInput: (s) => (/^\d+$/.test(s) && +s > 0 && +s <= 24 * 60 ? undefined : 'A whole number of minutes, 1 to 1440'),
        });
        if (!v) return;
        minutes = +v;
      }
      let endpoints = endpointsArg;
      if (!endpoints && minutesArg === undefined) {
        const all = service.snapshot().endpoints.map((e) => ({ label: e.name, picked: true }));
        const picked = await vscode.window.showQuickPick(all, { canPickMany: true, title: 'Endpoints under maintenance' });
        if (!picked) return;
        endpoints = picked.length === all.length ? undefined : picked.map((p) => p.label);
      }
      await service.startMaintenance(minutes, endpoints, 'started from the command palette');
      void vscode.window.showInformationMessage(
        `OpsDeck: maintenance for ${minutes} min on ${endpoints?.join(', ') ?? 'all endpoints'}; checks are still run and shown, but not counted against the SLA.`,
      );
    },
    endMaintenance: () => service.endMaintenance(),
    setHealthSecret: async (keyArg?: string, valueArg?: string, originArg?: string) => {
      const key =
        keyArg ??
        (await vscode.window.showInputBox({
          title: 'OpsDeck: health check secret',
          prompt: 'Secret key, as written in { secret: key } in .opsdeck/health.yaml',
        }));
      if (!key) return;
      const origin = originArg ?? (await pickSecretOrigin(service.originsUsingSecret(key)));
      if (!origin) return;
      const value =
        valueArg ??
        (await vscode.window.showInputBox({
          title: `Value for "${key}" (sent to ${origin} only)`,
          password: true,
          prompt: 'Stored in VS Code SecretStorage, never in the workspace',
        }));
      if (value === undefined) return;
      await service.storeSecret(key, origin, value);
      void vscode.window.showInformationMessage(`OpsDeck: secret "${key}" stored; it is sent to ${origin} only, over https.`);
    },
    forgetHealthHeaderAnswers: async () => {
      await service.forgetHeaderAnswers();
      void vscode.window.showInformationMessage('OpsDeck: the next health check that sends an environment value asks again.');
    },
  });

  ctx.own(
    vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => dashboard.attach(panel),
    }),
  );

  const api: HealthApi = {
    snapshot: () => service.snapshot(),
    statusBar: () => ({
      text: statusBar.text,
      background: statusBar.background,
      visible: service.hasConfigFile && service.settings.showStatusBar,
    }),
    notifications: () => service.notifications.slice(),
    dashboard: () => ({
      open: dashboard.isOpen,
      posted: dashboard.posted,
      restoredRenders: dashboard.restoredRenders,
      lastRendered: dashboard.lastRendered,
    }),
    generation: () => service.generation,
    files: () => ({
      history: service.store.file,
      lease: service.lease.file,
      storage: service.storageDir,
      cloudWatch: service.cloudWatchShare.file,
    }),
    role: () => service.currentRole,
  };
  ctx.api.health = Object.freeze(api);

  render();
  service.start().then(render, (e) => ctx.output.error(`Health: could not start: ${(e as Error).stack ?? e}`));

  return {
    snapshot: () => service.snapshot(),
    scope: (stackRef, stack) => service.scope(stackRef, stack),
    onCheck: (listener) => service.onSample(listener),
    probeFaster: (endpoints, intervalMs) => service.probeFaster(endpoints, intervalMs),
    verifyRules: () => {
      const v = service.verifyConfig ?? {};
      const defined = Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined));
      return { ...DEFAULT_VERIFY_RULES, ...defined };
    },
  };
}

/** The https origin a secret is for: one of the config's endpoints that use it, or one typed in. */
async function pickSecretOrigin(candidates: string[]): Promise<string | undefined> {
  const OTHER = 'Another https origin…';
  let picked: string | undefined = candidates.length === 1 ? candidates[0] : undefined;
  if (!picked && candidates.length) {
    picked = await vscode.window.showQuickPick([...candidates, OTHER], {
      title: 'OpsDeck: which site is the secret for? It is sent there only.',
    });
    if (!picked) return undefined;
  }
  if (picked && picked !== OTHER) return picked;
  const typed = await vscode.window.showInputBox({
    title: 'OpsDeck: which site is the secret for? It is sent there only.',
    prompt: 'An https origin, e.g. https://api.example.com',
    validateInput: (s) => (secretOrigin(s) ? undefined : 'An https URL, e.g. https://api.example.com'),
  });
  return typed ? secretOrigin(typed) : undefined;
}

function secretOrigin(s: string): string | undefined {
  try {
    const u = new URL(s.trim());
    return u.protocol === 'https:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}
