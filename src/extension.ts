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
  const documentsPort = documents.register(ctx);
  const stacksPort = stacks.register(ctx);
  const healthPort = health.register(ctx);
  operations.register(ctx, { stacks: stacksPort, health: healthPort, documents: documentsPort });
  ctx.output.info(`OpsDeck activated in ${(performance.now() - started).toFixed(1)} ms`);
  return ctx.api;
}

export function deactivate(): void {
  ctx?.dispose();
  ctx = undefined;
}
