// Assembles the one snapshot every view renders from the parts the collaborators own. Pure.
import { capacityForecast } from './forecast';
import type { HealthConfig, MaintenanceWindow } from './healthConfig';
import type { AlarmSnapshot, AwsProblem, CostSnapshot, EndpointSnapshot, HealthSnapshot, MetricSeriesSnapshot } from './snapshot';
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
  const base = { endpoints: p.endpoints, alarms: p.alarms, cost: p.cost, awsProblem: p.awsProblem, configProblem: p.configProblem };
  return {
    generatedAt: p.now,
    role: p.role,
    configFile: p.configFile,
    configProblem: p.configProblem,
    endpoints: p.endpoints,
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
