// Show Resource Graph: one webview panel per stack with the stack's resources as a graph (see
// model/resourceGraph.ts for what is drawn and model/graphLayout.ts for where). The layout runs
// here in the extension host, where the state already is: the webview receives boxes ready to draw,
// so its script stays small and its first paint does not wait for a layout engine to load and warm up.
import * as vscode from 'vscode';
import { OpsDeckContext } from '../context';
import { readWebviewAssets } from '../shared/webviewAssets';
import { escapeHtml, newNonce, renderWebviewPage } from '../shared/webviewHtml';
import { ChangeViewState } from './changeViewProtocol';
import { DiscoveredProject } from './discovery';
import { buildResourceGraph, lastOperationFromChangeView, placeGraph } from './model/resourceGraph';
import { GraphViewState, ToWebview, isFromWebview } from './resourceGraphProtocol';
import { StackService, stackKey } from './stackService';

/** What the command returns (to tests, keybindings and other extensions). */
export interface ResourceGraphReport {
  project: string;
  stack: string;
  nodes: number;
  edges: number;
  groups: number;
  /** False when the webview did not report its first paint within 20 s (hidden, or still loading). */
  rendered: boolean;
  /**
   * Where the time went, in ms: state read, graph and layout in the host, the webview's own render,
   * and how long after its page began loading the webview received the graph.
   */
  timings: { state: number; layout: number; webview?: number; pageAge?: number; total: number };
}

/** The webview's report of a painted graph (see FromWebview 'rendered'). */
interface Paint {
  ms: number;
  pageAge: number;
}

interface StackTarget {
  project: DiscoveredProject;
  stack: string;
}

export interface GraphDeps {
  service: StackService;
  /** The change view's state of a stack's last operation, if one ran in this window. */
  lastOperation(key: string): ChangeViewState | undefined;
  /** Resolves a tree node or `{ project, stack }` options into a stack, asking when interactive. */
  resolve(arg: unknown): Promise<StackTarget | undefined>;
  select(project: DiscoveredProject, stack: string): void;
}

const UNTRUSTED =
  "Pulumi commands are off in an untrusted workspace: reading a stack's state runs the Pulumi CLI on this folder's project. Trust the folder (Manage Workspace Trust) to use them.";

