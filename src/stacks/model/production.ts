// Production stack patterns: globs (`*`, `?`) matched case-insensitively against the stack's own
// name (the last segment of org/project/stack).

export const DEFAULT_PRODUCTION_PATTERNS = ['prod*', 'production*'];

export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'i');
}

export function shortStackName(stack: string): string {
  return stack.split('/').pop() ?? stack;
}

export function isProductionStack(stack: string, patterns: readonly string[]): boolean {
  const name = shortStackName(stack);
  return patterns.some((p) => p.trim() !== '' && (globToRegExp(p.trim()).test(name) || globToRegExp(p.trim()).test(stack)));
}

/** What the user must type to confirm a guarded action on a production stack. */
export function confirmationMatches(typed: string | undefined, stack: string): boolean {
  return typed !== undefined && typed.trim() === shortStackName(stack);
}
