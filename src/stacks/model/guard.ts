// The confirmation a guarded operation needs, decided from the preview's counts and the stack name.
// The vscode side asks the user (modal, then an input box for production); commands called with an
// options object answer the same questions non-interactively and go through the same checks.
import { ChangeOp, countsLine, hasChanges } from './changeModel';
import { confirmationMatches, isProductionStack, shortStackName } from './production';

export type GuardedOperation = 'up' | 'destroy';

export interface GuardQuestion {
  operation: GuardedOperation;
  stack: string;
  production: boolean;
  /** "Deploy to prod? 1 to create, 2 to update" */
  title: string;
  detail: string;
  confirmLabel: string;
  /** When set, the user must type this (the stack's name). */
  typeToConfirm?: string;
  nothingToDo: boolean;
}

export function guardQuestion(
  operation: GuardedOperation,
  stack: string,
  counts: Record<ChangeOp, number>,
  patterns: readonly string[],
): GuardQuestion {
  const production = isProductionStack(stack, patterns);
  const name = shortStackName(stack);
  const verb = operation === 'up' ? 'Deploy' : 'Destroy';
  const line = countsLine(counts);
  return {
    operation,
    stack,
    production,
    title: `${verb} ${production ? 'PRODUCTION stack ' : 'stack '}"${name}"?`,
    // A destroy runs no program: it deletes everything the stack's state holds (model/destroyList.ts).
    detail: `${operation === 'up' ? 'The preview shows' : "The stack's state holds"}: ${line}.${production ? ` "${name}" matches a production pattern: you will be asked to type its name.` : ''}`,
    confirmLabel: operation === 'up' ? `Deploy (${line})` : `Destroy (${line})`,
    typeToConfirm: production ? name : undefined,
    nothingToDo: !hasChanges(counts),
  };
}

export interface GuardAnswer {
  confirmed: boolean;
  typedName?: string;
}

export type GuardVerdict = { proceed: true } | { proceed: false; reason: string };

export function judge(q: GuardQuestion, a: GuardAnswer): GuardVerdict {
  if (!a.confirmed)
    return {
      proceed: false,
      reason: `${q.operation === 'up' ? 'Deploy' : 'Destroy'} of "${shortStackName(q.stack)}" was not confirmed; nothing changed.`,
    };
  if (q.typeToConfirm !== undefined && !confirmationMatches(a.typedName, q.stack)) {
    return { proceed: false, reason: `"${q.typeToConfirm}" is a production stack: its name was not typed correctly, so nothing changed.` };
  }
  return { proceed: true };
}