export class ResourceGraphPanels implements vscode.Disposable {
  private readonly panels = new Map<string, vscode.WebviewPanel>();
  private readonly states = new Map<string, GraphViewState>();
  private readonly targets = new Map<string, StackTarget>();
  private readonly waiting = new Map<string, Array<{ generation: number; done: (paint: Paint | undefined) => void }>>();
  private generation = 0;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly deps: GraphDeps,
  ) {}

  /** The graph last sent to a stack's panel (what the webview draws). */
  state(key: string): GraphViewState | undefined {
    return this.states.get(key);
  }

  async open(arg: unknown): Promise<ResourceGraphReport | undefined> {
    if (!vscode.workspace.isTrusted) throw new Error(UNTRUSTED);
    const target = await this.deps.resolve(arg);
    if (!target) return undefined;
    this.deps.select(target.project, target.stack);
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Resource graph of ${target.stack}` }, () =>
      this.load(target, true),
    );
  }

  private async load(target: StackTarget, reveal: boolean): Promise<ResourceGraphReport> {
    const started = performance.now();
    const key = stackKey(target.project, target.stack);
    const projectName = target.project.parsed.ok ? target.project.parsed.value.name : target.project.dir;
    this.targets.set(key, target);
    // A new panel is created before the state is read: VS Code takes about a second to set up a new
    // webview in the browser (bench/README.md), and the graph is laid out here in the meantime.
    const panel = this.panel(key, `${projectName}/${target.stack}`, reveal);
    let state: GraphViewState;
    let stateRead: number;
    try {
      const st = await this.deps.service.state({ project: target.project, stack: target.stack });
      if (!st.ok) throw new Error(`${st.error.message} ${st.error.remedy}`.trim());
      stateRead = performance.now();
      const cv = this.deps.lastOperation(key);
      const graph = buildResourceGraph({
        stack: target.stack,
        project: projectName,
        resources: await st.value.all(),
        pendingOperations: st.value.pendingOperations,
        last: cv ? lastOperationFromChangeView(cv) : undefined,
      });
      state = { ...placeGraph(graph), generation: ++this.generation };
    } catch (e) {
      void panel.webview.postMessage({ type: 'failed', message: (e as Error).message } satisfies ToWebview);
      throw e;
    }
    const laidOut = performance.now();
    const paint = await this.show(key, panel, state);
    return {
      project: target.project.dir,
      stack: target.stack,
      nodes: state.nodes.length,
      edges: state.edges.length,
      groups: state.nodes.filter((n) => n.group).length,
      rendered: paint !== undefined,
      timings: {
        state: ms(stateRead - started),
        layout: ms(laidOut - stateRead),
        webview: paint?.ms,
        pageAge: paint?.pageAge,
        total: ms(performance.now() - started),
      },
    };
  }

  /** Sends the graph to the stack's panel; resolves with the webview's draw time once it has painted it. */
  private show(key: string, panel: vscode.WebviewPanel, state: GraphViewState): Promise<Paint | undefined> {
    this.states.set(key, state);
    const painted = new Promise<Paint | undefined>((resolve) => {
      const timer = setTimeout(() => finish(undefined), 20_000);
      const finish = (v: Paint | undefined) => {
        clearTimeout(timer);
        this.waiting.set(
          key,
          (this.waiting.get(key) ?? []).filter((w) => w.done !== finish),
        );
        resolve(v);
      };
      let list = this.waiting.get(key);
      if (!list) this.waiting.set(key, (list = []));
      list.push({ generation: state.generation, done: finish });
    });
    // A page still loading asks for it with 'ready'; one already showing takes it now.
    void panel.webview.postMessage({ type: 'graph', state } satisfies ToWebview);
    return painted;
  }

  /** The stack's panel: revealed if open, else created with a page that says the state is being read. */
  private panel(key: string, name: string, reveal: boolean): vscode.WebviewPanel {
    const open = this.panels.get(key);
    if (open) {
      if (reveal) open.reveal(undefined, false);
      return open;
    }
    const panel = vscode.window.createWebviewPanel(
      'opsdeck.resourceGraph',
      `Graph: ${name}`,
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      { enableScripts: true, localResourceRoots: [], retainContextWhenHidden: false },
    );
    this.panels.set(key, panel);
    panel.onDidDispose(() => {
      if (this.panels.get(key) === panel) this.panels.delete(key);
      this.states.delete(key);
      for (const w of this.waiting.get(key) ?? []) w.done(undefined);
    });
    panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(key, panel, m));
    panel.webview.html = renderWebviewPage({
      title: `Graph: ${name}`,
      cspSource: panel.webview.cspSource,
      nonce: newNonce(),
      scripts: readWebviewAssets(this.extensionUri.fsPath, ['dist/webview/resourceGraph.js']),
      styles: readWebviewAssets(this.extensionUri.fsPath, ['dist/webview/resourceGraph.css']),
      body: `<main id="root"><p id="loading" role="status">Reading the state of ${escapeHtml(name)}…</p></main>`,
    });
    return panel;
  }

  private async onMessage(key: string, panel: vscode.WebviewPanel, m: unknown): Promise<void> {
    if (!isFromWebview(m)) return;
    const target = this.targets.get(key);
    switch (m.type) {
      case 'ready': {
        // A webview that was hidden reloads from its HTML: send the newest graph.
        const s = this.states.get(key);
        if (s) void panel.webview.postMessage({ type: 'graph', state: s } satisfies ToWebview);
        return;
      }
      case 'rendered':
        for (const w of [...(this.waiting.get(key) ?? [])]) if (w.generation <= m.generation) w.done({ ms: m.ms, pageAge: m.pageAge });
        return;
      case 'refresh':
        if (!target) return;
        this.deps.service.invalidateState(target.project, target.stack);
        try {
          await this.load(target, false);
        } catch (e) {
          void vscode.window.showErrorMessage(`OpsDeck: ${(e as Error).message}`);
        }
        return;
      case 'openState':
      case 'openSource': {
        // Only URNs of the graph this panel shows: a message cannot name anything else.
        if (!target || !this.states.get(key)?.nodes.some((n) => n.id === m.urn && n.kind !== 'typeGroup')) return;
        const command = m.type === 'openState' ? 'opsdeck.showResourceState' : 'opsdeck.openResourceSource';
        await vscode.commands.executeCommand(command, { project: target.project.dir, stack: target.stack, urn: m.urn, beside: true });
        return;
      }
    }
  }

  dispose(): void {
    for (const p of this.panels.values()) p.dispose();
    this.panels.clear();
  }
}

function ms(v: number): number {
  return Math.round(v * 10) / 10;
}

/** Registers `opsdeck.showResourceGraph`; returns the panels (the stacks API reads their state). */
export function registerResourceGraph(ctx: OpsDeckContext, deps: GraphDeps): ResourceGraphPanels {
  const panels = ctx.own(new ResourceGraphPanels(ctx.extension.extensionUri, deps));
  ctx.registerCommands({ showResourceGraph: (arg: unknown) => panels.open(arg) });
  return panels;
}
