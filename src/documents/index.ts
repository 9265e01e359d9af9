// Capability 1: documents from commands. Wires the template catalog, the scaffolding flow, the
// living-document commands and the checklist view into the context; the logic lives in the pure
// modules beside this one (template, values, naming, clock, living).
import * as path from 'path';
import * as vscode from 'vscode';
import { OpsDeckContext } from '../context';
import { TemplateCatalog } from './catalog';
import { ChecklistView } from './checklistView';
import { DocumentsConfig } from './config';
import { addProgressLogEntry, setOperationStatus } from './livingCommands';
import { NewDocumentArgs, Scaffolder } from './scaffold';
import type { DocumentsPort } from '../operations/ports';

/** Read-only surface under `api.documents` (for other extensions and the integration tests). */
export interface DocumentsApi {
  /** Kinds available in the workspace and where each comes from. */
  kinds(): Promise<Array<{ kind: string; title: string; origin: 'built-in' | 'team'; source: string; folder: string; overrides: boolean }>>;
  /** Checklist total of the active OpsDeck document, as the status bar shows it. */
  readonly checklist: { file: string; done: number; total: number } | undefined;
}

export function register(ctx: OpsDeckContext): DocumentsPort {
  const config = new DocumentsConfig(() => ctx.workspaceFolder?.uri);
  const catalog = ctx.own(new TemplateCatalog(ctx, config));
  const scaffolder = new Scaffolder(ctx, config, catalog);
  let teamFolders: string[] = [];
  const checklist = ctx.own(new ChecklistView(ctx, config, () => teamFolders));
  const refreshFolders = async () => {
    const { kinds } = await catalog.readTeam(false);
    teamFolders = kinds.map((k) => k.folder);
  };
  void refreshFolders().catch((e) => ctx.output.warn(`Reading team templates failed: ${(e as Error).message}`));

  const newOf = (kind: string) => (args?: NewDocumentArgs) => scaffolder.create(kind, args);

  ctx.registerCommands({
    newDevelopmentSession: newOf('session'),
    newInfrastructureOperation: newOf('operation'),
    newFeatureImplementationSummary: newOf('implementation'),
    newInfrastructureIssueTemplate: newOf('issue-template'),
    newSprintWeekPlan: newOf('sprint'),
    newDocument: async (args?: NewDocumentArgs) => {
      if (args?.kind) return scaffolder.create(args.kind, args);
      const kind = await pickKind(catalog, 'OpsDeck: New Document', 'Which kind of document?');
      return kind ? scaffolder.create(kind, args) : undefined;
    },
    listDocumentKinds: async () => {
      const kind = await pickKind(
        catalog,
        'OpsDeck: Document Kinds',
        'Kinds of document in this workspace and where each comes from (pick one to create it)',
      );
      return kind ? scaffolder.create(kind) : undefined;
    },
    addProgressLogEntry: (args?: { phase?: string }) => addProgressLogEntry(args),
    setOperationStatus: (args?: { status?: string }) => setOperationStatus(args),
    // The walkthrough's snippet step: a scratch markdown file with one of the team's blocks inserted,
    // so a new user sees what `ops-…` gives before typing it in a real document.
    trySnippet: async (args?: { name?: string }) => {
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: '' });
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('editor.action.insertSnippet', {
        langId: 'markdown',
        name: args?.name ?? 'OpsDeck: Rollback procedure',
      });
      return doc.uri.toString();
    },
  });

  const api: DocumentsApi = {
    kinds: async () => {
      const { kinds } = await catalog.load(false);
      return kinds.map((k) => ({
        kind: k.spec.kind,
        title: k.spec.title,
        origin: k.origin,
        source: k.spec.source,
        folder: k.folder,
        overrides: k.overrides,
      }));
    },
    get checklist() {
      return checklist.current;
    },
  };
  ctx.api.documents = api;
  return {
    // The `operation` kind as the catalog has it: a team template overriding the built-in one wins.
    createOperationRecord: async (title, values, stack) => {
      const uri = await scaffolder.create('operation', { title, values, stack, unattended: true });
      if (!uri) throw new Error('the operation record was not created');
      return uri;
    },
  };
}

async function pickKind(catalog: TemplateCatalog, title: string, placeHolder: string): Promise<string | undefined> {
  const { kinds, problems } = await catalog.load();
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
  type Item = vscode.QuickPickItem & { docKind?: string; problem?: { file: string; line: number } };
  const items: Item[] = kinds.map((k) => ({
    label: `$(${k.origin === 'team' ? 'organization' : 'file-text'}) ${k.spec.title}`,
    description:
      k.origin === 'built-in'
        ? `${k.spec.kind} · built-in`
        : `${k.spec.kind} · ${path.relative(root, k.spec.source)}${k.overrides ? ' (overrides the built-in)' : ''}`,
    detail: `${k.spec.description ? `${k.spec.description} ` : ''}→ ${k.folder}/`,
    docKind: k.spec.kind,
  }));
  if (problems.length) {
    items.push({ label: 'Skipped team templates (pick one to see why)', kind: vscode.QuickPickItemKind.Separator });
    for (const p of problems) {
      items.push({
        label: `$(warning) ${path.relative(root, p.file)}:${p.line}`,
        description: p.message,
        problem: { file: p.file, line: p.line },
      });
    }
  }
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder, matchOnDescription: true, matchOnDetail: true });
  if (picked?.problem) {
    await vscode.window.showTextDocument(vscode.Uri.file(picked.problem.file), {
      selection: new vscode.Range(picked.problem.line - 1, 0, picked.problem.line - 1, 0),
    });
    return undefined;
  }
  return picked?.docKind;
}
