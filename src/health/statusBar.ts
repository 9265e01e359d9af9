// The one status bar item: text and colour from the snapshot, a Markdown tooltip with a per-endpoint
// table and command links, a click opens the dashboard.
import * as vscode from 'vscode';
import type { HealthSnapshot } from './model/snapshot';
import { tooltipMarkdown } from './model/statusText';

const LINK_COMMANDS = ['opsdeck.openHealthDashboard', 'opsdeck.checkHealthNow', 'opsdeck.refreshCost', 'opsdeck.openHealthConfig'];

export class HealthStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('opsdeck.health', vscode.StatusBarAlignment.Left, 50);

  constructor() {
    this.item.name = 'OpsDeck Health';
    this.item.command = 'opsdeck.openHealthDashboard';
  }

  /** The text currently shown (the public API reports exactly this). */
  get text(): string {
    return this.item.text;
  }

  get background(): string | undefined {
    return this.item.backgroundColor instanceof vscode.ThemeColor ? (this.item.backgroundColor as unknown as { id: string }).id : undefined;
  }

  render(s: HealthSnapshot, visible: boolean): void {
    if (!visible || (!s.configFile && !s.endpoints.length)) {
      this.shown = undefined;
      this.item.hide();
      return;
    }
    // Every assignment is a message to the workbench, and routine results mostly leave the text and
    // tooltip as they were: only what changed is sent.
    const background =
      s.overall === 'error' ? 'statusBarItem.errorBackground' : s.overall === 'warning' ? 'statusBarItem.warningBackground' : undefined;
    const tooltip = tooltipMarkdown(s);
    const down = s.endpoints.filter((e) => e.status === 'down').map((e) => e.name);
    const label = `OpsDeck health: ${s.overall}${down.length ? `, down: ${down.join(', ')}` : ''}. ${s.statusText.replace(/\$\([^)]+\)\s*/g, '')}`;
    const last = this.shown;
    if (last?.text !== s.statusText) this.item.text = s.statusText;
    if (!last || last.background !== background) this.item.backgroundColor = background ? new vscode.ThemeColor(background) : undefined;
    if (last?.tooltip !== tooltip) {
      const md = new vscode.MarkdownString(tooltip, true);
      md.isTrusted = { enabledCommands: LINK_COMMANDS };
      this.item.tooltip = md;
    }
    if (last?.label !== label) this.item.accessibilityInformation = { label, role: 'button' };
    if (!last) this.item.show();
    this.shown = { text: s.statusText, background, tooltip, label };
  }

  private shown: { text: string; background: string | undefined; tooltip: string; label: string } | undefined;

  dispose(): void {
    this.item.dispose();
  }
}
