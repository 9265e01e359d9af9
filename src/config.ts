// Typed access to OpsDeck's settings. Each capability reads its own section through a small class
// of getters, so a setting's name and default appear once (here and in package.json).
import * as vscode from 'vscode';

export abstract class ConfigSection {
  /**
   * `scope`: the workspace folder (or a file in it) that resource-scoped settings are read for; without
   * it VS Code warns on every read of such a setting and a multi-root window gets an arbitrary folder's value.
   */
  constructor(
    private readonly section: string,
    private readonly scopeOf?: vscode.Uri | (() => vscode.Uri | undefined),
  ) {}

  /** A callback scope follows the window's folder as it changes; a Uri is fixed. */
  private get scope(): vscode.Uri | undefined {
    return typeof this.scopeOf === 'function' ? this.scopeOf() : this.scopeOf;
  }

  protected get<T>(key: string, fallback: T): T {
    return vscode.workspace.getConfiguration(this.section, this.scope).get<T>(key, fallback);
  }

  /**
   * The user's own value (user settings, or the default), never a workspace's: for settings that guard
   * what a workspace may do. Their scope in package.json is `application` as well.
   */
  protected userValue<T>(key: string, fallback: T): T {
    const i = vscode.workspace.getConfiguration(this.section, this.scope).inspect<T>(key);
    return i?.globalValue ?? i?.defaultValue ?? fallback;
  }

  /** True when a change event touches this section. */
  affects(e: vscode.ConfigurationChangeEvent): boolean {
    const scope = this.scope;
    return scope ? e.affectsConfiguration(this.section, scope) : e.affectsConfiguration(this.section);
  }
}
