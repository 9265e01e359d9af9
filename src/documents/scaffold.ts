// "New <kind>" commands: a short input flow, then a file created without overwriting anything,
// opened in an editor with the remaining fields as a live snippet (Tab walks through them).
//
// How the file is written: the rendered document (every field at its default) is written to a
// temp file beside the target and hard-linked to the first free name, which fails instead of
// overwriting when the name exists (a race-free "no overwrite"). The file on disk is therefore
// complete from the first moment; the editor then replaces its text with the same document as a
// snippet, so the tab stops are live, and saves. A failure at any point leaves either no file or a
// complete one, never a half-written one.
import * as path from 'path';
import * as vscode from 'vscode';
import { OpsDeckContext } from '../context';
import { UserFacingError, describe } from '../shared/result';
import { TemplateCatalog, KindEntry } from './catalog';
import { clockFacts, localTimeZone } from './clock';
import { DocumentsConfig } from './config';
import { resolveFolderInside } from './paths';
import { writeExclusive } from './fileWrite';
import { operatorName } from './operator';
import { VariableSpec } from './template';
import { KnownFacts, planDocument, frontMatterProblem, SelectedStack } from './values';

/** Arguments for non-interactive use (keybindings, tests): asked values that are given are not asked. */
export interface NewDocumentArgs {
  readonly kind?: string;
  readonly title?: string;
  readonly values?: Readonly<Record<string, string>>;
  /** Written from facts without asking: unanswered fields keep their defaults, no snippet starts. */
  readonly unattended?: boolean;
  /** The stack the document is about (instead of the one selected in the Stacks view). */
  readonly stack?: SelectedStack;
}

export class UserError extends Error {
  constructor(readonly detail: UserFacingError) {
    super(describe(detail));
  }
}

function selectedStack(api: Record<string, unknown>): SelectedStack | undefined {
  const stacks = api.stacks as { selected?: unknown } | undefined;
  const s = stacks?.selected as { project?: unknown; stack?: unknown } | undefined;
  return s && typeof s.project === 'string' && typeof s.stack === 'string' && s.project && s.stack
    ? { project: s.project, stack: s.stack }
    : undefined;
}

export class Scaffolder {
  constructor(
    private readonly ctx: OpsDeckContext,
    private readonly config: DocumentsConfig,
    private readonly catalog: TemplateCatalog,
  ) {}

  private async facts(root: string, workspace: string): Promise<KnownFacts> {
    return {
      clock: clockFacts(new Date(), localTimeZone()),
      operator: this.config.operator || (await operatorName({ folder: root, trusted: vscode.workspace.isTrusted })),
      workspace,
      stack: selectedStack(this.ctx.api),
    };
  }

