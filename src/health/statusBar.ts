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
      this.item.hide();
      return;
    }
    this.item.text = s.statusText;
    this.item.backgroundColor =
      s.overall === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : s.overall === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    const md = new vscode.MarkdownString(tooltipMarkdown(s), true);
    md.isTrusted = { enabledCommands: LINK_COMMANDS };
    this.item.tooltip = md;
    const down = s.endpoints.filter((e) => e.status === 'down').map((e) => e.name);
    this.item.accessibilityInformation = {
      label: `OpsDeck health: ${s.overall}${down.length ? `, down: ${down.join(', ')}` : ''}. ${s.statusText.replace(/\$\([^)]+\)\s*/g, '')}`,
      role: 'button',
    };
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
