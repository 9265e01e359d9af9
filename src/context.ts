// One object owns everything OpsDeck creates: disposables, the output channel, and the command
// table. Capabilities receive it in their `register` function and never keep their own globals.
import * as vscode from 'vscode';

export type CommandHandler = (...args: any[]) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any

export class OpsDeckContext implements vscode.Disposable {
  readonly output: vscode.LogOutputChannel;
  private readonly disposables: vscode.Disposable[] = [];
  /** Public, read-only surface returned from `activate` (other extensions and tests read it). */
  readonly api: Record<string, unknown> = {};
  /** Secret maskers the capabilities register; applied to every error a command reports. */
  private readonly maskers = new Set<(text: string) => string>();

  constructor(readonly extension: vscode.ExtensionContext) {
    this.output = this.own(vscode.window.createOutputChannel('OpsDeck', { log: true }));
  }

  /** Takes ownership of a disposable and returns it, so creation and ownership read as one line. */
  own<T extends vscode.Disposable>(d: T): T {
    this.disposables.push(d);
    return d;
  }

  /** Adds a masker for error texts (messages, stack traces) that reach the log or a notification. */
  addMasker(mask: (text: string) => string): vscode.Disposable {
    this.maskers.add(mask);
    return { dispose: () => this.maskers.delete(mask) };
  }

  mask(text: string): string {
    let out = text;
    for (const m of this.maskers) out = m(out);
    return out;
  }

  /** Registers `opsdeck.<name>` for every entry of the table. */
  registerCommands(table: Record<string, CommandHandler>): void {
    for (const [name, handler] of Object.entries(table)) {
      this.own(
        vscode.commands.registerCommand(`opsdeck.${name}`, async (...args: unknown[]) => {
          try {
            return await handler(...args);
          } catch (e) {
            // A command that throws must still tell the user something useful and leave a trace.
            const message = this.mask(e instanceof Error ? e.message : String(e));
            this.output.error(this.mask(`opsdeck.${name} failed: ${e instanceof Error && e.stack ? e.stack : message}`));
            void vscode.window.showErrorMessage(`OpsDeck: ${message}`, 'Show Log').then((choice) => {
              if (choice === 'Show Log') this.output.show(true);
            });
            return undefined;
          }
        }),
      );
    }
  }

  get workspaceFolder(): vscode.WorkspaceFolder | undefined {
    return vscode.workspace.workspaceFolders?.[0];
  }

  dispose(): void {
    while (this.disposables.length) {
      try {
        this.disposables.pop()?.dispose();
      } catch {
        /* keep disposing the rest */
      }
    }
  }
}
