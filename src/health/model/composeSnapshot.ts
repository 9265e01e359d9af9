// Assembles the one snapshot every view renders from the parts the collaborators own. Pure.
import { capacityForecast } from './forecast';
import type { HealthConfig, MaintenanceWindow } from './healthConfig';
import { SeriesCache } from './minuteSeries';
import { DAY, slaReport } from './slaMath';
import type {
  AlarmSnapshot,
  AwsProblem,
  CostSnapshot,
  EndpointSnapshot,
  HealthSnapshot,
  MetricSeriesSnapshot,
  Route53State,
} from './snapshot';
import { overallOf, statusBarText } from './statusText';

export interface SnapshotParts {
  now: number;
  role: HealthSnapshot['role'];
  config: HealthConfig | undefined;
  configFile: string | undefined;
  configProblem: string | undefined;
  endpoints: EndpointSnapshot[];
  alarms: AlarmSnapshot[];
  alarmsAsOf: number | undefined;
  metricPoints: ReadonlyMap<string, Array<[number, number]>>;
  cost: CostSnapshot | undefined;
  costProblem: string | undefined;
  awsProblem: AwsProblem | undefined;
  historySkippedLines: number;
  maintenance: MaintenanceWindow[];
  notProbingReason?: string;
  /** Route 53 results of the last poll (or shared by the probing window), and the cache of their indexes. */
  route53?: Route53State;
  route53Problem?: string;
  seriesCache?: SeriesCache;
}

/**
 * Adds an endpoint's Route 53 SLA, computed by the same code as the local one, and says which is the
 * SLA of record: Route 53's (distributed, always on) wherever a check exists and `sla.source` is not
 * `local`.
 */
function withRoute53(e: EndpointSnapshot, p: SnapshotParts): EndpointSnapshot {
  const source = p.config?.sla.source ?? 'both';
  const st = source === 'local' ? undefined : p.route53?.endpoints[e.name];
  const problem = source === 'local' ? undefined : p.route53?.problems[e.name];
  if (!st) return { ...e, slaOfRecord: 'local', route53Problem: problem };
  const series = (p.seriesCache ?? new SeriesCache()).series(st.runs);
  return {
    ...e,
    route53: {
      checkId: st.checkId,
      foundBy: st.foundBy,
      sla: slaReport(series, p.now, e.slo, e.sloWindowDays * DAY),
      observations: st.observations,
      observedAt: st.observedAt,
      asOf: p.route53!.asOf,
    },
    slaOfRecord: 'route53',
  };
}

export function composeSnapshot(p: SnapshotParts): HealthSnapshot {
  const metrics: MetricSeriesSnapshot[] = (p.config?.metrics ?? []).map((m) => {
    const points = p.metricPoints.get(m.id) ?? [];
    return {
      id: m.id,
      label: m.label,
      unit: m.unit,
      threshold: m.threshold,
      points,
      forecast: m.threshold !== undefined ? capacityForecast(m.id, m.label, points, m.threshold, m.unit) : undefined,
    };
  });
  const endpoints = p.endpoints.map((e) => withRoute53(e, p));
  const base = { endpoints, alarms: p.alarms, cost: p.cost, awsProblem: p.awsProblem, configProblem: p.configProblem };
  return {
    generatedAt: p.now,
    role: p.role,
    configFile: p.configFile,
    configProblem: p.configProblem,
    endpoints,
    route53Problem: p.route53Problem,
    alarms: p.alarms,
    alarmsAsOf: p.alarmsAsOf,
    metrics,
    cost: p.cost,
    costProblem: p.costProblem,
    costEnabled: p.config?.cost.enabled ?? false,
    awsProblem: p.awsProblem,
    overall: overallOf(base),
    statusText: statusBarText(base),
    historySkippedLines: p.historySkippedLines,
    maintenance: p.maintenance,
    notProbingReason: p.notProbingReason,
  };
}
