// The document kinds available in this workspace: the built-ins, overridden or extended by team
// templates from `.opsdeck/templates/*.md`. A malformed team template is reported (Problems view,
// output channel, one notification per new problem) and skipped; the built-ins keep working.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { OpsDeckContext } from '../context';
import { BUILTIN_TEMPLATE_TEXTS } from './builtins';
import { DocumentsConfig } from './config';
import { resolveFolderInside } from './paths';
import { parseTemplate, TemplateProblem, TemplateSpec } from './template';

export interface KindEntry {
  readonly spec: TemplateSpec;
  readonly origin: 'built-in' | 'team';
  /** Team template replacing a built-in kind of the same name. */
  readonly overrides: boolean;
  /** Folder (relative to the workspace) new documents of this kind go to. */
  readonly folder: string;
}

export interface Catalog {
  readonly kinds: readonly KindEntry[];
  readonly problems: readonly TemplateProblem[];
}

export class TemplateCatalog implements vscode.Disposable {
  private builtins: TemplateSpec[] | undefined;
  private readonly diagnostics: vscode.DiagnosticCollection;
  private readonly reported = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly ctx: OpsDeckContext,
    private readonly config: DocumentsConfig,
  ) {
    this.diagnostics = vscode.languages.createDiagnosticCollection('opsdeck-templates');
    this.disposables.push(this.diagnostics);
    const folder = ctx.workspaceFolder;
    if (folder) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, `${config.templatesFolder}/*.md`));
      const refresh = () => void this.readTeam(false);
      this.disposables.push(watcher, watcher.onDidChange(refresh), watcher.onDidCreate(refresh), watcher.onDidDelete(refresh));
    }
  }

  private builtinSpecs(): TemplateSpec[] {
    if (!this.builtins) {
      this.builtins = BUILTIN_TEMPLATE_TEXTS.map(([file, text]) => {
        const r = parseTemplate(text, `built-in:${file}`);
        if (!r.ok) throw new Error(`Built-in template ${file}:${r.error.line} is broken: ${r.error.message}`);
        return { ...r.value, source: 'built-in' };
      });
    }
    return this.builtins;
  }

  /** Reads the templates afresh (they are small) so an edited team template counts at once. */
  async load(notify = true): Promise<Catalog> {
    const team = await this.readTeam(notify);
    const folders = this.config.folders;
    const kinds = new Map<string, KindEntry>();
    for (const spec of this.builtinSpecs()) {
      kinds.set(spec.kind, { spec, origin: 'built-in', overrides: false, folder: folders[spec.kind] ?? spec.folder });
    }
    for (const entry of team.kinds) {
      kinds.set(entry.spec.kind, { ...entry, overrides: kinds.get(entry.spec.kind)?.origin === 'built-in' });
    }
    return { kinds: [...kinds.values()], problems: team.problems };
  }

  /**
   * The team templates alone, without parsing the built-ins: what the checklist needs to know at
   * start-up (which folders hold OpsDeck documents). Parsing the five built-ins loads the YAML parser
   * and cost ~30 ms of activation before it was left to the first command that needs a kind.
   */
  async readTeam(notify = true): Promise<Catalog> {
    const folders = this.config.folders;
    const kinds: KindEntry[] = [];
    const problems: TemplateProblem[] = [];
    const root = this.ctx.workspaceFolder?.uri.fsPath;
    let dir: string | undefined;
    if (root) {
      // The templates folder must stay inside the workspace, through links too: a template decides
      // where documents go and what they say.
      const r = await resolveFolderInside(root, this.config.templatesFolder, 'opsdeck.documents.templatesFolder');
      if (r.ok) dir = r.value;
      else this.reportSetting(`${r.error.message} ${r.error.remedy} Team templates are not loaded; the built-in kinds work.`);
    }
    let files: string[] = [];
    if (dir) {
      try {
        files = (await fs.promises.readdir(dir)).filter((f) => f.toLowerCase().endsWith('.md')).sort();
      } catch {
        files = []; // no team templates
      }
    }
    for (const f of files) {
      const file = path.join(dir!, f);
      let text: string;
      try {
        text = await fs.promises.readFile(file, 'utf8');
      } catch (e) {
        problems.push({ file, line: 1, message: `cannot be read: ${(e as Error).message}` });
        continue;
      }
      const r = parseTemplate(text, file);
      if (!r.ok) {
        problems.push(r.error);
        continue;
      }
      const spec = r.value;
      const entry: KindEntry = { spec, origin: 'team', overrides: false, folder: spec.folder || folders[spec.kind] || 'docs' };
      const i = kinds.findIndex((k) => k.spec.kind === spec.kind);
      if (i >= 0)
        kinds[i] = entry; // the later file of the same kind wins, in the earlier one's place
      else kinds.push(entry);
    }
    this.report(problems, notify);
    return { kinds, problems };
  }

  /** A problem with a setting (no file to mark): the log and one notification per distinct message. */
  private reportSetting(message: string): void {
    if (this.reported.has(message)) return;
    this.reported.add(message);
    this.ctx.output.warn(message);
    void vscode.window.showWarningMessage(`OpsDeck: ${message}`, 'Open Settings').then((c) => {
      if (c) void vscode.commands.executeCommand('workbench.action.openSettings', 'opsdeck.documents.templatesFolder');
    });
  }

  private report(problems: readonly TemplateProblem[], notify: boolean): void {
    this.diagnostics.clear();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const p of problems) {
      const d = new vscode.Diagnostic(
        new vscode.Range(p.line - 1, 0, p.line - 1, 1000),
        `OpsDeck template skipped: ${p.message}`,
        vscode.DiagnosticSeverity.Error,
      );
      d.source = 'OpsDeck';
      byFile.set(p.file, [...(byFile.get(p.file) ?? []), d]);
    }
    for (const [file, ds] of byFile) this.diagnostics.set(vscode.Uri.file(file), ds);
    for (const p of problems) {
      const key = `${p.file}:${p.line}:${p.message}`;
      if (this.reported.has(key)) continue;
      this.reported.add(key);
      const rel = this.ctx.workspaceFolder ? path.relative(this.ctx.workspaceFolder.uri.fsPath, p.file) : p.file;
      this.ctx.output.warn(`Team template ${rel}:${p.line} skipped: ${p.message}`);
      if (notify) {
        void vscode.window
          .showWarningMessage(`OpsDeck skipped the team template ${rel}:${p.line}: ${p.message}`, 'Open Template')
          .then((choice) => {
            if (choice)
              void vscode.window.showTextDocument(vscode.Uri.file(p.file), { selection: new vscode.Range(p.line - 1, 0, p.line - 1, 0) });
          });
      }
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
