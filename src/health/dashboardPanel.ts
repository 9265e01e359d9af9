// The health dashboard webview panel: strict CSP page, typed messages, state kept by the webview's
// own state API (so a hidden panel, or one restored after a reload, comes back as it was).
import * as vscode from 'vscode';
import { readWebviewAssets } from '../shared/webviewAssets';
import { newNonce, renderWebviewPage } from '../shared/webviewHtml';
import { DashboardRenderSummary, FromDashboard, ToDashboard, isFromDashboard } from './dashboardProtocol';
import type { HealthService } from './healthService';

export const DASHBOARD_VIEW_TYPE = 'opsdeck.healthDashboard';

export class DashboardPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly subs: vscode.Disposable[] = [];
  /** What the webview last reported having rendered (observable through the API). */
  lastRendered: DashboardRenderSummary | undefined;
  posted = 0;
  /** How many times the webview rendered from its saved state (shown again after being hidden). */
  restoredRenders = 0;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly service: HealthService,
    private readonly commands: { checkNow(): unknown; refreshCost(): unknown; openConfig(): unknown; mute(name: string): unknown },
  ) {
    this.subs.push(service.onDidChange(() => this.post()));
  }

  get isOpen(): boolean {
    return !!this.panel;
  }

  show(): void {
    if (this.panel) {
      this.panel.reveal(undefined, false);
      return;
    }
    const panel = vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, 'OpsDeck Health', vscode.ViewColumn.Active, this.options());
    this.attach(panel);
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    // Scripts and styles are inlined: the page loads nothing from disk.
    return { enableScripts: true, localResourceRoots: [] };
  }

  /** Takes a panel (new, or restored by the serializer after a reload). */
  attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'opsdeck.svg');
    panel.webview.options = this.options();
    const w = panel.webview;
    panel.webview.html = renderWebviewPage({
      title: 'OpsDeck Health',
      cspSource: w.cspSource,
      nonce: newNonce(),
      scripts: readWebviewAssets(this.extensionUri.fsPath, ['dist/webview/dashboard.js']),
      styles: readWebviewAssets(this.extensionUri.fsPath, ['dist/webview/dashboard.css']),
      body: '<main id="app" aria-live="polite" aria-busy="true"><p>Loading health data…</p></main>',
      initialState: this.service.snapshot(),
    });
    const local: vscode.Disposable[] = [];
    local.push(w.onDidReceiveMessage((m: unknown) => this.onMessage(m)));
    local.push(
      panel.onDidChangeViewState(() => {
        if (panel.visible) this.post();
      }),
    );
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.lastRendered = undefined;
      local.forEach((d) => d.dispose());
    });
  }

  private onMessage(m: unknown): void {
    if (!isFromDashboard(m)) return;
    const msg: FromDashboard = m;
    switch (msg.type) {
      case 'ready':
        return this.post();
      case 'checkNow':
        return void this.commands.checkNow();
      case 'refreshCost':
        return void this.commands.refreshCost();
      case 'openConfig':
        return void this.commands.openConfig();
      case 'mute':
        return void this.commands.mute(msg.endpoint);
      case 'rendered':
        this.lastRendered = msg.summary;
        if (msg.summary.restored) this.restoredRenders++;
        return;
    }
  }

  post(): void {
    if (!this.panel?.visible) return; // a hidden panel catches up when shown (onDidChangeViewState)
    const msg: ToDashboard = { type: 'snapshot', snapshot: this.service.snapshot() };
    this.posted++;
    void this.panel.webview.postMessage(msg);
  }

  dispose(): void {
    this.panel?.dispose();
    this.subs.forEach((d) => d.dispose());
  }
}
