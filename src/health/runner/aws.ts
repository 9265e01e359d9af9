// CloudWatch alarms and metrics, and Cost Explorer, through the AWS SDK v3 with the standard
// credential chain (profile and region from the config). Errors are classified once here, so the UI
// shows one clear message for missing or expired credentials and backs off when throttled.
// No `vscode` import.
import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand, MetricDataQuery, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { CostExplorerClient, GetCostAndUsageCommand, GetCostAndUsageCommandInput, ResultByTime } from '@aws-sdk/client-cost-explorer';
import { AwsConfig, CostConfig, MetricConfig } from '../model/healthConfig';
import { AlarmSnapshot, AwsProblem } from '../model/snapshot';
import { DAY } from '../model/slaMath';
import { DailyCost } from '../model/forecast';
import type { TeamBudget } from '../model/teamBudgets';
import { BudgetsReader, budgetsReader } from './budgets';
import { Route53Api, route53Api } from './route53';

export interface AwsClients {
  cloudWatch: CloudWatchClient;
  costExplorer: CostExplorerClient;
  /** The team's AWS Budgets (its SDK client loads on first use). */
  budgets: BudgetsReader;
  /** Route 53 health checks (its SDK client loads on first use). */
  route53: Route53Api;
  /** CloudWatch in us-east-1, where Route 53 publishes HealthCheckStatus (created on first use). */
  route53Metrics(): CloudWatchClient;
  dispose(): void;
}

export interface AwsTimeouts {
  /** Giving up on opening the connection. */
  connectionTimeoutMs: number;
  /** Giving up on one request's answer (the SDK retries up to its attempts). */
  requestTimeoutMs: number;
  /** Giving up on a whole poll (every call of it, retries included): the next poll is scheduled anyway. */
  pollDeadlineMs: number;
}

export const DEFAULT_AWS_TIMEOUTS: AwsTimeouts = { connectionTimeoutMs: 5_000, requestTimeoutMs: 30_000, pollDeadlineMs: 90_000 };

/** `workspace`: the folder name Route 53 checks are tagged with (`opsdeck:workspace`). */
export function createClients(
  aws: AwsConfig,
  fallbackRegion = 'us-east-1',
  timeouts: Partial<AwsTimeouts> = {},
  workspace?: string,
): AwsClients {
  const region = aws.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? fallbackRegion;
  const t = { ...DEFAULT_AWS_TIMEOUTS, ...timeouts };
  // Without these the SDK waits forever for an endpoint that accepted the connection and went silent.
  const requestHandler = {
    connectionTimeout: t.connectionTimeoutMs,
    requestTimeout: t.requestTimeoutMs,
    throwOnRequestTimeout: true,
    socketTimeout: t.requestTimeoutMs,
  };
  const common = { region, profile: aws.profile, maxAttempts: 3, requestHandler, ...(aws.endpoint ? { endpoint: aws.endpoint } : {}) };
  const cloudWatch = new CloudWatchClient(common);
  // Cost Explorer is served from us-east-1 whatever the workload's region.
  const costExplorer = new CostExplorerClient({ ...common, region: aws.endpoint ? region : 'us-east-1' });
  const budgets = budgetsReader(aws, common);
  const route53 = route53Api(common, workspace);
  let usEast1: CloudWatchClient | undefined;
  const route53Metrics = () =>
    aws.endpoint || region === 'us-east-1' ? cloudWatch : (usEast1 ??= new CloudWatchClient({ ...common, region: 'us-east-1' }));
  return {
    cloudWatch,
    costExplorer,
    budgets,
    route53,
    route53Metrics,
    dispose: () => {
      cloudWatch.destroy();
      costExplorer.destroy();
      budgets.dispose();
      route53.dispose();
      usEast1?.destroy();
    },
  };
}

