// Finds every Pulumi.yaml / Pulumi.yml in the workspace (not under node_modules or other ignored
// folders) and follows changes to them.
import * as path from 'path';
import * as vscode from 'vscode';
import { Result } from '../shared/result';
import { ProjectFile, parseProjectFile, projectFileTooLarge } from './model/projectFile';
import { UserFacingError } from '../shared/result';

export interface DiscoveredProject {
  /** The project folder (absolute path); the key for everything per project. */
  dir: string;
  fileUri: vscode.Uri;
  parsed: Result<ProjectFile, UserFacingError>;
}

const EXCLUDE = '{**/node_modules/**,**/.git/**,**/bin/**,**/out/**,**/dist/**,**/.pulumi/**}';

export class ProjectDiscovery implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly watchers: vscode.Disposable[] = [];
  private projects: DiscoveredProject[] = [];
  private scanned?: Promise<void>;

  constructor() {
    const w = vscode.workspace.createFileSystemWatcher('**/Pulumi.{yaml,yml}');
    const rescan = () => void this.rescan();
    this.watchers.push(
      w,
      w.onDidCreate(rescan),
      w.onDidChange(rescan),
      w.onDidDelete(rescan),
      vscode.workspace.onDidChangeWorkspaceFolders(rescan),
    );
  }

  async list(): Promise<DiscoveredProject[]> {
    this.scanned ??= this.scan();
    await this.scanned;
    return this.projects;
  }

  async rescan(): Promise<void> {
    this.scanned = this.scan();
    await this.scanned;
    this.emitter.fire();
  }

  private async scan(): Promise<void> {
    const uris = await vscode.workspace.findFiles('**/Pulumi.{yaml,yml}', EXCLUDE, 500);
    const found: DiscoveredProject[] = [];
    const seen = new Set<string>();
    for (const uri of uris.sort((a, b) => a.fsPath.localeCompare(b.fsPath))) {
      const dir = path.dirname(uri.fsPath);
      if (seen.has(dir)) continue; // Pulumi.yaml wins over Pulumi.yml, as in the CLI
      seen.add(dir);
      const label = vscode.workspace.asRelativePath(uri);
      let text: string;
      try {
        const big = projectFileTooLarge((await vscode.workspace.fs.stat(uri)).size, label);
        if (big) {
          found.push({ dir, fileUri: uri, parsed: { ok: false, error: big } });
          continue;
        }
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      } catch (e) {
        found.push({ dir, fileUri: uri, parsed: { ok: false, error: { message: `${label} could not be read: ${(e as Error).message}` } } });
        continue;
      }
      found.push({ dir, fileUri: uri, parsed: parseProjectFile(text, label) });
    }
    this.projects = found;
  }

  dispose(): void {
    for (const w of this.watchers) w.dispose();
    this.emitter.dispose();
  }
}