  /** Runs the whole flow; resolves to the new file, or undefined when the user cancelled. */
  async create(kind: string, args: NewDocumentArgs = {}): Promise<vscode.Uri | undefined> {
    const folder = this.ctx.workspaceFolder;
    if (!folder || folder.uri.scheme !== 'file') {
      throw new UserError({
        message: 'No folder is open, so there is nowhere to put the document.',
        remedy: 'Open a folder (File → Open Folder…) and run the command again.',
      });
    }
    const t0 = performance.now();
    const { kinds } = await this.catalog.load();
    const entry = kinds.find((k) => k.spec.kind === kind);
    if (!entry) {
      throw new UserError({
        message: `There is no document kind "${kind}".`,
        remedy: `Known kinds: ${kinds.map((k) => k.spec.kind).join(', ')}.`,
      });
    }
    const root = folder.uri.fsPath;
    const setting =
      entry.origin === 'team' && entry.spec.folder ? `"folder" of the template ${entry.spec.source}` : 'opsdeck.documents.folders';
    const target = await resolveFolderInside(root, entry.folder, setting);
    if (!target.ok) throw new UserError(target.error);

    const found = await this.facts(root, folder.name);
    const facts: KnownFacts = args.stack ? { ...found, stack: args.stack } : found;
    const tFacts = performance.now();
    const answers = await this.ask(entry, facts, args);
    if (!answers) return undefined; // Escape: nothing is created
    const tAsked = performance.now();

    const plan = planDocument(entry.spec, facts, answers);
    const fmProblem = frontMatterProblem(plan.rendered.preview);
    if (fmProblem)
      throw new UserError({
        message: `The document was not created: ${fmProblem}.`,
        remedy: 'Leave out characters such as ":" and quotes in the name.',
      });

    const written = await writeExclusive(target.value, plan.fileName, plan.rendered.preview, root);
    if (!written.ok) throw new UserError(written.error);
    const file = written.value;
    const tWritten = performance.now();
    const uri = vscode.Uri.file(file);
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc, { preview: false, preserveFocus: !!args.unattended });
    const tShown = performance.now();
    if (args.unattended) {
      this.ctx.output.info(`Created ${path.relative(root, file)} (${entry.spec.kind}) from facts`);
      return uri;
    }
    const whole = doc.validateRange(new vscode.Range(0, 0, doc.lineCount + 1, 0));
    const inserted = await editor.insertSnippet(new vscode.SnippetString(plan.rendered.snippet), whole, {
      undoStopBefore: false,
      undoStopAfter: false,
      keepWhitespace: true,
    });
    if (!inserted)
      this.ctx.output.warn(`Could not start the snippet in ${file}; the document is written with its fields at their defaults.`);
    const tSnippet = performance.now();
    // The disk already holds this exact text; saving only clears the editor's dirty mark, so it
    // need not hold up the user (it costs 100 ms to over a second on a busy machine).
    void doc.save().then(
      (saved) => saved || this.ctx.output.warn(`Could not save ${file}; the file on disk is complete, the editor shows it as modified.`),
      (e: unknown) => this.ctx.output.warn(`Saving ${file} failed: ${(e as Error).message}`),
    );
    const ms = (a: number, b: number) => `${(b - a).toFixed(0)} ms`;
    this.ctx.output.info(
      `Created ${path.relative(root, file)} (${entry.spec.kind}, ${entry.origin === 'built-in' ? 'built-in template' : entry.spec.source}); ` +
        `templates+facts ${ms(t0, tFacts)}, write ${ms(tAsked, tWritten)}, open ${ms(tWritten, tShown)}, snippet ${ms(tShown, tSnippet)}`,
    );
    return uri;
  }

  /** The input flow: every variable marked `ask`, in order. Undefined when the user pressed Escape. */
  private async ask(entry: KindEntry, facts: KnownFacts, args: NewDocumentArgs): Promise<Record<string, string> | undefined> {
    const answers: Record<string, string> = { ...(args.values ?? {}) };
    if (args.title !== undefined) answers.title = args.title;
    const asked = entry.spec.variables.filter((v) => v.ask && answers[v.name] === undefined);
    if (args.unattended) {
      for (const v of asked) answers[v.name] = v.default ?? v.choices?.[0] ?? v.placeholder ?? v.name;
      return answers;
    }
    let step = 0;
    for (const v of asked) {
      step++;
      const title = `OpsDeck: New ${entry.spec.title}${asked.length > 1 ? ` (${step}/${asked.length})` : ''}`;
      const value = v.choices
        ? await pick(v, title)
        : await input(v, title, (candidate) => {
            const plan = planDocument(entry.spec, facts, { ...answers, [v.name]: candidate });
            const problem = frontMatterProblem(plan.rendered.preview);
            return problem ? `This name would break the template: ${problem}.` : undefined;
          });
      if (value === undefined) return undefined;
      answers[v.name] = value;
    }
    return answers;
  }
}

async function pick(v: VariableSpec, title: string): Promise<string | undefined> {
  const picked = await vscode.window.showQuickPick([...(v.choices ?? [])], { title, placeHolder: v.prompt, ignoreFocusOut: true });
  return picked;
}

async function input(v: VariableSpec, title: string, validate: (value: string) => string | undefined): Promise<string | undefined> {
  const value = await vscode.window.showInputBox({
    title,
    prompt: v.prompt,
    placeHolder: v.placeholder,
    value: v.default,
    ignoreFocusOut: true,
    validateInput: (text) => (text.trim() === '' ? 'Please enter a value (Escape cancels).' : validate(text)),
  });
  return value === undefined ? undefined : value.trim();
}
