// Thin activation: build the context, let each capability register what it owns, return the API.
// Operations come last: they take the other three capabilities' ports.
import * as vscode from 'vscode';
import { OpsDeckContext } from './context';
import * as documents from './documents';
import * as stacks from './stacks';
import * as health from './health';
import * as operations from './operations';

let ctx: OpsDeckContext | undefined;

export function activate(extension: vscode.ExtensionContext): Record<string, unknown> {
  const started = performance.now();
  ctx = new OpsDeckContext(extension);
  extension.subscriptions.push(ctx);
  const parts: string[] = [];
  const timed = <T>(name: string, f: () => T): T => {
    const t = performance.now();
    const v = f();
    parts.push(`${name} ${(performance.now() - t).toFixed(1)}`);
    return v;
  };
  const documentsPort = timed('documents', () => documents.register(ctx!));
  const stacksPort = timed('stacks', () => stacks.register(ctx!));
  const healthPort = timed('health', () => health.register(ctx!));
  timed('operations', () => operations.register(ctx!, { stacks: stacksPort, health: healthPort, documents: documentsPort }));
  ctx.output.info(`OpsDeck activated in ${(performance.now() - started).toFixed(1)} ms (${parts.join(', ')} ms)`);
  return ctx.api;
}

export function deactivate(): void {
  ctx?.dispose();
  ctx = undefined;
}
