// The team's AWS Budgets: DescribeBudgets for the account the credentials belong to (found once with
// STS GetCallerIdentity). The SDK clients are loaded on first use, not at activation: most
// workspaces never configure cost. No `vscode` import.
import { BudgetsClient, DescribeBudgetsCommand, type DescribeBudgetsResponse } from '@aws-sdk/client-budgets';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsConfig } from '../model/healthConfig';
import type { TeamBudget } from '../model/teamBudgets';

export interface BudgetsReader {
  /** Cost budgets of the account, every page; `calls` counts the AWS requests made. */
  read(signal?: AbortSignal): Promise<{ budgets: TeamBudget[]; calls: number }>;
  dispose(): void;
}

const num = (s: string | undefined) => (s === undefined || s === '' ? undefined : Number(s));
const day = (d: Date | undefined) => (d ? d.toISOString().slice(0, 10) : undefined);

/** `common`: the same region, profile, endpoint and timeouts as the other AWS clients. */
export function budgetsReader(aws: AwsConfig, common: Record<string, unknown>): BudgetsReader {
  let clients:
    | Promise<{ send: (kind: 'who' | 'page', token?: string, account?: string, signal?: AbortSignal) => Promise<unknown>; destroy(): void }>
    | undefined;
  let account: string | undefined;
  const load = () =>
    // The bundle loads the SDK on first use (scripts/build.mjs, lazy chunks); the clients are made on first use.
    (clients ??= Promise.resolve({ b: { BudgetsClient, DescribeBudgetsCommand }, s: { STSClient, GetCallerIdentityCommand } }).then(
      ({ b, s }) => {
        // Budgets is a global service answered in us-east-1 (a local emulator answers anywhere).
        const region = aws.endpoint ? (common.region as string) : 'us-east-1';
        const budgets = new b.BudgetsClient({ ...common, region });
        const sts = new s.STSClient({ ...common });
        return {
          send: (kind, token, acct, signal) =>
            kind === 'who'
              ? sts.send(new s.GetCallerIdentityCommand({}), { abortSignal: signal })
              : budgets.send(new b.DescribeBudgetsCommand({ AccountId: acct, NextToken: token, MaxResults: 100 }), { abortSignal: signal }),
          destroy: () => {
            budgets.destroy();
            sts.destroy();
          },
        };
      },
    ));
  return {
    async read(signal) {
      const c = await load();
      let calls = 0;
      if (!account) {
        const who = (await c.send('who', undefined, undefined, signal)) as { Account?: string };
        calls++;
        account = who.Account;
        if (!account) throw new Error('STS GetCallerIdentity did not name the account');
      }
      const out: TeamBudget[] = [];
      let token: string | undefined;
      do {
        const page = (await c.send('page', token, account, signal)) as DescribeBudgetsResponse;
        calls++;
        for (const b of page.Budgets ?? []) {
          if (b.BudgetType !== 'COST') continue;
          const limit = num(b.BudgetLimit?.Amount);
          if (limit === undefined) continue; // auto-adjusting budgets without a limit yet
          out.push({
            name: b.BudgetName ?? '(unnamed)',
            limit,
            unit: b.BudgetLimit?.Unit ?? 'USD',
            actual: num(b.CalculatedSpend?.ActualSpend?.Amount) ?? 0,
            forecast: num(b.CalculatedSpend?.ForecastedSpend?.Amount),
            timeUnit: b.TimeUnit ?? 'MONTHLY',
            start: day(b.TimePeriod?.Start),
            end: day(b.TimePeriod?.End),
          });
        }
        token = page.NextToken;
      } while (token);
      return { budgets: out.sort((a, b) => a.name.localeCompare(b.name)), calls };
    },
    dispose() {
      void clients?.then((c) => c.destroy());
    },
  };
}
