// The one rule for "how many resources" (issue 10, item 7). The confirmation, the log's summary
// line, the stack row's "N resources", the Resources section and the change view all count with it,
// so they agree. Pulumi's own preview display hides the same two kinds of bookkeeping.
import { parseUrn } from './urn';

/** Said in the tooltips of the stack row and the Resources section. */
export const COUNTING_RULE =
  'Counted: your resources (components, custom resources and explicit providers). Not counted: the stack resource (pulumi:pulumi:Stack) and default providers (pulumi:providers:*::default…), which the engine keeps as bookkeeping.';

/** True when a resource counts under the rule: not the stack resource, not a default provider. */
export function countsAsResource(r: { type: string; urn?: string; name?: string }): boolean {
  if (r.type === 'pulumi:pulumi:Stack') return false;
  if (!r.type.startsWith('pulumi:providers:')) return true;
  const name = r.name ?? (r.urn ? parseUrn(r.urn).name : '');
  return !name.startsWith('default');
}

/** "1 resource", "4 resources". */
export function resourcesLabel(n: number): string {
  return `${n} resource${n === 1 ? '' : 's'}`;
}
