// Route 53 health checks as an SLA source: which check belongs to which endpoint (its
// `opsdeck:endpoint` tag, or `route53: <id>` in health.yaml), what its checkers see now
// (GetHealthCheckStatus), and its HealthCheckStatus history from CloudWatch (GetMetricData, packed
// into as few calls as the API allows). The Route 53 SDK client loads on first use. No `vscode` import.
import { CloudWatchClient, GetMetricDataCommand, MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { GetHealthCheckStatusCommand, ListHealthChecksCommand, ListTagsForResourcesCommand, Route53Client } from '@aws-sdk/client-route-53';
import { DAY, MINUTE } from '../model/slaMath';
import { PointChunk, RunBuilder, StatusRun, runsFromChunks } from '../model/minuteSeries';
import type { CheckerObservation } from '../model/snapshot';

export interface Route53Check {
  id: string;
  /** How it was found: a tag on the check, or the id written in health.yaml. */
  foundBy: 'tag' | 'config';
}

/** GetMetricData answers at most this many data points per call (and 500 queries). */
export const MAX_POINTS_PER_CALL = 100_800;
const MAX_QUERIES_PER_CALL = 500;
/** CloudWatch keeps 1-minute data for 15 days; older data is asked for at 5 minutes (or nothing comes back). */
export const ONE_MINUTE_DAYS = 15;
export const HISTORY_DAYS = 35;

export interface Route53Api {
  listTagged(signal?: AbortSignal): Promise<{ byEndpoint: Map<string, string>; ids: Set<string>; calls: number }>;
  status(id: string, signal?: AbortSignal): Promise<CheckerObservation[]>;
  dispose(): void;
}

/** The Route 53 side (lazily loaded client). `common`: region, profile, endpoint, timeouts as the other clients. */
export function route53Api(common: Record<string, unknown>, workspace?: string): Route53Api {
  // The bundle loads the SDK on first use (scripts/build.mjs, lazy chunks); the client is made on first use.
  let client: Route53Client | undefined;
  const load = async () => ({ c: (client ??= new Route53Client({ ...common, region: 'us-east-1' })) });
  return {
    async listTagged(signal) {
      const { c } = await load();
      let calls = 0;
      const ids: string[] = [];
      let marker: string | undefined;
      do {
        const page = await c.send(new ListHealthChecksCommand({ Marker: marker, MaxItems: 1000 }), { abortSignal: signal });
        calls++;
        for (const h of page.HealthChecks ?? []) if (h.Id) ids.push(h.Id);
        marker = page.IsTruncated ? page.NextMarker : undefined;
      } while (marker);
      const byEndpoint = new Map<string, string>();
      // Tags come 10 checks per call.
      for (let i = 0; i < ids.length; i += 10) {
        const t = await c.send(new ListTagsForResourcesCommand({ ResourceType: 'healthcheck', ResourceIds: ids.slice(i, i + 10) }), {
          abortSignal: signal,
        });
        calls++;
        for (const set of t.ResourceTagSets ?? []) {
          const tag = (k: string) => set.Tags?.find((x) => x.Key === k)?.Value;
          const name = tag('opsdeck:endpoint');
          const ws = tag('opsdeck:workspace');
          // A check tagged for another workspace folder belongs to that one.
          if (name && set.ResourceId && (!ws || !workspace || ws === workspace)) byEndpoint.set(name, set.ResourceId);
        }
      }
      return { byEndpoint, ids: new Set(ids), calls };
    },
    async status(id, signal) {
      const { c } = await load();
      const s = await c.send(new GetHealthCheckStatusCommand({ HealthCheckId: id }), { abortSignal: signal });
      return (s.HealthCheckObservations ?? []).map((o) => ({
        region: o.Region ?? '?',
        ip: o.IPAddress,
        status: o.StatusReport?.Status ?? '?',
        at: o.StatusReport?.CheckedTime?.getTime(),
      }));
    },
    dispose() {
      client?.destroy();
    },
  };
}

/** The periods to ask for over [from, to): 1 minute for the last 15 days, 5 minutes before. */
export function historySpans(from: number, to: number): Array<{ from: number; to: number; periodSec: 60 | 300 }> {
  const split = Math.max(from, to - ONE_MINUTE_DAYS * DAY);
  const out: Array<{ from: number; to: number; periodSec: 60 | 300 }> = [];
  if (split > from) out.push({ from: Math.floor(from / (5 * MINUTE)) * 5 * MINUTE, to: split, periodSec: 300 });
  if (to > split) out.push({ from: split, to, periodSec: 60 });
  return out;
}

/**
 * HealthCheckStatus (Minimum: a minute any checker saw the endpoint unhealthy counts as failed) for
 * each check over [from, to), as runs. Queries are packed so each call stays within the points the API
 * returns per call; NextToken pages are followed. Returns the runs per check id and the calls made.
 */
export async function fetchStatusHistory(
  cw: CloudWatchClient,
  ids: readonly string[],
  from: number,
  to: number,
  signal?: AbortSignal,
): Promise<{ runs: Map<string, StatusRun[]>; calls: number }> {
  // The SDK's own arrays per check, not a copy or a tuple per point: a first poll reads 50,400
  // points per check, and copying them was most of its cost (bench/README.md, route53).
  const points = new Map<string, PointChunk[]>(ids.map((id) => [id, []]));
  let calls = 0;
  for (const span of historySpans(from, to)) {
    const perCheck = Math.ceil((span.to - span.from) / (span.periodSec * 1000));
    const perCall = Math.max(1, Math.min(MAX_QUERIES_PER_CALL, Math.floor(MAX_POINTS_PER_CALL / perCheck)));
    for (let i = 0; i < ids.length; i += perCall) {
      const batch = ids.slice(i, i + perCall);
      const queries: MetricDataQuery[] = batch.map((id, k) => ({
        Id: `h${k}`,
        MetricStat: {
          Metric: { Namespace: 'AWS/Route53', MetricName: 'HealthCheckStatus', Dimensions: [{ Name: 'HealthCheckId', Value: id }] },
          Period: span.periodSec,
          Stat: 'Minimum',
        },
        ReturnData: true,
      }));
      let token: string | undefined;
      do {
        const r = await cw.send(
          new GetMetricDataCommand({
            MetricDataQueries: queries,
            StartTime: new Date(span.from),
            EndTime: new Date(span.to),
            ScanBy: 'TimestampAscending',
            NextToken: token,
          }),
          { abortSignal: signal },
        );
        calls++;
        for (const res of r.MetricDataResults ?? []) {
          const id = batch[Number((res.Id ?? '').slice(1))];
          const pts = id !== undefined ? points.get(id) : undefined;
          if (!pts) continue;
          pts.push({ t: res.Timestamps ?? [], v: res.Values ?? [], period: span.periodSec * 1000 });
        }
        token = r.NextToken;
      } while (token);
    }
  }
  const runs = new Map<string, StatusRun[]>();
  for (const [id, pts] of points) runs.set(id, runsFromChunks(pts));
  return { runs, calls };
}

/**
 * Appends newer runs to cached ones (history is fetched incrementally after the first poll): the cached
 * runs are cut at `keepFrom` and where the fresh ones begin, run by run rather than minute by minute.
 */
export function mergeRuns(old: readonly StatusRun[], fresh: readonly StatusRun[], keepFrom: number): StatusRun[] {
  const firstFresh = fresh.length ? fresh[0][0] : Infinity;
  const b = new RunBuilder();
  for (const [start, period, count, ok] of old) {
    // The points of this run at start + k·period with keepFrom <= t < firstFresh.
    const k0 = Math.max(0, Math.ceil((keepFrom - start) / period));
    const k1 = Math.min(count, Math.ceil((firstFresh - start) / period));
    if (k1 > k0) b.addRun(start + k0 * period, period, k1 - k0, ok);
  }
  for (const [start, period, count, ok] of fresh) b.addRun(start, period, count, ok);
  return b.runs;
}
