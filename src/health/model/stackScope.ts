// Which endpoints and alarms belong to a Pulumi stack: `stack:` / `stacks:` on an endpoint, a group
// (inherited by its endpoints) or an alarm prefix. What names no stack counts for every stack, so a
// configuration that says nothing about stacks watches everything after any deploy.
import { globToRegExp, shortStackName } from '../../stacks/model/production';
import type { HealthConfig } from './healthConfig';

/** A `stack:` value names the stack (`prod-eu`), its full reference (`shop/prod-eu`) or a glob (`prod-*`). */
export function stackMatches(patterns: readonly string[], stackRef: string, stack: string): boolean {
  return patterns.some((p) => {
    const re = globToRegExp(p.trim());
    return re.test(stack) || re.test(stackRef) || re.test(shortStackName(stack));
  });
}

export interface StackScope {
  endpoints: string[];
  alarmNames: (name: string) => boolean;
}

export function stackScope(cfg: Pick<HealthConfig, 'endpoints' | 'alarms'>, stackRef: string, stack: string): StackScope {
  const endpoints = cfg.endpoints.filter((e) => !e.stacks || stackMatches(e.stacks, stackRef, stack)).map((e) => e.name);
  const scoped = cfg.alarms.stackPrefixes ?? [];
  const alarmNames = (name: string) => {
    const owners = scoped.filter((p) => name.startsWith(p.prefix));
    return !owners.length || owners.some((p) => stackMatches(p.stacks, stackRef, stack));
  };
  return { endpoints, alarmNames };
}
