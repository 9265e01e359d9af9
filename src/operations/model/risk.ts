// The risk level an operation record starts with, derived from what the preview says will change.
// Pure. Only creates: Low; updates: Medium; replaces or deletes: High; a production stack one level
// higher. The user may change the level in the record afterwards, and OpsDeck never changes it back.
import type { ChangeOp } from '../../stacks/model/changeModel';

export const RISK_LEVELS = ['Low', 'Medium', 'High', 'Critical'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export interface Risk {
  level: RiskLevel;
  /** Why, in words a reviewer can check against the change list: "1 replace, 2 updates; production stack". */
  reason: string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function riskOf(counts: Readonly<Record<ChangeOp, number>>, production: boolean): Risk {
  const destructive = counts.replace + counts.delete;
  let base: RiskLevel;
  const parts: string[] = [];
  if (destructive > 0) {
    base = 'High';
    if (counts.replace) parts.push(plural(counts.replace, 'replace'));
    if (counts.delete) parts.push(plural(counts.delete, 'delete'));
  } else if (counts.update > 0) {
    base = 'Medium';
    parts.push(plural(counts.update, 'update'));
  } else {
    base = 'Low';
    parts.push(counts.create ? `only creates (${counts.create})` : 'no changes');
  }
  const level = production ? RISK_LEVELS[Math.min(RISK_LEVELS.length - 1, RISK_LEVELS.indexOf(base) + 1)] : base;
  if (production) parts.push('production stack (one level up)');
  return { level, reason: parts.join('; ') };
}
