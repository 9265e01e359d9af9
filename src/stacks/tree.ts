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
import { StackDrift } from './drift';

export type SectionKind = 'resources' | 'outputs' | 'config' | 'history';

export type StackNode =
  | { kind: 'project'; project: DiscoveredProject }
  | { kind: 'stack'; project: DiscoveredProject; stack: StackSummaryLike }
  | { kind: 'section'; project: DiscoveredProject; stack: string; section: SectionKind }
  | { kind: 'resource'; project: DiscoveredProject; stack: string; node: ResourceNode }
  | { kind: 'output'; project: DiscoveredProject; stack: string; key: string; value: unknown; secret: boolean }
  | { kind: 'config'; project: DiscoveredProject; stack: string; key: string; value: string; secret: boolean }
  | { kind: 'history'; project: DiscoveredProject; stack: string; row: HistoryRow; raw: UpdateSummaryLike }
  | { kind: 'message'; id: string; label: string; icon: string; tooltip?: string; contextValue?: string; command?: vscode.Command };

/** What an integration test (or another extension) sees of a node: the tree item, as plain data. */
export interface PlainItem {
  label: string;
  description?: string;
  tooltip?: string;
  contextValue?: string;
  collapsible: boolean;
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

  setProgress(key: string, text: string | undefined): void {
    if (text === undefined) this.progress.delete(key);
    else this.progress.set(key, text);
    this.emitter.fire(undefined);
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
        const sections = (['resources', 'outputs', 'config', 'history'] as const).map((section): StackNode => ({
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
        if (!st.ok) return [this.failureNode(st.error, node.node.urn)];
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

  private failureNode(f: Failure, id: string): StackNode {
    return {
      kind: 'message',
      id: `fail:${id}`,
      label: f.message,
      icon: 'error',
      tooltip: `${f.message}\n${f.remedy}`,
      contextValue: 'failure',
    };
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
    if (!r.ok) return [this.failureNode(r.error, project.dir)];
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
    return r.value.map((stack) => ({ kind: 'stack', project, stack }));
  }

  private async sectionChildren(node: StackNode & { kind: 'section' }): Promise<StackNode[]> {
    const ref = { project: node.project, stack: node.stack };
    const key = stackKey(node.project, node.stack);
    switch (node.section) {
      case 'resources': {
        const st = await this.service.state(ref);
        if (!st.ok) return [this.failureNode(st.error, `${key}:res`)];
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
        const r = await this.service.outputs(ref);
        if (!r.ok) return [this.failureNode(r.error, `${key}:out`)];
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
        const r = await this.service.config(ref);
        if (!r.ok) return [this.failureNode(r.error, `${key}:cfg`)];
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
        if (!r.ok) return [this.failureNode(r.error, `${key}:hist`)];
        if (!r.value.length) return [{ kind: 'message', id: `nohist:${key}`, label: 'No updates yet', icon: 'info' }];
        const rows = historyRows(r.value, new Date());
        return rows.map((row) => ({ kind: 'history', project: node.project, stack: node.stack, row, raw: r.value[row.index!]! }));
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
        item.description = vscode.workspace.asRelativePath(node.project.dir);
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
          !running && s.resourceCount !== undefined ? `${s.resourceCount} resources` : undefined,
        ]
          .filter(Boolean)
          .join(' · ');
        item.tooltip = [
          `Stack ${s.name}${s.current ? ' (current)' : ''}`,
          prod ? 'Matches a production pattern: deploy and destroy ask for its name.' : undefined,
          s.lastUpdate ? `Last update: ${s.lastUpdate}` : 'Never deployed',
          running ? `Running: ${running.operation}` : undefined,
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
        };
        const [label, icon] = labels[node.section];
        const item = new vscode.TreeItem(label, C.Collapsed);
        item.id = `section:${stackKey(node.project, node.stack)}:${node.section}`;
        item.iconPath = new vscode.ThemeIcon(icon);
        item.contextValue = `${node.section}Section`;
        return item;
      }
      case 'resource': {
        const n = node.node;
        const item = new vscode.TreeItem(n.name, n.childCount ? C.Collapsed : C.None);
        item.id = `res:${stackKey(node.project, node.stack)}:${n.urn}`;
        item.description = n.type;
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
    };
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.emitter.dispose();
  }
}
