// "OpsDeck: Export Health Checks to Pulumi": picks a Pulumi TypeScript project of the workspace, shows
// the module and the entry file's change as diffs, and writes them only when the user says so.
// The code itself comes from model/pulumiExport.ts.
//
// Like the stack operations (`confirm` in stacks/operations.ts), a scripted caller passes an
// ExportRequest that names the project and answers the question; the diffs are shown all the same.
// From the palette there is no argument and the user is asked.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { parse as parseYaml } from 'yaml';
import type { HealthConfig } from './model/healthConfig';
import { MODULE_FILE, Skipped, generatedRegion, updateEntry, updateModule } from './model/pulumiExport';
import { replaceFileAtomically } from '../shared/atomicFile';

const SCHEME = 'opsdeck-export';

/** Proposed file contents, served read-only to the diff editor. */
class Proposals implements vscode.TextDocumentContentProvider {
  readonly texts = new Map<string, string>();
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.path) ?? '';
  }
}

/** The optional argument of opsdeck.exportHealthChecksToPulumi. */
export interface ExportRequest {
  /** The Pulumi project to write into: its folder or its Pulumi.yaml. Asked for when absent and there are several. */
  project?: string;
  /** Answers "Write …?" for a scripted run (no modal); the diffs are still opened. */
  confirm?: { yes: boolean };
}

/** What the command did, for scripted callers (the user sees the same in notifications). */
export type ExportResult =
  | { kind: 'written'; files: string[]; exported: string[]; skipped: Skipped[] }
  | { kind: 'unchanged'; file: string }
  | { kind: 'declined' }
  | { kind: 'failed'; message: string };

interface Project {
  /** The folder of Pulumi.yaml. */
  root: string;
  /** The folder of the entry file (the module is written beside it). */
  dir: string;
  name: string;
  entry: string;
}

/** A Pulumi project written in TypeScript: nodejs runtime and an index.ts (or the `main` it names). */
function tsProject(file: string): Project | { problem: string } {
  const dir = path.dirname(file);
  let doc: { name?: string; runtime?: string | { name?: string }; main?: string };
  try {
    doc = parseYaml(fs.readFileSync(file, 'utf8')) as typeof doc;
  } catch (e) {
    return { problem: `${file}: ${(e as Error).message}` };
  }
  const runtime = typeof doc?.runtime === 'string' ? doc.runtime : doc?.runtime?.name;
  if (runtime !== 'nodejs') return { problem: `${file}: runtime is ${runtime ?? 'not set'}, not nodejs` };
  const main = doc.main ? path.resolve(dir, doc.main) : dir;
  const entry = main.endsWith('.ts') ? main : path.join(main, 'index.ts');
  if (!fs.existsSync(entry)) return { problem: `${file}: no ${path.relative(dir, entry)} (a TypeScript entry file)` };
  return { root: dir, dir: path.dirname(entry), name: doc.name ?? path.basename(dir), entry };
}

