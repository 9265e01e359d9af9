// Whether an operation is recorded, and whether a regression rolls back by itself: the user-level
// choice, overridden per stack by patterns (globs on the stack name, as for production stacks).
import { globToRegExp, shortStackName } from '../../stacks/model/production';

export type RecordChoice = 'ask' | 'always' | 'never';

/** The first pattern that matches the stack decides; otherwise the default. */
export function recordChoice(stack: string, byDefault: RecordChoice, byStack: Readonly<Record<string, string>>): RecordChoice {
  for (const [pattern, choice] of Object.entries(byStack)) {
    if (choice !== 'ask' && choice !== 'always' && choice !== 'never') continue;
    const re = globToRegExp(pattern.trim());
    if (re.test(shortStackName(stack)) || re.test(stack)) return choice;
  }
  return byDefault;
}

/** Auto-rollback is off unless the stack matches one of the patterns. */
export function autoRollback(stack: string, patterns: readonly string[]): boolean {
  return patterns.some(
    (p) => p.trim() !== '' && (globToRegExp(p.trim()).test(shortStackName(stack)) || globToRegExp(p.trim()).test(stack)),
  );
}

/** "2:31" for the status bar countdown. */
export function countdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
