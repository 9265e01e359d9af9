// The change view: one webview panel per stack that fills in live while an operation runs. It is
// rendered from the same ChangeViewState that ctx.api.stacks exposes, so tests read what users see.
import * as vscode from 'vscode';
import { readWebviewAssets } from '../shared/webviewAssets';
import { newNonce, renderWebviewPage } from '../shared/webviewHtml';
import { ChangeViewState, ToWebview, isFromWebview } from './changeViewProtocol';
import { ChangeModel, deployablePreview, groupedChanges, orderedDiagnostics, resourceStatusLabel, viewSummary } from './model/changeModel';
import { parseUrn } from './model/urn';
import { orderedViolations } from './model/policy';
import { DriftReport } from './model/drift';

export interface ChangeViewHandlers {
  openSource(stackKey: string, urn: string): void;
  deploy(stackKey: string): void;
  acceptDrift(stackKey: string): void;
  revertDrift(stackKey: string): void;
}

export function toViewState(
  model: ChangeModel,
  extra: {
    project: string;
    status: string;
    route?: string;
    planNote?: string;
    canDeploy: boolean;
    failure?: { message: string; remedy: string };
    hasSource: (urn: string) => boolean;
    policyPacks?: string[];
    drift?: DriftReport;
  },
): ChangeViewState {
  const policies = orderedViolations(model.policies).map((v) => ({ ...v, hasSource: !!v.urn && extra.hasSource(v.urn) }));
  // Future tense ("2 to create") until an operation that changes things has really finished.
  const summary = viewSummary(model, extra.status);
  return {
    stack: model.stack,
    project: extra.project,
    operation: model.operation,
    status: extra.status,
    countsLine: summary.countsLine,
    emptyText: summary.emptyText,
    groups: groupedChanges(model).map((g) => ({
      op: g.op,
      resources: g.resources.map((r) => ({
        urn: r.urn,
        name: r.name,
        type: r.type,
        op: r.op,
        status: r.status,
        label: resourceStatusLabel(r.status, model, extra.status),
        diffs: r.diffs,
        replaceReasons: r.replaceReasons,
        errors: r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
        hasSource: extra.hasSource(r.urn),
        policies: policies.filter((v) => v.urn === r.urn),
      })),
    })),
    diagnostics: orderedDiagnostics(model).map((d) => ({
      severity: d.severity,
      resource: d.urn ? parseUrn(d.urn).name : undefined,
      message: d.message,
    })),
    policies,
    policyPacks: extra.policyPacks ?? [],
    drift: extra.drift
      ? { checkedAt: extra.drift.checkedAt, resources: extra.drift.resources.map((r) => ({ ...r, hasSource: extra.hasSource(r.urn) })) }
      : undefined,
    route: extra.route,
    planNote: extra.planNote,
    // Never offered for a preview that found nothing to change (or failed).
    canDeploy: extra.canDeploy && deployablePreview(model),
    failure: extra.failure,
  };
}

export class ChangeViews implements vscode.Disposable {
  private readonly panels = new Map<string, vscode.WebviewPanel>();
  private readonly states = new Map<string, ChangeViewState>();
  private readonly pendingPost = new Map<string, ReturnType<typeof setTimeout>>();
  /** Each stack's operation record (set by the operations capability while it records). */
  private readonly records = new Map<string, vscode.Uri>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly handlers: ChangeViewHandlers,
  ) {}

  /** The last state shown for a stack (what the webview renders). */
  state(stackKey: string): ChangeViewState | undefined {
    return this.states.get(stackKey);
  }

  /** Shows (or updates) the change view of a stack. Updates are coalesced to one post per 100 ms. */
  show(stackKey: string, shown: ChangeViewState, reveal = false): void {
    const record = this.records.get(stackKey);
    const state = record ? { ...shown, record: vscode.workspace.asRelativePath(record) } : shown;
    this.states.set(stackKey, state);
    let panel = this.panels.get(stackKey);
    if (!panel) {
      panel = vscode.window.createWebviewPanel(
        'opsdeck.changeView',
        `Changes: ${state.stack}`,
        { viewColumn: vscode.ViewColumn.Active, preserveFocus: true },
        {
          enableScripts: true,
          localResourceRoots: [], // scripts and styles are inlined
          retainContextWhenHidden: false,
        },
      );
      this.panels.set(stackKey, panel);
      const p = panel;
      p.onDidDispose(() => {
        if (this.panels.get(stackKey) === p) this.panels.delete(stackKey);
      });
      p.webview.onDidReceiveMessage((m: unknown) => {
        if (!isFromWebview(m)) return;
        if (m.type === 'ready') this.post(stackKey);
        else if (m.type === 'openSource') this.handlers.openSource(stackKey, m.urn);
        else if (m.type === 'deploy') this.handlers.deploy(stackKey);
        else if (m.type === 'openRecord') {
          const uri = this.records.get(stackKey);
          if (uri) void vscode.commands.executeCommand('vscode.open', uri);
        } else if (m.type === 'acceptDrift') this.handlers.acceptDrift(stackKey);
        else if (m.type === 'revertDrift') this.handlers.revertDrift(stackKey);
      });
      p.webview.html = this.html(p.webview, state);
    } else if (reveal) panel.reveal(undefined, true);
    panel.title = `Changes: ${state.project}/${state.stack} (${state.operation})`;
    if (!this.pendingPost.has(stackKey)) {
      this.pendingPost.set(
        stackKey,
        setTimeout(() => {
          this.pendingPost.delete(stackKey);
          this.post(stackKey);
        }, 100),
      );
    }
  }

  /** Links the change view of a stack to the record of the operation it shows (undefined: none). */
  linkRecord(stackKey: string, uri: vscode.Uri | undefined): void {
    if (uri) this.records.set(stackKey, uri);
    else this.records.delete(stackKey);
    const state = this.states.get(stackKey);
    if (state) this.show(stackKey, state);
  }

  private post(stackKey: string): void {
    const panel = this.panels.get(stackKey);
    const state = this.states.get(stackKey);
    if (panel && state) void panel.webview.postMessage({ type: 'state', state } satisfies ToWebview);
  }

  private html(webview: vscode.Webview, state: ChangeViewState): string {
    return renderWebviewPage({
      title: `Changes: ${state.stack}`,
      cspSource: webview.cspSource,
      nonce: newNonce(),
      scripts: readWebviewAssets(this.extensionUri.fsPath, ['dist/webview/changeView.js']),
      styles: readWebviewAssets(this.extensionUri.fsPath, ['dist/webview/changeView.css']),
      body: '<main id="root" aria-live="polite"></main>',
      initialState: state,
    });
  }

  dispose(): void {
    for (const t of this.pendingPost.values()) clearTimeout(t);
    for (const p of this.panels.values()) p.dispose();
    this.panels.clear();
  }
}