const CREDENTIAL_MISSING = ['CredentialsProviderError', 'ProviderError'];
const CREDENTIAL_EXPIRED = ['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'TokenRefreshRequired', 'InvalidGrantException'];
const CREDENTIAL_REJECTED = [
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'AccessDenied',
  'AccessDeniedException',
  'AuthFailure',
];
const THROTTLED = [
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'RequestThrottled',
];

/** A poll (or a cost refresh) that ran past its deadline. */
export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
}

/**
 * Runs `work` with an abort signal that fires after `ms`, and rejects with a DeadlineError then even
 * if the work ignores the signal: a hung call cannot hold the caller past its deadline.
 */
export async function withDeadline<T>(ms: number, what: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      ac.abort();
      reject(new DeadlineError(`${what} did not answer within ${Math.round(ms / 1000)} s`));
    }, ms);
  });
  try {
    return await Promise.race([work(ac.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Turns an SDK error into a problem a person can act on. */
export function classifyAwsError(
  e: unknown,
  profile?: string,
  /** The permissions the failed call needs, named when AWS denies it. */
  permissions = 'cloudwatch:DescribeAlarms, cloudwatch:GetMetricData, ce:GetCostAndUsage',
): AwsProblem {
  const err = e as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = err?.name ?? err?.code ?? '';
  const msg = err?.message ?? String(e);
  const who = profile ? `profile "${profile}"` : 'the default credential chain';
  if (CREDENTIAL_MISSING.includes(name) || /could not load credentials|no credentials|token is expired|sso session/i.test(msg)) {
    if (/expired/i.test(msg))
      return {
        kind: 'credentials',
        message: `AWS credentials from ${who} have expired. Sign in again (e.g. \`aws sso login${profile ? ` --profile ${profile}` : ''}\`), then run "OpsDeck: Refresh Health".`,
      };
    return {
      kind: 'credentials',
      message: `No AWS credentials found for ${who}. Set aws.profile in .opsdeck/health.yaml, or configure ~/.aws/credentials or AWS_PROFILE, then run "OpsDeck: Refresh Health".`,
    };
  }
  if (CREDENTIAL_EXPIRED.includes(name))
    return {
      kind: 'credentials',
      message: `AWS credentials from ${who} have expired. Sign in again (e.g. \`aws sso login${profile ? ` --profile ${profile}` : ''}\`), then run "OpsDeck: Refresh Health".`,
    };
  if (CREDENTIAL_REJECTED.includes(name))
    return {
      kind: 'credentials',
      message: `AWS rejected the credentials from ${who} (${name}). Check the profile and its permissions (${permissions}).`,
    };
  if (THROTTLED.includes(name) || err?.$metadata?.httpStatusCode === 429)
    return { kind: 'throttled', message: `AWS is throttling requests (${name || 'HTTP 429'}); OpsDeck is backing off.` };
  if (name === 'DeadlineError' || /timeout|timed out/i.test(`${name} ${msg}`))
    return {
      kind: 'unreachable',
      message: `The AWS API did not answer in time (${msg}). OpsDeck tries again at the next poll; check the network, a proxy, or aws.endpoint in .opsdeck/health.yaml.`,
    };
  if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|socket hang up|TimeoutError/i.test(`${name} ${msg}`))
    return {
      kind: 'unreachable',
      message: `Cannot reach the AWS API (${msg}). Check the network or aws.endpoint in .opsdeck/health.yaml.`,
    };
  return { kind: 'other', message: `${name ? `${name}: ` : ''}${msg}` };
}

/** Exponential backoff with jitter for polls answered with throttling. */
export class Backoff {
  private failures = 0;
  constructor(
    readonly baseMs: number,
    readonly maxMs = 30 * 60_000,
    private readonly random: () => number = Math.random,
  ) {}
  /** Delay before the next poll: the base after a success, doubling (with ±20% jitter) after throttling. */
  next(throttled: boolean): number {
    this.failures = throttled ? this.failures + 1 : 0;
    if (!throttled) return this.baseMs;
    const d = Math.min(this.maxMs, this.baseMs * 2 ** this.failures);
    return Math.round(d * (0.8 + 0.4 * this.random()));
  }
}

export async function describeAlarms(
  cw: CloudWatchClient,
  names: readonly string[],
  prefixes: readonly string[],
  signal?: AbortSignal,
): Promise<AlarmSnapshot[]> {
  const out = new Map<string, AlarmSnapshot>();
  const add = (a: MetricAlarm) => {
    if (!a.AlarmName) return;
    out.set(a.AlarmName, {
      name: a.AlarmName,
      state: a.StateValue ?? 'INSUFFICIENT_DATA',
      reason: a.StateReason,
      since: a.StateUpdatedTimestamp?.getTime(),
      metric: a.MetricName ? `${a.Namespace ?? ''} ${a.MetricName}`.trim() : undefined,
    });
  };
  const page = async (input: { AlarmNames?: string[]; AlarmNamePrefix?: string }) => {
    let token: string | undefined;
    do {
      const r = await cw.send(new DescribeAlarmsCommand({ ...input, AlarmTypes: ['MetricAlarm'], MaxRecords: 100, NextToken: token }), {
        abortSignal: signal,
      });
      (r.MetricAlarms ?? []).forEach(add);
      token = r.NextToken;
    } while (token);
  };
  for (let i = 0; i < names.length; i += 100) await page({ AlarmNames: names.slice(i, i + 100) });
  for (const p of prefixes) await page({ AlarmNamePrefix: p });
  const order: Record<string, number> = { ALARM: 0, INSUFFICIENT_DATA: 1, OK: 2 };
  return [...out.values()].sort((a, b) => (order[a.state] ?? 3) - (order[b.state] ?? 3) || a.name.localeCompare(b.name));
}

export async function getMetricSeries(
  cw: CloudWatchClient,
  metrics: readonly MetricConfig[],
  now: number,
  lookbackMs = 7 * DAY,
  signal?: AbortSignal,
): Promise<Map<string, Array<[number, number]>>> {
  const out = new Map<string, Array<[number, number]>>();
  if (!metrics.length) return out;
  const queries: MetricDataQuery[] = metrics.map((m) => ({
    Id: m.id,
    Label: m.label,
    MetricStat: {
      Metric: {
        Namespace: m.namespace,
        MetricName: m.name,
        Dimensions: Object.entries(m.dimensions).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: m.periodSec,
      Stat: m.stat,
    },
    ReturnData: true,
  }));
  for (const m of metrics) out.set(m.id, []);
  for (let i = 0; i < queries.length; i += 500) {
    let token: string | undefined;
    do {
      const r = await cw.send(
        new GetMetricDataCommand({
          MetricDataQueries: queries.slice(i, i + 500),
          StartTime: new Date(now - lookbackMs),
          EndTime: new Date(now),
          ScanBy: 'TimestampAscending',
          NextToken: token,
        }),
        { abortSignal: signal },
      );
      for (const res of r.MetricDataResults ?? []) {
        const pts = out.get(res.Id ?? '');
        if (!pts) continue;
        (res.Timestamps ?? []).forEach((t, k) => {
          const v = res.Values?.[k];
          if (v !== undefined) pts.push([t.getTime(), v]);
        });
      }
      token = r.NextToken;
    } while (token);
  }
  for (const pts of out.values()) pts.sort((a, b) => a[0] - b[0]);
  return out;
}

export interface CostData {
  fetchedAt: number;
  currency: string;
  /** Per day, summed over groups. */
  daily: DailyCost[];
  /** Per group (service), summed over this month's days. */
  byGroup: Array<{ name: string; amount: number }>;
  byStack?: Array<{ stack: string; amount: number }>;
  /** The account's cost budgets (AWS Budgets), read with the cost; undefined when they could not be. */
  budgets?: TeamBudget[];
  /** Why the budgets could not be read (the cost report still shows, with the local budget). */
  budgetsProblem?: string;
}

const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const METRIC = 'UnblendedCost';

function amountOf(metrics: Record<string, { Amount?: string; Unit?: string }> | undefined): { amount: number; unit?: string } {
  if (!metrics) return { amount: 0 };
  const m = metrics[METRIC] ?? Object.values(metrics)[0];
  return { amount: m?.Amount ? Number(m.Amount) : 0, unit: m?.Unit };
}

async function allResults(ce: CostExplorerClient, input: GetCostAndUsageCommandInput, signal?: AbortSignal): Promise<ResultByTime[]> {
  const out: ResultByTime[] = [];
  let token: string | undefined;
  do {
    const r = await ce.send(new GetCostAndUsageCommand({ ...input, NextPageToken: token }), { abortSignal: signal });
    out.push(...(r.ResultsByTime ?? []));
    token = r.NextPageToken;
  } while (token);
  return out;
}

/**
 * Two Cost Explorer queries (each billed): daily cost by group over the last 30 days (enough for the
 * month to date and a trend early in the month), and, when a stack tag is named, this month by tag.
 */
export async function fetchCost(ce: CostExplorerClient, cost: CostConfig, now: number, signal?: AbortSignal): Promise<CostData> {
  const today = ymd(now);
  const monthFirst = `${today.slice(0, 8)}01`;
  const start = ymd(Math.min(Date.parse(`${monthFirst}T00:00:00Z`), now - 30 * DAY));
  const end = ymd(now + DAY);
  const results = await allResults(
    ce,
    {
      TimePeriod: { Start: start, End: end },
      Granularity: 'DAILY',
      Metrics: [METRIC],
      GroupBy: [{ Type: 'DIMENSION', Key: cost.groupBy }],
    },
    signal,
  );
  let currency = cost.currency;
  const daily: DailyCost[] = [];
  const groups = new Map<string, number>();
  for (const r of results) {
    const date = r.TimePeriod?.Start ?? '';
    let total = 0;
    if (r.Groups?.length) {
      for (const g of r.Groups) {
        const { amount, unit } = amountOf(g.Metrics);
        if (unit) currency = unit;
        total += amount;
        if (date >= monthFirst) {
          const key = g.Keys?.join(' / ') || '(other)';
          groups.set(key, (groups.get(key) ?? 0) + amount);
        }
      }
    } else {
      const { amount, unit } = amountOf(r.Total);
      if (unit) currency = unit;
      total = amount;
    }
    daily.push({ date, amount: total });
  }
  daily.sort((a, b) => a.date.localeCompare(b.date));
  const byGroup = [...groups.entries()].map(([name, amount]) => ({ name, amount })).sort((a, b) => b.amount - a.amount);
  let byStack: CostData['byStack'];
  if (cost.stackTag) {
    const tagResults = await allResults(
      ce,
      {
        TimePeriod: { Start: monthFirst, End: end },
        Granularity: 'MONTHLY',
        Metrics: [METRIC],
        GroupBy: [{ Type: 'TAG', Key: cost.stackTag }],
      },
      signal,
    );
    const stacks = new Map<string, number>();
    for (const r of tagResults)
      for (const g of r.Groups ?? []) {
        // Cost Explorer names tag groups "key$value"; an empty value is untagged spend.
        const raw = g.Keys?.[0] ?? '';
        const value = raw.includes('$') ? raw.slice(raw.indexOf('$') + 1) : raw;
        const stack = value || '(untagged)';
        stacks.set(stack, (stacks.get(stack) ?? 0) + amountOf(g.Metrics).amount);
      }
    byStack = [...stacks.entries()].map(([stack, amount]) => ({ stack, amount })).sort((a, b) => b.amount - a.amount);
  }
  return { fetchedAt: now, currency, daily, byGroup, byStack };
}
