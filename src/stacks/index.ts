// Capability 2: Pulumi stacks in the sidebar. Builds the pieces, owns them through ctx, exposes a
// read-only ctx.api.stacks. Nothing here loads @pulumi/pulumi: that happens on the first action.
import * as vscode from 'vscode';
import { OpsDeckContext } from '../context';
import { ChangeViews } from './changeView';
import { ChangeViewState } from './changeViewProtocol';
import { StackCommands, Selected } from './commands';
import { PulumiSettings } from './config';
import { ProjectDiscovery } from './discovery';
import { OperationGate } from './model/operationGate';
import { OperationRunner } from './operations';
import { PolicyProblems } from './policyProblems';
import { DriftSchedule, StackDrift } from './drift';
import { Rollback } from './rollback';
import { sweepPlans } from './runner/plans';
import { registerResourceGraph } from './resourceGraph';
import { GraphViewState } from './resourceGraphProtocol';
import { DriftReport } from './model/drift';
import { StackService, stackKey } from './stackService';
import { PlainItem, StackNode, StacksTree, OperationsSource } from './tree';
import { historyRows, whoOf } from './model/history';
import { isProductionStack } from './model/production';
import type { StackFacts, StacksPort } from '../operations/ports';

/** The operations capability's view of stacks, plus the hook for the Stacks view's Operations section. */
export interface StacksRegistration extends StacksPort {
  setOperationsSource(source: OperationsSource): vscode.Disposable;
  /** Links the stack's change view to the record of the operation it shows. */
  linkRecord(key: string, record: vscode.Uri | undefined): void;
}

const LOG_LINES = 5000;

export interface StacksApi {
  /** The stack last selected in the view or acted on (the documents capability reads it). */
  readonly selected: Selected | undefined;
  /** The Stacks view's children of a path of labels (root when empty), as the view shows them. */
  children(pathOfLabels?: string[]): Promise<PlainItem[]>;
  /** The change view's current state for a stack (what the webview renders). */
  changeView(projectDir: string, stack: string): ChangeViewState | undefined;
  /** The log text OpsDeck wrote to its output channel for stacks (already masked). */
  logText(): string;
  /** Operations running now. */
  running(): Array<{ stack: string; operation: string }>;
  /** The resource graph last sent to a stack's graph panel (what the webview draws). */
  resourceGraph(projectDir: string, stack: string): GraphViewState | undefined;
  /** The policy violations OpsDeck put in the Problems panel (file, 1-based line, severity, message, pack/policy). */
  policyProblems(): Array<{ file: string; line: number; severity: string; message: string; code: string }>;
  /** The latest drift check of a stack (undefined: none, or accepted / reverted since). */
  drift(projectDir: string, stack: string): DriftReport | undefined;
}

