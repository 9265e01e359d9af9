// Policy packs (CrossGuard): which local packs apply to a stack (the `opsdeck.pulumi.policyPacks`
// setting), the violations the engine reports while a preview or up runs them, and the words that
// say why a deploy was blocked. Pure: the setting arrives as a plain value, events one by one.
import { EngineEventLike } from './engineEvents';
import { globToRegExp, shortStackName } from './production';
import { parseUrn } from './urn';
import { stripColour } from './values';

/** One entry of the setting: a pack folder, for every stack or for the stacks matching `stacks`. */
export interface PolicyPackEntry {
  path: string;
  /** Stack-name globs (`*`, `?`, case-insensitive); empty means every stack. */
  stacks: string[];
}

export interface PolicySettingProblem {
  /** Which entry, e.g. "opsdeck.pulumi.policyPacks[2]". */
  where: string;
  message: string;
}

/**
 * Reads the setting: each item is a folder (a string) or `{ "path": "…", "stacks": ["prod*"] }`.
 * Bad items are reported (what and where) and left out; the others still apply.
 */
export function parsePolicyPackSetting(value: unknown): { entries: PolicyPackEntry[]; problems: PolicySettingProblem[] } {
  const entries: PolicyPackEntry[] = [];
  const problems: PolicySettingProblem[] = [];
  if (value === undefined || value === null) return { entries, problems };
  if (!Array.isArray(value)) {
    problems.push({ where: 'opsdeck.pulumi.policyPacks', message: 'must be a list of policy-pack folders' });
    return { entries, problems };
  }
  value.forEach((item: unknown, i) => {
    const where = `opsdeck.pulumi.policyPacks[${i}]`;
    if (typeof item === 'string') {
      if (item.trim()) entries.push({ path: item.trim(), stacks: [] });
      else problems.push({ where, message: 'is an empty folder name' });
      return;
    }
    if (item && typeof item === 'object' && !Array.isArray(item)) {
      const o = item as { path?: unknown; stacks?: unknown };
      if (typeof o.path !== 'string' || !o.path.trim()) {
        problems.push({ where, message: 'needs "path": the policy pack folder' });
        return;
      }
      if (o.stacks !== undefined && !(Array.isArray(o.stacks) && o.stacks.every((s) => typeof s === 'string'))) {
        problems.push({ where, message: '"stacks" must be a list of stack-name patterns such as "prod*"' });
        return;
      }
      entries.push({ path: o.path.trim(), stacks: ((o.stacks as string[] | undefined) ?? []).filter((s) => s.trim()) });
      return;
    }
    problems.push({ where, message: 'must be a folder name or { "path": "…", "stacks": ["…"] }' });
  });
  return { entries, problems };
}

/** The pack folders (as written) that apply to a stack, each once, in setting order. */
export function packsForStack(entries: readonly PolicyPackEntry[], stack: string): string[] {
  const name = shortStackName(stack);
  const out: string[] = [];
  for (const e of entries) {
    const applies = !e.stacks.length || e.stacks.some((p) => globToRegExp(p.trim()).test(name) || globToRegExp(p.trim()).test(stack));
    if (applies && !out.includes(e.path)) out.push(e.path);
  }
  return out;
}

export type PolicyLevel = 'mandatory' | 'advisory' | 'remediated';

export interface PolicyViolation {
  level: PolicyLevel;
  policy: string;
  pack: string;
  /** The policy's description and the violation's own words, as the engine gives them. */
  message: string;
  urn?: string;
  /** The resource's name from its URN. */
  resource?: string;
}

interface RemediationEventLike {
  resourceUrn?: string;
  policyName?: string;
  policyPackName?: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

/** A violation (policyEvent) or a remediation (policyRemediationEvent) in an engine event; else undefined. */
export function violationOf(e: EngineEventLike): PolicyViolation | undefined {
  const p = e.policyEvent;
  if (p && typeof p.message === 'string') {
    const level: PolicyLevel = p.enforcementLevel === 'mandatory' ? 'mandatory' : 'advisory';
    const urn = p.resourceUrn || undefined;
    return {
      level,
      policy: String(p.policyName ?? ''),
      pack: String(p.policyPackName ?? ''),
      message: stripColour(p.message).trim(),
      urn,
      resource: urn ? parseUrn(urn).name : undefined,
    };
  }
  const r = (e as { policyRemediationEvent?: RemediationEventLike }).policyRemediationEvent;
  if (r && typeof r === 'object' && typeof r.policyName === 'string') {
    const urn = r.resourceUrn || undefined;
    const changed = Object.keys({ ...r.before, ...r.after })
      .filter((k) => !k.startsWith('__') && JSON.stringify(r.before?.[k]) !== JSON.stringify(r.after?.[k]))
      .sort();
    return {
      level: 'remediated',
      policy: r.policyName,
      pack: String(r.policyPackName ?? ''),
      message: changed.length
        ? `The policy changed ${changed.join(', ')} before the engine used the inputs.`
        : 'The policy remediated the inputs.',
      urn,
      resource: urn ? parseUrn(urn).name : undefined,
    };
  }
  return undefined;
}

/** Mandatory first, then advisory, then remediated; stable otherwise. */
export function orderedViolations(vs: readonly PolicyViolation[]): PolicyViolation[] {
  const rank: Record<PolicyLevel, number> = { mandatory: 0, advisory: 1, remediated: 2 };
  return vs
    .map((v, i) => ({ v, i }))
    .sort((a, b) => rank[a.v.level] - rank[b.v.level] || a.i - b.i)
    .map((x) => x.v);
}

/** The first line of a violation's message that is the violation's own words (the second, when the first is the description). */
export function violationLine(v: PolicyViolation): string {
  const lines = v.message.split('\n').filter((l) => l.trim());
  return (lines.length > 1 ? lines.slice(1).join(' ') : (lines[0] ?? '')).trim();
}

/** One log line per violation: "[mandatory] no-forbidden-files on blocked: File name …". */
export function violationLogLine(v: PolicyViolation): string {
  return `policy [${v.level}] ${v.pack ? `${v.pack}/` : ''}${v.policy}${v.resource ? ` on ${v.resource}` : ''}: ${v.message.split('\n').join(' ').trim()}`;
}

/** Why a preview or deploy was blocked: the mandatory policies by name, with their resources; undefined when none. */
export function blockedMessage(operation: string, stack: string, vs: readonly PolicyViolation[]): string | undefined {
  const mandatory = vs.filter((v) => v.level === 'mandatory');
  if (!mandatory.length) return undefined;
  const byPolicy = new Map<string, string[]>();
  for (const v of mandatory) {
    const list = byPolicy.get(v.policy) ?? [];
    if (v.resource && !list.includes(v.resource)) list.push(v.resource);
    byPolicy.set(v.policy, list);
  }
  const named = [...byPolicy].map(([p, rs]) => (rs.length ? `${p} (${rs.join(', ')})` : p)).join('; ');
  const what = operation === 'preview' ? 'The preview of' : 'The deploy of';
  return `${what} "${stack}" is blocked by ${mandatory.length === 1 ? 'a mandatory policy' : `${mandatory.length} mandatory policy violations`}: ${named}.`;
}
