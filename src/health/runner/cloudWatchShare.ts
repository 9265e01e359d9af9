// CloudWatch results shared between the windows open on one workspace: the window holding the probe
// lease polls AWS and writes what it got here; the other windows read it instead of calling AWS
// themselves (GetMetricData is billed per metric requested, and N windows would multiply the
// requests and the throttling). An entry is used only by a window whose AWS and CloudWatch settings
// hash to the same key, and only while fresh; otherwise that window polls for itself.
// No `vscode` import.
import { createHash } from 'crypto';
import { promises as fsp } from 'fs';
import { replaceFileAtomically } from '../../shared/atomicFile';
import type { AwsConfig, HealthConfig } from '../model/healthConfig';
import type { AlarmSnapshot, AwsProblem, Route53State } from '../model/snapshot';

export interface CloudWatchShareEntry {
  key: string;
  /** When the prober's poll finished (ms since epoch). */
  at: number;
  alarms: AlarmSnapshot[];
  /** When the alarms were last read successfully (a failed poll keeps the previous ones). */
  alarmsAsOf?: number;
  metrics: Array<[string, Array<[number, number]>]>;
  problem?: AwsProblem;
  /** Route 53 checks and their HealthCheckStatus history (as runs), shared like the CloudWatch results. */
  route53?: Route53State;
  route53Problem?: string;
}

/** What a poll depends on: the resolved AWS target, the alarms and metrics asked for, and the look-back. */
export function cloudWatchShareKey(
  aws: AwsConfig,
  cfg: Pick<HealthConfig, 'alarms' | 'metrics'> & Partial<Pick<HealthConfig, 'endpoints' | 'sla'>>,
  lookbackDays: number,
): string {
  // Route 53 results hang on the endpoint names, their check ids and the SLA source.
  const r53 = cfg.endpoints ? [cfg.sla?.source, cfg.endpoints.map((e) => [e.name, e.route53 ?? ''])] : [];
  return createHash('sha256')
    .update(JSON.stringify([aws.profile ?? '', aws.region ?? '', aws.endpoint ?? '', cfg.alarms, cfg.metrics, lookbackDays, ...r53]))
    .digest('hex')
    .slice(0, 16);
}

/** How long a reader trusts the prober's entry: a few of its polls, and at least the slow credentials poll. */
export function shareMaxAgeMs(alarmPollMs: number): number {
  return Math.max(3 * alarmPollMs, 6 * 60_000);
}

export class CloudWatchShare {
  constructor(readonly file: string) {}

  write(entry: CloudWatchShareEntry): Promise<void> {
    // Owner-only: alarm states and metric values of the account.
    return replaceFileAtomically(this.file, JSON.stringify(entry), { mode: 0o600 });
  }

  /** The entry for `key` if it is there, well-formed and no older than `maxAgeMs`. */
  async read(key: string, now: number, maxAgeMs: number): Promise<CloudWatchShareEntry | undefined> {
    let e: Partial<CloudWatchShareEntry>;
    try {
      e = JSON.parse(await fsp.readFile(this.file, 'utf8')) as Partial<CloudWatchShareEntry>;
    } catch {
      return undefined;
    }
    if (e?.key !== key || typeof e.at !== 'number' || now - e.at > maxAgeMs || e.at > now + 60_000) return undefined;
    if (!Array.isArray(e.alarms) || !Array.isArray(e.metrics)) return undefined;
    return e as CloudWatchShareEntry;
  }
}
