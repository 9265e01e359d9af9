// The Stacks view: project → stacks → Resources / Outputs / Config / History. Every node carries a
// contextValue that package.json menus key on. Data comes from StackService (Automation API);
// this file only shapes it into tree items.
import * as path from 'path';
import * as vscode from 'vscode';
import { DiscoveredProject, ProjectDiscovery } from './discovery';
import { StackService, stackKey } from './stackService';
import { StackSummaryLike } from './runner/session';
import { ResourceNode } from './model/stateTree';
import { HistoryRow, historyRows, UpdateSummaryLike } from './model/history';
import { isProductionStack } from './model/production';
import { renderValue } from './model/values';
import { OperationGate } from './model/operationGate';
import { PulumiSettings } from './config';
import { Failure } from './model/failures';
import { COUNTING_RULE, resourcesLabel } from './model/resourceCount';
import { StackDrift } from './drift';
import { sharedBackendLabel } from './model/pulumiEnv';

export type SectionKind = 'resources' | 'outputs' | 'config' | 'history' | 'operations';

/** One recorded operation as the Operations section lists it (the operations capability supplies them). */
export interface OperationListItem {
  id: string;
  operation: string;
  startedAt: number;
  result?: string;
  durationMs?: number;
  verdict?: string;
  /** The operation record's file, when one was written. */
  record?: string;
  rollbackTo?: { version: number; commit?: string };
}

/** Where the Operations section's rows come from; set by the operations capability when it registers. */
export interface OperationsSource {
  entries(key: string): OperationListItem[];
  onDidChange: vscode.Event<string>;
}

export type StackNode =
  | { kind: 'project'; project: DiscoveredProject }
  | { kind: 'stack'; project: DiscoveredProject; stack: StackSummaryLike }
  | { kind: 'section'; project: DiscoveredProject; stack: string; section: SectionKind }
  | { kind: 'resource'; project: DiscoveredProject; stack: string; node: ResourceNode }
  | { kind: 'output'; project: DiscoveredProject; stack: string; key: string; value: unknown; secret: boolean }
  | { kind: 'config'; project: DiscoveredProject; stack: string; key: string; value: string; secret: boolean }
  | { kind: 'history'; project: DiscoveredProject; stack: string; row: HistoryRow; raw: UpdateSummaryLike }
  | { kind: 'operation'; project: DiscoveredProject; stack: string; entry: OperationListItem }
  | { kind: 'message'; id: string; label: string; icon: string; tooltip?: string; contextValue?: string; command?: vscode.Command };

/** What an integration test (or another extension) sees of a node: the tree item, as plain data. */
export interface PlainItem {
  label: string;
  description?: string;
  tooltip?: string;
  contextValue?: string;
  collapsible: boolean;
  /** The command a click runs, and its first argument (as plain data where it is one). */
  command?: { id: string; argument?: unknown };
}

