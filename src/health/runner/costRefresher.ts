// The month's AWS cost: read from the cache all windows share, and asked of Cost Explorer (billed
// per request) only when the cache is stale and this window probes, or on a manual refresh.
// No `vscode` import.
import type { AwsConfig, HealthConfig } from '../model/healthConfig';
import type { AwsProblem, CostSnapshot } from '../model/snapshot';
import { HOUR } from '../model/slaMath';
import { budgetLine, formatMoney } from '../model/statusText';
import { AwsClients, DEFAULT_AWS_TIMEOUTS, classifyAwsError, fetchCost, withDeadline } from './aws';
import { CostCache, costCacheKey, costSnapshot, isStale } from './costCache';
import type { Role } from './probeCoordinator';

export interface CostHost {
  config(): HealthConfig | undefined;
  clients(): AwsClients | undefined;
  resolveAws(cfg: HealthConfig): AwsConfig;
  role(): Role;
  isTrusted(): boolean;
  minRefreshHours(): number;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  changed(): void;
  /** Credentials trouble is an AWS problem for the whole capability, not just for cost. */
  credentialsProblem(p: AwsProblem): void;
  /** The forecast passes the budget (shown once a month). */
  overBudget(message: string): void;
}

export class CostRefresher {
  cost: CostSnapshot | undefined;
  problem: string | undefined;
  private fetching: Promise<void> | undefined;
  /** Month (YYYY-MM) for which the over-budget warning was shown: once a month, not once per refresh. */
  private budgetWarned: string | undefined;

  constructor(
    private readonly cache: CostCache,
    private readonly host: CostHost,
  ) {}

  /** Loads cost from the shared cache; asks Cost Explorer only when stale (or forced) and this window probes. */
  refresh(force: boolean): Promise<void> {
    if (this.fetching) return this.fetching;
    this.fetching = this.doRefresh(force).finally(() => {
      this.fetching = undefined;
    });
    return this.fetching;
  }

  private async doRefresh(force: boolean): Promise<void> {
    const cfg = this.host.config();
    if (!cfg?.cost.enabled) {
      this.cost = undefined;
      return;
    }
    const now = Date.now();
    const aws = { ...cfg.aws, profile: this.host.resolveAws(cfg).profile };
    const key = costCacheKey(aws, cfg.cost, now);
    const cached = this.cache.read(key);
    if (cached) this.cost = costSnapshot(cached, cfg.cost, now, true);
    const due = force || (this.host.role() === 'prober' && isStale(cached, now, this.host.minRefreshHours() * HOUR));
    const clients = this.host.clients();
    if (!due || !clients) return this.host.changed();
    if (!this.host.isTrusted()) return;
    try {
      const data = await withDeadline(DEFAULT_AWS_TIMEOUTS.pollDeadlineMs, 'Cost Explorer', (signal) =>
        fetchCost(clients.costExplorer, cfg.cost, now, signal),
      );
      // The team's budgets, read with the cost (and cached with it): a failure here (no Budgets access)
      // is one message, and the cost report still shows with the local budget as the fallback.
      try {
        const b = await withDeadline(DEFAULT_AWS_TIMEOUTS.pollDeadlineMs, 'AWS Budgets', (signal) => clients.budgets.read(signal));
        data.budgets = b.budgets;
        this.host.log('info', `Health: ${b.budgets.length} cost budget(s) read from AWS Budgets (${b.calls} call(s)).`);
      } catch (e) {
        const p = classifyAwsError(e, aws.profile, 'budgets:ViewBudget, sts:GetCallerIdentity');
        data.budgetsProblem = `AWS Budgets could not be read: ${p.message}${cfg.cost.monthlyBudget !== undefined ? ' The local cost.budget is used instead.' : ''}`;
        this.host.log('warn', `Health: ${data.budgetsProblem}`);
      }
      await this.cache.write(key, data);
      this.cost = costSnapshot(data, cfg.cost, now, false);
      this.problem = undefined;
      this.warnBudget(this.cost);
      this.host.log('info', `Health: cost refreshed from Cost Explorer (${data.daily.length} days).`);
    } catch (e) {
      const p = classifyAwsError(e, aws.profile);
      this.problem = p.message;
      if (p.kind === 'credentials') this.host.credentialsProblem(p);
      this.host.log('warn', `Health: Cost Explorer failed: ${p.message}${cached ? ' (showing the cached report)' : ''}`);
    }
    this.host.changed();
  }

  /** The configuration went away: nothing to show. */
  clear(): void {
    this.cost = undefined;
  }

  private warnBudget(c: CostSnapshot): void {
    const month = c.monthStart.slice(0, 7);
    if (!c.budgetAtRisk || this.budgetWarned === month) return;
    const team = c.teamBudgets?.filter((b) => b.atRisk) ?? [];
    if (c.teamBudgets?.length) {
      if (!team.length) return;
      this.budgetWarned = month;
      this.host.overBudget(`AWS Budgets: ${team.map(budgetLine).join('; ')}.`);
      return;
    }
    if (c.budget === undefined) return;
    this.budgetWarned = month;
    this.host.overBudget(
      `AWS cost is forecast at ${formatMoney(c.forecastMonthEnd, c.currency)} this month, over the ${formatMoney(c.budget, c.currency)} budget (${formatMoney(c.monthToDate, c.currency)} so far).`,
    );
  }
}