export function registerExport(
  ctx: { own<T extends vscode.Disposable>(d: T): T },
  config: () => HealthConfig | undefined,
  folder: () => vscode.WorkspaceFolder | undefined,
) {
  const proposals = new Proposals();
  ctx.own(vscode.workspace.registerTextDocumentContentProvider(SCHEME, proposals));
  const fail = (message: string): ExportResult => {
    void vscode.window.showWarningMessage(message);
    return { kind: 'failed', message };
  };
  return async (arg?: unknown): Promise<ExportResult> => {
    // A tree or menu may hand the command its own node: only a plain request object counts.
    const req: ExportRequest = arg && typeof arg === 'object' && !Array.isArray(arg) ? (arg as ExportRequest) : {};
    const cfg = config();
    const ws = folder();
    if (!cfg || !ws) return fail('OpsDeck: there is no health configuration to export. Create .opsdeck/health.yaml first.');
    const files = await vscode.workspace.findFiles('**/Pulumi.{yaml,yml}', '**/node_modules/**', 200);
    const found = files.map((f) => tsProject(f.fsPath));
    const projects = found.filter((p): p is Project => 'entry' in p);
    if (!projects.length) {
      const why = found.map((p) => ('problem' in p ? p.problem : '')).filter(Boolean);
      return fail(
        `OpsDeck: no Pulumi TypeScript project in this workspace to export the health checks into.${why.length ? ` ${why.join('; ')}.` : ''}`,
      );
    }
    let project: Project | undefined;
    if (req.project) {
      const wanted = path.resolve(ws.uri.fsPath, req.project.replace(/[\\/]Pulumi\.ya?ml$/, ''));
      project = projects.find((p) => p.root === wanted);
      if (!project) {
        const why = found.find((p, i) => 'problem' in p && path.dirname(files[i]!.fsPath) === wanted);
        return fail(
          `OpsDeck: ${req.project} is not a Pulumi TypeScript project of this workspace${why && 'problem' in why ? ` (${why.problem})` : ''}.`,
        );
      }
    } else
      project =
        projects.length === 1
          ? projects[0]
          : (
              await vscode.window.showQuickPick(
                projects.map((p) => ({ label: p.name, description: path.relative(ws.uri.fsPath, p.dir), p })),
                { title: 'OpsDeck: export the health checks into which Pulumi project?' },
              )
            )?.p;
    if (!project) return { kind: 'declined' };
    const region = generatedRegion(cfg, ws.name);
    const moduleFile = path.join(project.dir, MODULE_FILE);
    const existing = fs.existsSync(moduleFile) ? fs.readFileSync(moduleFile, 'utf8') : undefined;
    const mod = updateModule(existing, region.code);
    if (!mod.ok) {
      const message = `OpsDeck: ${path.relative(ws.uri.fsPath, moduleFile)} is not written: ${mod.error}.`;
      void vscode.window.showErrorMessage(message);
      return { kind: 'failed', message };
    }
    const entryText = fs.readFileSync(project.entry, 'utf8');
    const entryNew = updateEntry(entryText, `./${MODULE_FILE.replace(/\.ts$/, '')}`);
    const changes = [
      { file: moduleFile, before: existing, after: mod.text },
      { file: project.entry, before: entryText, after: entryNew },
    ].filter((c) => c.before !== c.after);
    if (!changes.length) {
      void vscode.window.showInformationMessage('OpsDeck: the Pulumi module already matches health.yaml; nothing to write.');
      return { kind: 'unchanged', file: moduleFile };
    }
    // The diffs first; nothing is written until the user says so.
    for (const c of changes) {
      const proposed = vscode.Uri.from({ scheme: SCHEME, path: c.file });
      proposals.texts.set(c.file, c.after);
      const left = c.before === undefined ? vscode.Uri.from({ scheme: SCHEME, path: `${c.file}.empty` }) : vscode.Uri.file(c.file);
      await vscode.commands.executeCommand('vscode.diff', left, proposed, `${path.basename(c.file)} (export to Pulumi)`, {
        preview: false,
      });
    }
    const skipped = region.skipped.length
      ? ` Not exported (Route 53 cannot probe them): ${region.skipped.map((s) => `${s.name} (${s.reason})`).join('; ')}.`
      : '';
    const yes = req.confirm
      ? req.confirm.yes
      : (await vscode.window.showInformationMessage(
          `Write ${changes.map((c) => path.relative(ws.uri.fsPath, c.file)).join(' and ')} with ${region.exported.length} Route 53 health check(s) and alarm(s)?${skipped}`,
          { modal: true },
          'Write',
        )) === 'Write';
    if (!yes) return { kind: 'declined' };
    for (const c of changes) await replaceFileAtomically(c.file, c.after);
    void vscode.window.showInformationMessage(
      `OpsDeck: health checks exported to ${path.relative(ws.uri.fsPath, moduleFile)}. Deploy them with Preview and Deploy on stack ${project.name}.`,
    );
    return { kind: 'written', files: changes.map((c) => c.file), exported: region.exported, skipped: region.skipped };
  };
}
