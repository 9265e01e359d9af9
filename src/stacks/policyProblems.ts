// Policy violations in the Problems panel, at the resource's source line: the position the state
// records for the resource, mapped to a file exactly as Go to Resource Source maps it. A resource the
// state does not know yet (never deployed) has no recorded position: its violation sits on the
// project's Pulumi.yaml, saying so, rather than on a guessed line.
import * as vscode from 'vscode';
import { DiscoveredProject } from './discovery';
import { PolicyViolation, violationLine } from './model/policy';
import { SourcePosition, sourceFile } from './model/stateTree';

const SOURCE = 'OpsDeck policy';

export class PolicyProblems implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('opsdeck-policy');
  /** Per stack: the files it put diagnostics on (a stack's new run replaces only its own). */
  private readonly byStack = new Map<string, Map<string, vscode.Diagnostic[]>>();

  /** Replaces the stack's policy diagnostics with the violations of its latest preview or up. */
  set(
    key: string,
    project: DiscoveredProject,
    stack: string,
    violations: readonly PolicyViolation[],
    sourceOf: (urn: string) => SourcePosition | undefined,
  ): void {
    const files = new Map<string, vscode.Diagnostic[]>();
    for (const v of violations) {
      const pos = v.urn ? sourceOf(v.urn) : undefined;
      const file = pos ? sourceFile(pos, project.dir) : project.fileUri.fsPath;
      const line = pos ? Math.max(0, pos.line - 1) : 0;
      const col = pos ? Math.max(0, (pos.column ?? 1) - 1) : 0;
      const where = v.resource ? `${v.resource}: ` : '';
      const unplaced = !pos && v.urn ? ' (not deployed yet, so the state records no source line for it)' : '';
      const d = new vscode.Diagnostic(
        new vscode.Range(line, col, line, Number.MAX_SAFE_INTEGER),
        `${where}${violationLine(v)} [${v.level}, stack ${stack}]${unplaced}`,
        v.level === 'mandatory'
          ? vscode.DiagnosticSeverity.Error
          : v.level === 'advisory'
            ? vscode.DiagnosticSeverity.Warning
            : vscode.DiagnosticSeverity.Information,
      );
      d.source = SOURCE;
      d.code = v.pack ? `${v.pack}/${v.policy}` : v.policy;
      const list = files.get(file) ?? [];
      list.push(d);
      files.set(file, list);
    }
    this.byStack.set(key, files);
    this.publish();
  }

  clear(key: string): void {
    if (this.byStack.delete(key)) this.publish();
  }

  private publish(): void {
    const merged = new Map<string, vscode.Diagnostic[]>();
    for (const files of this.byStack.values()) for (const [f, ds] of files) merged.set(f, [...(merged.get(f) ?? []), ...ds]);
    this.collection.clear();
    for (const [f, ds] of merged) this.collection.set(vscode.Uri.file(f), ds);
  }

  /** What the Problems panel holds, for the API (tests read what users see). */
  all(): Array<{ file: string; line: number; severity: string; message: string; code: string }> {
    const out: Array<{ file: string; line: number; severity: string; message: string; code: string }> = [];
    this.collection.forEach((uri, ds) => {
      for (const d of ds)
        out.push({
          file: uri.fsPath,
          line: d.range.start.line + 1,
          severity: vscode.DiagnosticSeverity[d.severity],
          message: d.message,
          code: String(d.code ?? ''),
        });
    });
    return out;
  }

  dispose(): void {
    this.collection.dispose();
  }
}
