// Checklist progress of OpsDeck documents: a CodeLens over each section heading with checkboxes
// ("3/8 checked") and a status bar item with the total, both recomputed as the user types.
import * as path from 'path';
import * as vscode from 'vscode';
import { OpsDeckContext } from '../context';
import { DocumentsConfig } from './config';
import { checklistProgress, ChecklistProgress } from './living';

export class ChecklistView implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  /** Registered when the first OpsDeck document is shown, so other markdown files never call into OpsDeck. */
  private lenses: vscode.Disposable | undefined;
  private cache = new WeakMap<vscode.TextDocument, { version: number; progress: ChecklistProgress }>();
  /** Last total shown in the status bar (read by the public API and tests). */
  current: { file: string; done: number; total: number } | undefined;

  constructor(
    private readonly ctx: OpsDeckContext,
    private readonly config: DocumentsConfig,
    private readonly extraFolders: () => readonly string[],
  ) {
    this.item = vscode.window.createStatusBarItem('opsdeck.documents.checklist', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'OpsDeck Checklist Progress';
    this.disposables.push(
      this.item,
      this.changed,
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.update()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === vscode.window.activeTextEditor?.document) this.update();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (this.config.affects(e)) {
          this.update();
          this.changed.fire();
        }
      }),
    );
    this.update();
  }

  /** OpsDeck documents are the markdown files inside one of the kinds' folders. */
  isOpsDeckDocument(doc: vscode.TextDocument): boolean {
    const root = this.ctx.workspaceFolder?.uri.fsPath;
    if (!root || doc.languageId !== 'markdown' || doc.uri.scheme !== 'file') return false;
    const folders = new Set([...Object.values(this.config.folders), ...this.extraFolders()]);
    const rel = path.relative(root, path.dirname(doc.uri.fsPath)).split(path.sep).join('/');
    return [...folders].some((f) => {
      const norm = f.replace(/\\/g, '/').replace(/^\.\/|\/+$/g, '');
      return rel === norm || rel.startsWith(`${norm}/`);
    });
  }

  progress(doc: vscode.TextDocument): ChecklistProgress {
    const hit = this.cache.get(doc);
    if (hit && hit.version === doc.version) return hit.progress;
    const progress = checklistProgress(doc.getText());
    this.cache.set(doc, { version: doc.version, progress });
    return progress;
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.config.checklistProgress || !this.isOpsDeckDocument(doc)) return [];
    return this.progress(doc).sections.map((s) => {
      const all = s.done === s.total;
      return new vscode.CodeLens(new vscode.Range(s.heading.line, 0, s.heading.line, 0), {
        title: `${all ? '$(pass-filled)' : '$(checklist)'} ${s.done}/${s.total} checked`,
        tooltip: `${s.heading.title}: ${s.done} of ${s.total} checkboxes ticked (including sub-sections)`,
        command: '',
      });
    });
  }

  private update(): void {
    if (!this.lenses && this.config.checklistProgress && vscode.window.visibleTextEditors.some((e) => this.isOpsDeckDocument(e.document)))
      this.lenses = vscode.languages.registerCodeLensProvider({ language: 'markdown', scheme: 'file' }, this);
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || !this.config.checklistProgress || !this.isOpsDeckDocument(doc)) {
      this.current = undefined;
      this.item.hide();
      return;
    }
    const p = this.progress(doc);
    if (p.total.total === 0) {
      this.current = undefined;
      this.item.hide();
      return;
    }
    this.current = { file: doc.uri.fsPath, done: p.total.done, total: p.total.total };
    const pct = Math.round((100 * p.total.done) / p.total.total);
    this.item.text = `$(checklist) ${p.total.done}/${p.total.total}`;
    const tip = new vscode.MarkdownString(`**Checklist progress** — ${p.total.done} of ${p.total.total} ticked (${pct}%)\n\n`);
    for (const s of p.sections.filter((x) => x.heading.level <= 2))
      tip.appendMarkdown(`- ${s.heading.title.replace(/[\\`*_[\]]/g, '\\$&')}: ${s.done}/${s.total}\n`);
    this.item.tooltip = tip;
    this.item.accessibilityInformation = { label: `Checklist progress: ${p.total.done} of ${p.total.total} checkboxes ticked` };
    this.item.show();
  }

  dispose(): void {
    this.lenses?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