export class StacksTree implements vscode.TreeDataProvider<StackNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<StackNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  /** Output values the user asked to see (revealed once: cleared on the next refresh). */
  private readonly revealed = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Live progress per stack key, shown on the stack node while an operation runs. */
  private readonly progress = new Map<string, string>();

  constructor(
    private readonly discovery: ProjectDiscovery,
    private readonly service: StackService,
    private readonly gate: OperationGate,
    private readonly settings: PulumiSettings,
  ) {
    this.disposables.push(discovery.onDidChange(() => this.refresh()));
    this.disposables.push({ dispose: gate.onDidChange(() => this.emitter.fire(undefined)).dispose });
  }

  refresh(node?: StackNode): void {
    if (!node) this.revealed.clear();
    this.emitter.fire(node);
  }

  /** Resources section nodes handed to the view, per stack key: refreshed alone while an update runs. */
  private readonly resourceSections = new Map<string, StackNode>();

  /** Re-reads one stack's Resources (the state the engine has checkpointed so far). */
  refreshResources(key: string): void {
    const n = this.resourceSections.get(key);
    if (n) this.emitter.fire(n);
  }

  /** Stack nodes handed to the view, per stack key: a running operation's progress redraws its row alone. */
  private readonly stackNodes = new Map<string, StackNode>();

  setProgress(key: string, text: string | undefined): void {
    if (text === undefined) this.progress.delete(key);
    else this.progress.set(key, text);
    // The stack's row alone (and what is expanded under it), not the whole tree: the runner calls
    // this several times a second during an update.
    this.emitter.fire(text === undefined ? undefined : this.stackNodes.get(key));
  }

  private operations: OperationsSource | undefined;

  /** Adds the Operations section under each stack, fed by the operations capability. */
  setOperationsSource(source: OperationsSource): vscode.Disposable {
    this.operations = source;
    this.emitter.fire(undefined);
    const sub = source.onDidChange(() => this.emitter.fire(undefined));
    return {
      dispose: () => {
        sub.dispose();
        if (this.operations === source) this.operations = undefined;
      },
    };
  }

  private drift?: StackDrift;

  /** Where drift badges come from (the latest drift check per stack). */
  setDrift(drift: StackDrift): void {
    this.drift = drift;
  }

  reveal(node: StackNode & { kind: 'output' }): void {
    this.revealed.add(`${stackKey(node.project, node.stack)}:${node.key}`);
    this.emitter.fire(undefined);
  }

  async getChildren(node?: StackNode): Promise<StackNode[]> {
    if (!vscode.workspace.isTrusted) return [];
    if (!node) {
      const projects = await this.discovery.list();
      // Without a CLI nothing below works: an empty root lets the "CLI missing" welcome show.
      const first = projects.find((p) => p.parsed.ok);
      if (first && !this.service.session(first).locate().ok) return [];
      return projects.map((project) => ({ kind: 'project', project }));
    }
    switch (node.kind) {
      case 'project':
        return this.stacksOf(node.project);
      case 'stack': {
        // The Operations section appears once the stack has a recorded operation: an empty one on every
        // stack of a new user's tree says nothing they can act on.
        const key = stackKey(node.project, node.stack.name);
        const hasOperations = (this.operations?.entries(key).length ?? 0) > 0;
        const kinds: SectionKind[] = ['resources', 'outputs', 'config', 'history', ...(hasOperations ? (['operations'] as const) : [])];
        const sections = kinds.map((section): StackNode => ({
          kind: 'section',
          project: node.project,
          stack: node.stack.name,
          section,
        }));
        this.resourceSections.set(stackKey(node.project, node.stack.name), sections[0]!);
        return sections;
      }
      case 'section':
        return this.sectionChildren(node);
      case 'resource': {
        const st = await this.service.state({ project: node.project, stack: node.stack });
        if (!st.ok) return [this.failureNode(st.error, node.node.urn, node)];
        return (st.value.children.get(node.node.urn) ?? []).map((n) => ({
          kind: 'resource',
          project: node.project,
          stack: node.stack,
          node: n,
        }));
      }
      default:
        return [];
    }
  }

  /** Stacks whose state is being read for their row's count (read once, then the row is redrawn). */
  private readonly countLoads = new Set<string>();

  /**
   * "N resources" under the counting rule. The CLI's own count (`stack ls`) includes the stack
   * resource and default providers, so the row shows the count from the stack's state once read.
   */
  private resourceCountText(node: StackNode & { kind: 'stack' }): string | undefined {
    const key = stackKey(node.project, node.stack.name);
    if (node.stack.resourceCount === 0) return resourcesLabel(0);
    const n = this.service.peekCount(key);
    if (n !== undefined) {
      this.countLoads.delete(key);
      return resourcesLabel(n);
    }
    if (node.stack.resourceCount !== undefined && !this.countLoads.has(key)) {
      this.countLoads.add(key);
      void this.service.state({ project: node.project, stack: node.stack.name }).then((r) => {
        if (r.ok) this.emitter.fire(node);
      });
    }
    return undefined;
  }

  /**
   * A failure as a tree row. Rows a user can act on carry the action as their click: a passphrase
   * problem opens Set Pulumi Passphrase (named by project and stack), a damaged encryptionsalt opens
   * the stack file at its line.
   */
  private failureNode(f: Failure, id: string, where?: { project: DiscoveredProject; stack?: string }): StackNode {
    const node: StackNode & { kind: 'message' } = {
      kind: 'message',
      id: `fail:${id}`,
      label: f.message,
      icon: 'error',
      tooltip: `${f.message}\n${f.remedy}`,
      contextValue: 'failure',
    };
    if (f.kind === 'passphrase' && where) {
      node.label = `${f.message} Click to set it.`;
      node.icon = 'key';
      node.contextValue = 'failurePassphrase';
      node.command = {
        title: 'Set Pulumi Passphrase',
        command: 'opsdeck.setPulumiPassphrase',
        arguments: [{ project: where.project.dir, stack: where.stack }],
      };
    } else if (f.kind === 'encryption-salt' && f.locations[0]) {
      const loc = f.locations[0];
      const at = new vscode.Position(Math.max(0, loc.line - 1), 0);
      node.contextValue = 'failureStackFile';
      node.command = {
        title: 'Open the Stack File',
        command: 'vscode.open',
        arguments: [vscode.Uri.file(loc.file), { selection: new vscode.Range(at, at) }],
      };
    }
    return node;
  }

  /**
   * Outputs and Config need the passphrase (the CLI decrypts secrets to list them). The first time
   * one is expanded without a passphrase, OpsDeck asks, once per project; the row waits meanwhile
   * and the section fills in when the prompt closes. After Escape the section shows the failure
   * row, whose click asks again.
   */
  private async waitForPassphrase(node: StackNode & { kind: 'section' }): Promise<StackNode[] | undefined> {
    if (this.service.askedForPassphrase(node.project) || !(await this.service.passphraseMissing(node.project))) return undefined;
    void this.service.promptPassphrase(node.project, node.stack).then(() => this.emitter.fire(undefined));
    const name = node.project.parsed.ok ? node.project.parsed.value.name : path.basename(node.project.dir);
    return [
      {
        kind: 'message',
        id: `askpass:${stackKey(node.project, node.stack)}:${node.section}`,
        label: `Waiting for the passphrase of ${name} (stack ${node.stack})…`,
        icon: 'key',
        contextValue: 'waitingForPassphrase',
        command: {
          title: 'Set Pulumi Passphrase',
          command: 'opsdeck.setPulumiPassphrase',
          arguments: [{ project: node.project.dir, stack: node.stack }],
        },
      },
    ];
  }

  private async stacksOf(project: DiscoveredProject): Promise<StackNode[]> {
    if (!project.parsed.ok) {
      return [
        {
          kind: 'message',
          id: `broken:${project.dir}`,
          label: project.parsed.error.message,
          icon: 'warning',
          tooltip: `${project.parsed.error.message}\n${project.parsed.error.remedy ?? ''}`,
          contextValue: 'brokenProject',
          command: { title: 'Open Pulumi.yaml', command: 'vscode.open', arguments: [project.fileUri] },
        },
      ];
    }
    const r = await this.service.stacks(project);
    if (!r.ok) return [this.failureNode(r.error, project.dir, { project })];
    if (!r.value.length)
      return [
        {
          kind: 'message',
          id: `nostacks:${project.dir}`,
          label: 'No stacks yet — create one',
          icon: 'add',
          contextValue: 'noStacks',
          command: { title: 'New Stack', command: 'opsdeck.newStack', arguments: [{ kind: 'project', project }] },
        },
      ];
    return r.value.map((stack) => {
      const node: StackNode = { kind: 'stack', project, stack };
      this.stackNodes.set(stackKey(project, stack.name), node);
      return node;
    });
  }

  private async sectionChildren(node: StackNode & { kind: 'section' }): Promise<StackNode[]> {
    const ref = { project: node.project, stack: node.stack };
    const key = stackKey(node.project, node.stack);
    switch (node.section) {
      case 'resources': {
        const st = await this.service.state(ref);
        if (!st.ok) return [this.failureNode(st.error, `${key}:res`, ref)];
        const nodes: StackNode[] = st.value.roots.map((n) => ({ kind: 'resource', project: node.project, stack: node.stack, node: n }));
        for (const p of st.value.pendingOperations) {
          nodes.unshift({
            kind: 'message',
            id: `pending:${p.urn}`,
            label: `Pending ${p.type}: ${p.urn.split('::').pop()} — run Refresh`,
            icon: 'warning',
            tooltip:
              'An update was interrupted while this operation was in flight. Run Refresh to reconcile the state with what really exists.',
            contextValue: 'pendingOperation',
            command: { title: 'Refresh', command: 'opsdeck.refreshStack', arguments: [{ project: node.project.dir, stack: node.stack }] },
          });
        }
        // A lock with no OpsDeck operation running on the stack: another update, or a killed one.
        if (!this.gate.get(key)) {
          for (const l of (await this.service.session(node.project).locks(node.stack)) ?? []) {
            const who = [
              l.username && l.hostname ? `${l.username}@${l.hostname}` : (l.username ?? l.hostname),
              l.pid !== undefined ? `pid ${l.pid}` : undefined,
            ]
              .filter(Boolean)
              .join(', ');
            nodes.unshift({
              kind: 'message',
              id: `lock:${l.file}`,
              label: `Locked${who ? ` by ${who}` : ''} — Clear Lock if no update is running`,
              icon: 'lock',
              tooltip: `The backend holds a lock on this stack${l.timestamp ? ` since ${l.timestamp}` : ''}. If no update is really running (for example the CLI was killed), clear it; clearing the lock of a live update can corrupt the state.`,
              contextValue: 'stackLocked',
              command: {
                title: 'Clear Pulumi Stack Lock',
                command: 'opsdeck.clearStackLock',
                arguments: [{ project: node.project.dir, stack: node.stack }],
              },
            });
          }
        }
        if (!nodes.length) nodes.push({ kind: 'message', id: `nores:${key}`, label: 'No resources (deploy to create them)', icon: 'info' });
        return nodes;
      }
      case 'outputs': {
        const waiting = await this.waitForPassphrase(node);
        if (waiting) return waiting;
        const r = await this.service.outputs(ref);
        if (!r.ok) return [this.failureNode(r.error, `${key}:out`, ref)];
        const keys = Object.keys(r.value).sort();
        if (!keys.length) return [{ kind: 'message', id: `noout:${key}`, label: 'No outputs', icon: 'info' }];
        return keys.map((k) => ({
          kind: 'output',
          project: node.project,
          stack: node.stack,
          key: k,
          value: r.value[k]!.value,
          secret: r.value[k]!.secret,
        }));
      }
      case 'config': {
        const waiting = await this.waitForPassphrase(node);
        if (waiting) return waiting;
        const r = await this.service.config(ref);
        if (!r.ok) return [this.failureNode(r.error, `${key}:cfg`, ref)];
        const keys = Object.keys(r.value).sort();
        if (!keys.length) return [{ kind: 'message', id: `nocfg:${key}`, label: 'No config values', icon: 'info' }];
        return keys.map((k) => ({
          kind: 'config',
          project: node.project,
          stack: node.stack,
          key: k,
          value: r.value[k]!.value,
          secret: !!r.value[k]!.secret,
        }));
      }
      case 'history': {
        const r = await this.service.history(ref);
        if (!r.ok) return [this.failureNode(r.error, `${key}:hist`, ref)];
        if (!r.value.length) return [{ kind: 'message', id: `nohist:${key}`, label: 'No updates yet', icon: 'info' }];
        const rows = historyRows(r.value, new Date());
        return rows.map((row) => ({ kind: 'history', project: node.project, stack: node.stack, row, raw: r.value[row.index!]! }));
      }
      case 'operations': {
        const entries = this.operations?.entries(key) ?? [];
        if (!entries.length)
          return [{ kind: 'message', id: `noops:${key}`, label: 'No operations recorded yet (deploy from this view)', icon: 'info' }];
        return entries.map((entry) => ({ kind: 'operation', project: node.project, stack: node.stack, entry }));
      }
    }
  }

  getTreeItem(node: StackNode): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    switch (node.kind) {
      case 'project': {
        const p = node.project.parsed;
        const item = new vscode.TreeItem(p.ok ? p.value.name : path.basename(node.project.dir), C.Expanded);
        item.id = `project:${node.project.dir}`;
        // A team's backend (S3, Pulumi Cloud…) beside the folder: which state the stacks below come from.
        const backend = sharedBackendLabel(
          this.settings.env.PULUMI_BACKEND_URL ?? process.env.PULUMI_BACKEND_URL ?? (p.ok ? p.value.backendUrl : undefined),
        );
        item.description = [vscode.workspace.asRelativePath(node.project.dir), backend].filter(Boolean).join(' · ');
        item.tooltip = p.ok
          ? `${p.value.name} (${p.value.runtime})${p.value.description ? `\n${p.value.description}` : ''}\n${node.project.fileUri.fsPath}`
          : p.error.message;
        item.iconPath = new vscode.ThemeIcon(p.ok ? 'project' : 'warning');
        item.contextValue = p.ok ? 'project' : 'brokenProject';
        item.resourceUri = node.project.fileUri;
        return item;
      }
      case 'stack': {
        const s = node.stack;
        const key = stackKey(node.project, s.name);
        const running = this.gate.get(key);
        const prod = isProductionStack(s.name, this.settings.productionStackPatterns);
        const item = new vscode.TreeItem(s.name, C.Collapsed);
        item.id = `stack:${key}`;
        const progress = this.progress.get(key);
        item.description = [
          s.current ? 'current' : undefined,
          prod ? 'production' : undefined,
          running ? (progress ?? `${running.operation}…`) : undefined,
          !running ? this.resourceCountText(node) : undefined,
        ]
          .filter(Boolean)
          .join(' · ');
        item.tooltip = [
          `Stack ${s.name}${s.current ? ' (current)' : ''}`,
          prod ? 'Matches a production pattern: deploy and destroy ask for its name.' : undefined,
          s.lastUpdate ? `Last update: ${s.lastUpdate}` : 'Never deployed',
          running ? `Running: ${running.operation}` : undefined,
          COUNTING_RULE,
        ]
          .filter(Boolean)
          .join('\n');
        item.iconPath = new vscode.ThemeIcon(running ? 'sync~spin' : prod ? 'shield' : s.current ? 'layers-active' : 'layers');
        item.contextValue = running ? 'stackBusy' : 'stack';
        const drifted = this.drift?.stackText(key);
        if (drifted) {
          item.description = [item.description, drifted.description].filter(Boolean).join(' · ');
          item.tooltip = `${String(item.tooltip)}\n${drifted.tooltip}`;
          item.resourceUri = StackDrift.uri(key); // the badge (≠) and its tooltip
        }
        return item;
      }
      case 'section': {
        const labels: Record<SectionKind, [string, string]> = {
          resources: ['Resources', 'symbol-class'],
          outputs: ['Outputs', 'output'],
          config: ['Config', 'settings'],
          history: ['History', 'history'],
          operations: ['Operations', 'checklist'],
        };
        const [label, icon] = labels[node.section];
        const item = new vscode.TreeItem(label, C.Collapsed);
        item.id = `section:${stackKey(node.project, node.stack)}:${node.section}`;
        if (node.section === 'resources') {
          const n = this.service.peekCount(stackKey(node.project, node.stack));
          if (n !== undefined) item.description = resourcesLabel(n);
          item.tooltip = COUNTING_RULE;
        }
        item.iconPath = new vscode.ThemeIcon(icon);
        item.contextValue = `${node.section}Section`;
        return item;
      }
      case 'resource': {
        const n = node.node;
        const item = new vscode.TreeItem(n.name, n.childCount ? C.Collapsed : C.None);
        item.id = `res:${stackKey(node.project, node.stack)}:${n.urn}`;
        // A default provider is listed (its state can be opened) but, like the stack resource, not counted.
        item.description = n.counted === false ? `${n.type} · default provider, not counted` : n.type;
        item.tooltip = n.tooltip;
        item.iconPath = new vscode.ThemeIcon(n.icon);
        item.contextValue = n.source ? 'resourceWithSource' : 'resource';
        const drifted = this.drift?.resourceText(stackKey(node.project, node.stack), n.urn);
        if (drifted) {
          item.description = `${n.type} · drifted`;
          item.tooltip = `${n.tooltip}\n${drifted}`;
          item.resourceUri = StackDrift.uri(stackKey(node.project, node.stack), n.urn);
        }
        item.command = { title: 'Show Resource State', command: 'opsdeck.showResourceState', arguments: [node] };
        return item;
      }
      case 'output': {
        const k = `${stackKey(node.project, node.stack)}:${node.key}`;
        const shown = !node.secret || this.revealed.has(k);
        const item = new vscode.TreeItem(node.key, C.None);
        item.id = `out:${k}`;
        item.description = shown ? renderValue(node.value, 120) : '[secret]';
        item.tooltip = node.secret
          ? shown
            ? 'Secret output, revealed for now (it is never logged).'
            : 'Secret output: use "Reveal Secret Output" to see it once.'
          : renderValue(node.value, 2000);
        item.iconPath = new vscode.ThemeIcon(node.secret ? 'lock' : 'symbol-constant');
        item.contextValue = node.secret ? 'outputSecret' : 'output';
        return item;
      }
      case 'config': {
        const item = new vscode.TreeItem(node.key, C.None);
        item.id = `cfg:${stackKey(node.project, node.stack)}:${node.key}`;
        item.description = node.secret ? '[secret]' : node.value;
        item.tooltip = node.secret ? 'Secret config value (encrypted in the stack file; never shown in clear).' : node.value;
        item.iconPath = new vscode.ThemeIcon(node.secret ? 'lock' : 'symbol-key');
        item.contextValue = node.secret ? 'configSecret' : 'config';
        return item;
      }
      case 'history': {
        const item = new vscode.TreeItem(node.row.label, C.None);
        item.id = `hist:${stackKey(node.project, node.stack)}:${node.row.version}:${String(node.raw.startTime)}`;
        item.description = node.row.description;
        item.tooltip = node.row.tooltip;
        item.iconPath = new vscode.ThemeIcon(node.row.icon);
        item.contextValue =
          node.row.commit && node.row.kind === 'update' && node.row.result === 'succeeded' ? 'historyEntryWithCommit' : 'historyEntry';
        item.command = { title: 'Open Update Record', command: 'opsdeck.showUpdateRecord', arguments: [node] };
        return item;
      }
      case 'operation': {
        const e = node.entry;
        const item = new vscode.TreeItem(`${e.operation} ${new Date(e.startedAt).toLocaleTimeString()}`, C.None);
        item.id = `op:${stackKey(node.project, node.stack)}:${e.id}`;
        item.description = [
          e.result ?? 'running',
          e.durationMs !== undefined ? `${(e.durationMs / 1000).toFixed(1)} s` : undefined,
          e.verdict,
        ]
          .filter(Boolean)
          .join(' · ');
        item.tooltip = [
          `${e.operation} started ${new Date(e.startedAt).toISOString()}`,
          e.result ? `result: ${e.result}` : undefined,
          e.verdict ? `verification: ${e.verdict}` : undefined,
          e.record ? `record: ${vscode.workspace.asRelativePath(e.record)}` : 'not recorded',
          e.rollbackTo ? `rolls back to update #${e.rollbackTo.version}` : undefined,
        ]
          .filter(Boolean)
          .join('\n');
        const failed = e.result === 'failed' || e.verdict === 'regressed';
        item.iconPath = new vscode.ThemeIcon(
          !e.result
            ? 'sync~spin'
            : e.result === 'rolled back'
              ? 'discard'
              : failed
                ? 'error'
                : e.verdict === 'verifying'
                  ? 'pulse'
                  : 'pass',
        );
        item.contextValue = e.rollbackTo?.commit ? 'operationWithRollback' : 'operation';
        if (e.record) item.command = { title: 'Open Operation Record', command: 'vscode.open', arguments: [vscode.Uri.file(e.record)] };
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.label, C.None);
        item.id = `msg:${node.id}`;
        item.tooltip = node.tooltip;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.contextValue = node.contextValue ?? 'message';
        item.command = node.command;
        return item;
      }
    }
  }

  /** The tree item of a node as plain data (ctx.api.stacks.children). */
  plain(node: StackNode): PlainItem {
    const it = this.getTreeItem(node);
    const label = typeof it.label === 'string' ? it.label : (it.label?.label ?? '');
    return {
      label,
      description: typeof it.description === 'string' ? it.description : undefined,
      tooltip: typeof it.tooltip === 'string' ? it.tooltip : undefined,
      contextValue: it.contextValue,
      collapsible: it.collapsibleState !== vscode.TreeItemCollapsibleState.None,
      command: it.command ? { id: it.command.command, argument: it.command.arguments?.[0] } : undefined,
    };
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.emitter.dispose();
  }
}
