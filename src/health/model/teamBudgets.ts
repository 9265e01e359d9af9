// The team's AWS Budgets (cost budgets of the account), as OpsDeck shows them. Pure.

export interface TeamBudget {
  name: string;
  /** The budget's limit, its actual and forecasted spend (CalculatedSpend), in `unit` (e.g. USD). */
  limit: number;
  actual: number;
  forecast?: number;
  unit: string;
  timeUnit: string;
  /** The budget's period (ISO dates), when AWS says. */
  start?: string;
  end?: string;
}

export interface TeamBudgetView extends TeamBudget {
  /** Actual spend passed the limit. */
  over: boolean;
  /** The forecast passes the limit (or the actual already did). */
  atRisk: boolean;
}

export function viewBudget(b: TeamBudget): TeamBudgetView {
  const over = b.actual > b.limit;
  return { ...b, over, atRisk: over || (b.forecast !== undefined && b.forecast > b.limit) };
}

/** Budgets named with one of the prefixes (all of them when there are none). */
export function filterBudgets<T extends { name: string }>(budgets: readonly T[], prefixes: readonly string[] | undefined): T[] {
  return prefixes?.length ? budgets.filter((b) => prefixes.some((p) => b.name.startsWith(p))) : [...budgets];
}