export function register(ctx: OpsDeckContext): StacksRegistration {
  const settings = new PulumiSettings();
  const storageDir = ctx.extension.globalStorageUri.fsPath;
  const lines: string[] = [];
  const discovery = ctx.own(new ProjectDiscovery());
  const service = ctx.own(new StackService(settings, ctx.extension.secrets, storageDir));
  const log = {
    line(text: string) {
      const masked = service.masker.mask(text);
      ctx.output.info(masked);
      lines.push(masked);
      // Trimmed in batches: one splice per line would move 5,000 lines for every line of a big update.
      if (lines.length > LOG_LINES + LOG_LINES / 5) lines.splice(0, lines.length - LOG_LINES);
    },
  };
  const gate = new OperationGate();
  const tree = ctx.own(new StacksTree(discovery, service, gate, settings));
  const views = ctx.own(
    new ChangeViews(ctx.extension.extensionUri, {
      openSource: (key, urn) => {
        const [projectDir, stack] = splitKey(key);
        void vscode.commands.executeCommand('opsdeck.openResourceSource', { project: projectDir, stack, urn });
      },
      deploy: (key) => {
        const [projectDir, stack] = splitKey(key);
        void vscode.commands.executeCommand('opsdeck.deployPreview', { project: projectDir, stack });
      },
      acceptDrift: (key) => {
        const [projectDir, stack] = splitKey(key);
        void vscode.commands.executeCommand('opsdeck.acceptDrift', { project: projectDir, stack });
      },
      revertDrift: (key) => {
        const [projectDir, stack] = splitKey(key);
        void vscode.commands.executeCommand('opsdeck.revertDrift', { project: projectDir, stack });
      },
    }),
  );
  const policyProblems = ctx.own(new PolicyProblems());
  const drift = ctx.own(new StackDrift());
  ctx.own(vscode.window.registerFileDecorationProvider(drift));
  tree.setDrift(drift);
  ctx.own(drift.onDidChange(() => tree.refresh()));
  const runner = ctx.own(
    new OperationRunner(service, gate, tree, views, settings, log, storageDir, {
      policy: policyProblems,
      drift: (key, report) => drift.set(key, report),
    }),
  );
  ctx.own(
    new DriftSchedule({
      minutes: () => settings.driftCheckMinutes,
      discovery,
      service,
      gate,
      run: (req) => runner.run(req),
      log: (l) => log.line(l),
    }),
  );
  const rollback = new Rollback(
    service,
    gate,
    (l) => log.line(l),
    () => vscode.workspace.isTrusted,
  );
  ctx.own(ctx.addMasker((t) => service.mask(t)));
  // Plans of previews from windows long closed (previews live in memory only).
  void sweepPlans(storageDir).then((n) => n && ctx.output.info(`removed ${n} stale update plan(s) from ${storageDir}`));
  const commands: StackCommands = new StackCommands(ctx, discovery, service, tree, runner, rollback);
  const view = ctx.own(vscode.window.createTreeView('opsdeck.stacks', { treeDataProvider: tree, showCollapseAll: true }));
  ctx.own(
    view.onDidChangeSelection((e) => {
      const n = e.selection[0];
      if (!n || n.kind === 'message' || n.kind === 'project') return;
      commands.select(n.project, n.kind === 'stack' ? n.stack.name : n.stack);
    }),
  );
  ctx.own(vscode.workspace.registerTextDocumentContentProvider('opsdeck-pulumi', commands.docProvider));
  ctx.registerCommands(commands.table());
  const graphs = registerResourceGraph(ctx, {
    service,
    lastOperation: (key) => views.state(key),
    resolve: (arg) => commands.resolve(arg),
    select: (project, stack) => commands.select(project, stack),
  });

  // Empty states for the welcome view, and trust.
  const updateContext = async () => {
    const projects = vscode.workspace.isTrusted ? await discovery.list() : [];
    void vscode.commands.executeCommand('setContext', 'opsdeck.stacks.noProjects', projects.length === 0);
    let cliMissing = false;
    if (projects[0]) cliMissing = !service.session(projects[0]).locate().ok;
    void vscode.commands.executeCommand('setContext', 'opsdeck.stacks.cliMissing', cliMissing);
  };
  ctx.own(discovery.onDidChange(() => void updateContext()));
  ctx.own(
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      void updateContext();
      tree.refresh();
    }),
  );
  ctx.own(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (settings.affects(e)) {
        service.invalidateAll();
        void updateContext();
        tree.refresh();
      }
    }),
  );
  void updateContext();

  async function children(pathOfLabels: string[] = []): Promise<PlainItem[]> {
    let nodes = await tree.getChildren(undefined);
    for (const label of pathOfLabels) {
      const n: StackNode | undefined = nodes.find((x) => tree.plain(x).label === label);
      if (!n) throw new Error(`No node "${label}" in the Stacks view (have: ${nodes.map((x) => tree.plain(x).label).join(', ')})`);
      nodes = await tree.getChildren(n);
    }
    return nodes.map((n) => tree.plain(n));
  }

  const api: StacksApi = {
    get selected() {
      return commands.selected;
    },
    children,
    changeView: (projectDir, stack) => views.state(stackKey({ dir: projectDir }, stack)),
    logText: () => lines.slice(-LOG_LINES).join('\n'),
    running: () => gate.all().map((o) => ({ stack: o.stackKey, operation: o.operation })),
    resourceGraph: (projectDir, stack) => graphs.state(stackKey({ dir: projectDir }, stack)),
    policyProblems: () => policyProblems.all(),
    drift: (projectDir, stack) => drift.get(stackKey({ dir: projectDir }, stack)),
  };
  ctx.api.stacks = Object.freeze(api);

  /** Resource count and the newest successful update (what a rollback after an operation returns to). */
  const facts = async (projectDir: string, stack: string): Promise<StackFacts> => {
    const project = (await discovery.list()).find((p) => p.dir === projectDir);
    if (!project) return {};
    const out: StackFacts = {};
    service.invalidate(project, stack);
    const st = await service.state({ project, stack });
    if (st.ok) out.resources = st.value.count;
    const h = await service.history({ project, stack });
    if (h.ok) {
      const row = historyRows(h.value, new Date()).find((r) => r.kind === 'update' && r.result === 'succeeded');
      const raw = row?.index !== undefined ? h.value[row.index] : undefined;
      if (row && raw)
        out.lastUpdate = { version: row.version, when: new Date(raw.startTime).toISOString(), who: whoOf(raw), commit: row.commit };
    }
    return out;
  };
  return {
    onOperation: (listener) => runner.onOperation(listener),
    facts,
    isProduction: (stack) => isProductionStack(stack, settings.productionStackPatterns),
    mask: (text) => service.mask(text),
    setOperationsSource: (source) => tree.setOperationsSource(source),
    linkRecord: (key, record) => views.linkRecord(key, record),
  };
}

function splitKey(key: string): [string, string] {
  const i = key.lastIndexOf('#');
  return [key.slice(0, i), key.slice(i + 1)];
}
