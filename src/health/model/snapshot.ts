// The one model every view renders (status bar, tooltip, tree, dashboard, public API). Pure types.
import type { EndpointStatus } from './endpointState';
import type { SlaReport } from './slaMath';
import type { StatusRun } from './minuteSeries';
import type { TeamBudgetView } from './teamBudgets';

export interface EndpointSnapshot {
  name: string;
  kind: 'http' | 'tcp';
  target: string;
  group?: string;
  status: EndpointStatus;
  since?: number;
  flapping: boolean;
  muted: boolean;
  inMaintenance: boolean;
  consecutiveFailures: number;
  failureThreshold: number;
  intervalMs: number;
  lastCheck?: { t: number; ok: boolean; latencyMs: number; error?: string; status?: number; retries: number };
  slo: number;
  sloWindowDays: number;
  sla: SlaReport;
  /** Recent successful-check latencies for the chart: [t (ms), latency (ms) or null for a failure]. */
  recent: Array<[number, number | null]>;
  /** Why this endpoint is not checked (a configuration problem or a safety rule), in words to act on. */
  problem?: string;
  /** The SLA from the endpoint's Route 53 health check, beside the local one (`sla`). */
  route53?: {
    checkId: string;
    foundBy: 'tag' | 'config';
    sla: SlaReport;
    observations: CheckerObservation[];
    observedAt?: number;
    asOf: number;
  };
  /** Why there are no Route 53 figures (a configured check id that does not exist). */
  route53Problem?: string;
  /** Which SLA counts (status bar, record): Route 53's when the endpoint has a check and sla.source allows. */
  slaOfRecord?: 'local' | 'route53';
}

/** What one Route 53 checker region saw last. */
export interface CheckerObservation {
  region: string;
  ip?: string;
  status: string;
  at?: number;
}

export interface Route53EndpointState {
  checkId: string;
  foundBy: 'tag' | 'config';
  observations: CheckerObservation[];
  observedAt?: number;
  runs: StatusRun[];
}

/** Route 53 results of one poll, serializable for the share file other windows read. */
export interface Route53State {
  asOf: number;
  /** Up to when history has been read. */
  historyTo: number;
  endpoints: Record<string, Route53EndpointState>;
  /** Per endpoint: why it has no Route 53 figures (a configured id that does not exist). */
  problems: Record<string, string>;
  calls: { discovery: number; status: number; metricData: number };
}

export interface AlarmSnapshot {
  name: string;
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA' | string;
  reason?: string;
  since?: number;
  metric?: string;
}

export interface MetricSeriesSnapshot {
  id: string;
  label: string;
  unit?: string;
  threshold?: number;
  points: Array<[number, number]>;
  /** "reaches 85% in 12 days", computed from the trend. */
  forecast?: CapacitySnapshot;
}

export interface CapacitySnapshot {
  metricId: string;
  label: string;
  threshold: number;
  current?: number;
  slopePerDay?: number;
  /** Days until the trend crosses the threshold; undefined when it never does (flat or falling). */
  daysToThreshold?: number;
  alreadyAbove: boolean;
  text: string;
}

export interface CostSnapshot {
  currency: string;
  asOf: number;
  monthStart: string;
  monthToDate: number;
  byService: Array<{ name: string; amount: number }>;
  daily: Array<{ date: string; amount: number }>;
  forecastMonthEnd: number;
  /** Projected daily amounts for the remaining days: [date, amount]. */
  forecastDaily: Array<{ date: string; amount: number }>;
  budget?: number;
  budgetAtRisk: boolean;
  byStack?: Array<{ stack: string; amount: number }>;
  stackTag?: string;
  fromCache: boolean;
  /** The account's AWS Budgets (filtered by cost.budgets prefixes); undefined when not read. */
  teamBudgets?: TeamBudgetView[];
  budgetsProblem?: string;
}

export interface AwsProblem {
  kind: 'credentials' | 'throttled' | 'unreachable' | 'other';
  message: string;
}

export type Overall = 'ok' | 'warning' | 'error' | 'unknown';

export interface HealthSnapshot {
  generatedAt: number;
  /** prober: this window runs the checks; reader: another window does and this one reads its results. */
  role: 'prober' | 'reader' | 'idle';
  configFile?: string;
  configProblem?: string;
  endpoints: EndpointSnapshot[];
  alarms: AlarmSnapshot[];
  alarmsAsOf?: number;
  metrics: MetricSeriesSnapshot[];
  cost?: CostSnapshot;
  costProblem?: string;
  /** health.yaml has a `cost:` section (so cost can be refreshed even before the first figures). */
  costEnabled?: boolean;
  awsProblem?: AwsProblem;
  /** Why Route 53 figures could not be read (the local checks go on). */
  route53Problem?: string;
  overall: Overall;
  /** Exactly what the status bar item shows. */
  statusText: string;
  historySkippedLines: number;
  maintenance: Array<{ startMs: number; endMs: number; endpoints?: string[]; reason?: string }>;
  /** Why this window does not check the endpoints at all (an untrusted workspace), shown in the Health view. */
  notProbingReason?: string;
}
