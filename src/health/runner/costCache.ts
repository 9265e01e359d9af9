// Cost Explorer bills per request, so results are cached in a file in the extension's global
// storage, shared by every window: a window opens the report from the cache and only asks AWS again
// when the entry is older than the configured minimum interval (or on a manual refresh).
// No `vscode` import.
import { createHash } from 'crypto';
import { promises as fsp, readFileSync } from 'fs';
import { replaceFileAtomically } from '../../shared/atomicFile';
import type { CostData } from './aws';
import type { AwsConfig, CostConfig } from '../model/healthConfig';
import { budgetAtRisk, forecastMonth } from '../model/forecast';
import type { CostSnapshot } from '../model/snapshot';
import { filterBudgets, viewBudget } from '../model/teamBudgets';

type CacheFile = Record<string, CostData>;

export function costCacheKey(aws: AwsConfig, cost: CostConfig, now: number): string {
  const month = new Date(now).toISOString().slice(0, 7);
  return createHash('sha256')
    .update(JSON.stringify([aws.profile ?? '', aws.region ?? '', aws.endpoint ?? '', cost.groupBy, cost.stackTag ?? '', month]))
    .digest('hex')
    .slice(0, 16);
}

export class CostCache {
  constructor(readonly file: string) {}

  /** Synchronous on purpose: a small JSON file, read when the report opens. */
  read(key: string): CostData | undefined {
    try {
      const all = JSON.parse(readFileSync(this.file, 'utf8')) as CacheFile;
      const d = all[key];
      return d && typeof d.fetchedAt === 'number' && Array.isArray(d.daily) ? d : undefined;
    } catch {
      return undefined;
    }
  }

  async write(key: string, data: CostData): Promise<void> {
    let all: CacheFile = {};
    try {
      all = JSON.parse(await fsp.readFile(this.file, 'utf8')) as CacheFile;
    } catch {
      /* new or unreadable cache: start afresh */
    }
    all[key] = data;
    // Keep the cache small: the newest 20 entries.
    const entries = Object.entries(all)
      .sort((a, b) => b[1].fetchedAt - a[1].fetchedAt)
      .slice(0, 20);
    // Owner-only: the cache holds the account's spending.
    await replaceFileAtomically(this.file, JSON.stringify(Object.fromEntries(entries)), { mode: 0o600 });
  }
}

export function isStale(data: CostData | undefined, now: number, minIntervalMs: number): boolean {
  return (
    !data ||
    now - data.fetchedAt >= minIntervalMs ||
    new Date(data.fetchedAt).toISOString().slice(0, 7) !== new Date(now).toISOString().slice(0, 7)
  );
}

export function costSnapshot(data: CostData, cost: CostConfig, now: number, fromCache: boolean): CostSnapshot {
  const today = new Date(now).toISOString().slice(0, 10);
  const f = forecastMonth(data.daily, today);
  const snap: CostSnapshot = {
    currency: data.currency,
    asOf: data.fetchedAt,
    monthStart: `${today.slice(0, 8)}01`,
    monthToDate: f.monthToDate,
    byService: data.byGroup,
    daily: data.daily,
    forecastMonthEnd: f.forecastMonthEnd,
    forecastDaily: f.forecastDaily,
    budget: cost.monthlyBudget,
    budgetAtRisk: false,
    byStack: data.byStack,
    stackTag: cost.stackTag,
    fromCache,
    teamBudgets: data.budgets ? filterBudgets(data.budgets, cost.budgetPrefixes).map(viewBudget) : undefined,
    budgetsProblem: data.budgetsProblem,
  };
  // The team's budgets decide when there are any; the local cost.budget is the fallback.
  snap.budgetAtRisk = snap.teamBudgets?.length ? snap.teamBudgets.some((b) => b.atRisk) : budgetAtRisk(snap);
  return snap;
}
