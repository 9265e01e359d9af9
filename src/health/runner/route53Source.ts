// Route 53 as an SLA source for the poller: finds each endpoint's check, reads what its checkers see
// and the HealthCheckStatus history, and keeps that history between polls (the first poll reads 35
// days, later ones only the minutes since). AWS calls per poll are bounded: discovery once an hour,
// GetHealthCheckStatus for at most MAX_STATUS_PER_POLL checks (in turn), and GetMetricData packed
// to the points one call may return. No `vscode` import.
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { HealthConfig } from '../model/healthConfig';
import { DAY, HOUR, MINUTE } from '../model/slaMath';
import type { StatusRun } from '../model/minuteSeries';
import type { CheckerObservation, Route53State } from '../model/snapshot';
import { HISTORY_DAYS, Route53Api, fetchStatusHistory, mergeRuns } from './route53';

export const MAX_STATUS_PER_POLL = 10;
const DISCOVERY_EVERY_MS = HOUR;
/** Late data points: the last minutes are asked for again on each poll. */
const OVERLAP_MS = 5 * MINUTE;

/** Whether the configuration asks for Route 53 at all (never for a file without AWS or route53 ids). */
export function wantsRoute53(cfg: HealthConfig): boolean {
  if (cfg.sla.source === 'local' || !cfg.endpoints.length) return false;
  return (
    cfg.endpoints.some((e) => e.route53) || cfg.aws.region !== undefined || cfg.aws.endpoint !== undefined || cfg.aws.profile !== undefined
  );
}

export class Route53Source {
  state: Route53State | undefined;
  private discovered: { at: number; byEndpoint: Map<string, string>; ids: Set<string> } | undefined;
  private statusTurn = 0;

  constructor(
    private readonly api: Route53Api,
    private readonly cloudWatch: () => CloudWatchClient,
  ) {}

  /**
   * Looks the checks up again at the next poll: health.yaml changed (an endpoint renamed, a `route53:`
   * id added), or the user asked for a refresh, and an hour-old list would hide a check made since.
   */
  rediscover(): void {
    this.discovered = undefined;
  }

  /** Takes the state another window shared (a reader window), so a later takeover continues from it. */
  adopt(state: Route53State | undefined): void {
    if (state) this.state = state;
  }

  async poll(cfg: HealthConfig, now: number, signal?: AbortSignal): Promise<Route53State> {
    const calls = { discovery: 0, status: 0, metricData: 0 };
    if (!this.discovered || now - this.discovered.at >= DISCOVERY_EVERY_MS) {
      const d = await this.api.listTagged(signal);
      calls.discovery = d.calls;
      this.discovered = { at: now, byEndpoint: d.byEndpoint, ids: d.ids };
    }
    const problems: Record<string, string> = {};
    const checks = new Map<string, { id: string; foundBy: 'tag' | 'config' }>();
    cfg.endpoints.forEach((e, i) => {
      if (e.route53) {
        if (this.discovered!.ids.has(e.route53)) checks.set(e.name, { id: e.route53, foundBy: 'config' });
        else
          problems[e.name] =
            `Route 53 health check ${e.route53} (endpoints[${i}].route53 in health.yaml) does not exist in this account; the local checks go on. Check the id (aws route53 list-health-checks).`;
      } else {
        const id = this.discovered!.byEndpoint.get(e.name);
        if (id) checks.set(e.name, { id, foundBy: 'tag' });
      }
    });
    const prev = this.state;
    const out: Route53State = { asOf: now, historyTo: now, endpoints: {}, problems, calls };
    if (!checks.size) return (this.state = out);

    // Current checker observations, a bounded number per poll, in turn.
    const names = [...checks.keys()];
    const turn = names.length <= MAX_STATUS_PER_POLL ? names : rotate(names, this.statusTurn).slice(0, MAX_STATUS_PER_POLL);
    this.statusTurn = (this.statusTurn + turn.length) % names.length;
    const observed = new Map<string, CheckerObservation[]>();
    for (const name of turn) {
      observed.set(name, await this.api.status(checks.get(name)!.id, signal));
      calls.status++;
    }

    // History: new checks get 35 days; known ones the minutes since the last poll.
    const keepFrom = now - HISTORY_DAYS * DAY;
    const known = names.filter((n) => prev?.endpoints[n]?.checkId === checks.get(n)!.id);
    const fresh = names.filter((n) => !known.includes(n));
    const runsOf = new Map<string, StatusRun[]>();
    if (fresh.length) {
      const r = await fetchStatusHistory(
        this.cloudWatch(),
        fresh.map((n) => checks.get(n)!.id),
        keepFrom,
        now,
        signal,
      );
      calls.metricData += r.calls;
      for (const n of fresh) runsOf.set(n, r.runs.get(checks.get(n)!.id) ?? []);
    }
    if (known.length) {
      const from = Math.max(keepFrom, prev!.historyTo - OVERLAP_MS);
      const r = await fetchStatusHistory(
        this.cloudWatch(),
        known.map((n) => checks.get(n)!.id),
        from,
        now,
        signal,
      );
      calls.metricData += r.calls;
      for (const n of known) runsOf.set(n, mergeRuns(prev!.endpoints[n].runs, r.runs.get(checks.get(n)!.id) ?? [], keepFrom));
    }
    for (const n of names) {
      const c = checks.get(n)!;
      const before = prev?.endpoints[n]?.checkId === c.id ? prev.endpoints[n] : undefined;
      out.endpoints[n] = {
        checkId: c.id,
        foundBy: c.foundBy,
        observations: observed.get(n) ?? before?.observations ?? [],
        observedAt: observed.has(n) ? now : before?.observedAt,
        runs: runsOf.get(n) ?? [],
      };
    }
    return (this.state = out);
  }
}

function rotate<T>(xs: readonly T[], k: number): T[] {
  const i = xs.length ? k % xs.length : 0;
  return [...xs.slice(i), ...xs.slice(0, i)];
}
