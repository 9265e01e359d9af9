// Parses `.opsdeck/health.yaml` into a typed configuration. Pure (no `vscode` import): the result
// carries diagnostics with 0-based line/column so the glue can show them, and a config only when
// there are no errors, so the caller can keep running the last good one.
import { Document, LineCounter, isMap, isSeq, parseDocument } from 'yaml';

export type Severity = 'error' | 'warning';

export interface ConfigDiagnostic {
  severity: Severity;
  message: string;
  /** 0-based, as VS Code ranges are. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** Where a header's value comes from: never written in the file itself when it is a secret. */
export type HeaderValue = { kind: 'literal'; value: string } | { kind: 'env'; name: string } | { kind: 'secret'; key: string };

/** An endpoint carries every check setting, resolved from defaults → group → endpoint. */
interface EndpointBase extends Settings {
  name: string;
  group?: string;
  /** The Route 53 health check that probes this endpoint (`route53: <id>`); else found by its tag. */
  route53?: string;
  /** Why the endpoint is listed but not checked (a safety rule refused it); set by probePolicy.ts. */
  problem?: string;
}

export interface HttpEndpoint extends EndpointBase {
  kind: 'http';
  url: string;
  method: string;
  /** Accepted status codes; a range `[lo, hi]` each. */
  expectStatus: Array<[number, number]>;
  bodyMatch?: string;
  headers: Record<string, HeaderValue>;
  insecureTls: boolean;
}

export interface TcpEndpoint extends EndpointBase {
  kind: 'tcp';
  host: string;
  port: number;
}

export type EndpointConfig = HttpEndpoint | TcpEndpoint;

export interface MaintenanceWindow {
  startMs: number;
  endMs: number;
  /** Endpoint names; undefined means every endpoint. */
  endpoints?: string[];
  reason?: string;
}

export interface MetricConfig {
  id: string;
  label: string;
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  stat: string;
  periodSec: number;
  /** Capacity threshold (same unit as the metric); enables the trend forecast. */
  threshold?: number;
  unit?: string;
}

export interface AwsConfig {
  region?: string;
  profile?: string;
  endpoint?: string;
}

export interface CostConfig {
  enabled: boolean;
  monthlyBudget?: number;
  currency: string;
  groupBy: 'SERVICE' | 'LINKED_ACCOUNT' | 'REGION' | 'USAGE_TYPE';
  /** Cost-allocation tag naming the Pulumi stack, e.g. `pulumi:stack`. */
  stackTag?: string;
  /** AWS Budgets to show, by name prefix; undefined: every cost budget of the account. */
  budgetPrefixes?: string[];
}

export interface HealthConfig {
  endpoints: EndpointConfig[];
  maintenance: MaintenanceWindow[];
  alarms: { names: string[]; prefixes: string[]; stackPrefixes?: Array<{ prefix: string; stacks: string[] }> };
  metrics: MetricConfig[];
  aws: AwsConfig;
  cost: CostConfig;
  alarmPollMs: number;
  /**
   * Where the SLA comes from: Route 53's distributed checkers, this editor's checks, or both side by
   * side (the default; Route 53 is then the SLA of record for endpoints that have a check).
   */
  sla: { source: 'route53' | 'local' | 'both' };
  /** Overrides of the verification window's regression rules (`verify:`), when given. */
  verify?: VerifyConfig;
}

/** `verify:` in health.yaml: what counts as a regression after a deploy. */
export interface VerifyConfig {
  endpointDown?: boolean;
  alarmFiring?: boolean;
  /** p95 latency worse than before by more than this percentage (0: off). */
  latencyIncreasePct?: number;
  /** ...and slower than before by more than this (ms). */
  latencyIncreaseMs?: number;
  availabilityBelowSlo?: boolean;
  minSamples?: number;
}

export interface ParseResult {
  /** Present only when there is no error-level diagnostic. */
  config?: HealthConfig;
  diagnostics: ConfigDiagnostic[];
}

export const DEFAULTS = {
  intervalMs: 10_000,
  // 2 s keeps worst-case detection (two failed checks that both time out, with one retry each, the second
  // a confirming check right after the first) under 20 s: see worstCaseDetectionMs.
  timeoutMs: 2_000,
  failureThreshold: 2,
  retries: 1,
  slo: 0.999,
  sloWindowDays: 30,
  alarmPollMs: 60_000,
};

/** Pause between a failed attempt and its retry (also used by the monitor). */
export function retryDelayMs(intervalMs: number): number {
  return Math.min(500, intervalMs / 4);
}

/**
 * Pause before the check that confirms a failure: after a failed check (and until the endpoint is down
 * or passes), the next check runs this soon instead of a whole interval later. Down still takes
 * `failureThreshold` failed checks of `retries + 1` attempts each, so a blip alarms no more often.
 */
export function confirmDelayMs(intervalMs: number): number {
  return retryDelayMs(intervalMs);
}

/**
 * Longest time from an endpoint failing to it being declared down, when every attempt times out: the
 * failure starts just after a check, so the first failed check starts an interval later; then
 * `failureThreshold` checks, each `retries + 1` attempts long, the later ones confirming right away.
 */
export function worstCaseDetectionMs(ep: Pick<EndpointBase, 'intervalMs' | 'timeoutMs' | 'failureThreshold' | 'retries'>): number {
  const attempt = (ep.retries + 1) * ep.timeoutMs + ep.retries * retryDelayMs(ep.intervalMs);
  return ep.intervalMs + ep.failureThreshold * attempt + (ep.failureThreshold - 1) * confirmDelayMs(ep.intervalMs);
}

const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `250ms`, `10s`, `5m`, `1h`, `30d`, or a bare number of milliseconds. */
export function parseDuration(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  if (typeof v !== 'string') return undefined;
  const m = DURATION.exec(v);
  if (!m) return undefined;
  return Number(m[1]) * UNIT_MS[m[2] ?? 'ms'];
}

export type Path = Array<string | number>;

/** Edit distance, for "did you mean": keys are short, so the plain table is fine. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

/** The known key a typo most likely meant: same letters ignoring case, or within 1 edit (2 for long keys). */
export function nearMiss(key: string, allowed: readonly string[]): string | undefined {
  let best: { k: string; d: number } | undefined;
  for (const k of allowed) {
    const d = k.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, k);
    if (d <= (k.length >= 8 ? 2 : 1) && (!best || d < best.d)) best = { k, d };
  }
  return best?.k;
}

class Checker {
  readonly diagnostics: ConfigDiagnostic[] = [];
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
    private readonly textLength: number,
  ) {}

  /** Errors that do not stop the file from applying (a near-miss key: the rest of the file is fine). */
  private nonBlocking = 0;

  /**
   * `keyOnly`: the squiggle goes on the key itself (an unknown or ignored key), not on its value.
   * `blocking: false`: an error that is shown but lets the rest of the file apply.
   */
  report(path: Path, message: string, severity: Severity = 'error', keyOnly = false, blocking = true): void {
    // Point at the deepest node that exists on the path; for a missing key, at its parent map.
    let range: [number, number] | undefined = keyOnly ? this.keyRange(path) : undefined;
    for (let n = path.length; n >= 0 && !range; n--) {
      const sub = path.slice(0, n);
      const node = (sub.length ? this.doc.getIn(sub, true) : this.doc.contents) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === 'object' && node.range) {
        range = [node.range[0], node.range[1]];
        if (keyOnly || n < path.length) range = [node.range[0], Math.min(node.range[1], node.range[0] + 1)];
      }
    }
    const [s, e] = range ?? [0, Math.min(1, this.textLength)];
    const a = this.lines.linePos(s);
    const b = this.lines.linePos(Math.max(s, e));
    this.diagnostics.push({ severity, message, line: a.line - 1, column: a.col - 1, endLine: b.line - 1, endColumn: b.col - 1 });
    if (severity === 'error' && !blocking) this.nonBlocking++;
  }

  /** The range of the key of the last path element in its map. */
  private keyRange(path: Path): [number, number] | undefined {
    if (!path.length) return undefined;
    const parent = path.length > 1 ? this.doc.getIn(path.slice(0, -1), true) : this.doc.contents;
    if (!isMap(parent)) return undefined;
    const k = path[path.length - 1];
    for (const pair of parent.items) {
      const key = pair.key as { value?: unknown; range?: [number, number, number] } | null;
      if (key && key.value === k && key.range) return [key.range[0], key.range[1]];
    }
    return undefined;
  }

  get hasErrors(): boolean {
    return this.diagnostics.filter((d) => d.severity === 'error').length > this.nonBlocking;
  }

  /**
   * Unknown keys are warnings; a near-miss of a known key ("intervall") is an error, since the user
   * meant to set something and it is silently not set. It does not stop the file: the message says
   * which value applies meanwhile (`meanwhile(known)`).
   */
  unknownKeys(
    obj: Record<string, unknown>,
    path: Path,
    allowed: readonly string[],
    meanwhile?: (known: string) => string | undefined,
  ): void {
    for (const k of Object.keys(obj)) {
      if (allowed.includes(k)) continue;
      const near = nearMiss(k, allowed);
      if (near) {
        const now = meanwhile?.(near);
        this.report(
          [...path, k],
          `Unknown key "${k}" — did you mean "${near}"? Until it is fixed, ${now ? `"${near}" is ${now}` : `"${near}" is not set here`}.`,
          'error',
          true,
          false,
        );
      } else this.report([...path, k], `Unknown key "${k}". Expected one of: ${allowed.join(', ')}.`, 'warning', true);
    }
  }

  duration(v: unknown, path: Path, fallback: number, min = 1): number {
    if (v === undefined || v === null) return fallback;
    const ms = parseDuration(v);
    if (ms === undefined) {
      this.report(path, `"${String(v)}" is not a duration. Write e.g. 500ms, 10s, 5m or 1h.`);
      return fallback;
    }
    if (ms < min) {
      this.report(path, `Duration must be at least ${min} ms.`);
      return fallback;
    }
    return ms;
  }

  int(v: unknown, path: Path, fallback: number, min: number, max: number): number {
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.report(path, `Expected a whole number from ${min} to ${max}.`);
      return fallback;
    }
    return v;
  }

  /** SLO as a percentage (99.9) or a fraction (0.999) → fraction. */
  slo(v: unknown, path: Path, fallback: number): number {
    if (v === undefined || v === null) return fallback;
    const n = typeof v === 'string' ? Number(v.replace(/%\s*$/, '')) : v;
    if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0 || n > 100) {
      this.report(path, 'SLO must be a percentage between 0 and 100, e.g. 99.9.');
      return fallback;
    }
    // Round so 99.9 becomes exactly 0.999, not 0.9990000000000001.
    const f = n > 1 ? Math.round(n * 1e6) / 1e8 : n;
    if (f >= 1) {
      this.report(path, 'An SLO of 100% leaves no error budget; use e.g. 99.99.');
      return fallback;
    }
    return f;
  }

  str(v: unknown, path: Path, required: boolean): string | undefined {
    if (v === undefined || v === null) {
      if (required) this.report(path, `"${String(path[path.length - 1])}" is required.`);
      return undefined;
    }
    if (typeof v !== 'string' || v.trim() === '') {
      this.report(path, 'Expected a non-empty string.');
      return undefined;
    }
    return v;
  }

  strList(v: unknown, path: Path): string[] {
    if (v === undefined || v === null) return [];
    if (typeof v === 'string') return [v];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      this.report(path, 'Expected a list of strings.');
      return [];
    }
    return v as string[];
  }

  time(v: unknown, path: Path): number | undefined {
    const d = v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : NaN;
    if (!Number.isFinite(d)) {
      this.report(path, 'Expected an ISO 8601 time, e.g. 2026-11-24T02:00:00Z.');
      return undefined;
    }
    return d;
  }
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

export const TOP_KEYS = [
  'version',
  'defaults',
  'groups',
  'endpoints',
  'maintenance',
  'alarms',
  'metrics',
  'aws',
  'cost',
  'verify',
  'sla',
] as const;
export const SETTINGS_KEYS = [
  'interval',
  'timeout',
  'failureThreshold',
  'retries',
  'slo',
  'sloWindow',
  'latencyThreshold',
  'stack',
  'stacks',
] as const;
export const ENDPOINT_KEYS = [
  ...SETTINGS_KEYS,
  'name',
  'group',
  'url',
  'method',
  'expectStatus',
  'bodyMatch',
  'headers',
  'insecureTls',
  'tcp',
  'route53',
] as const;

function parseStatus(c: Checker, v: unknown, path: Path): Array<[number, number]> {
  if (v === undefined || v === null) return [[200, 399]];
  const one = (x: unknown, p: Path): [number, number] | undefined => {
    if (typeof x === 'number' && Number.isInteger(x) && x >= 100 && x <= 599) return [x, x];
    if (typeof x === 'string') {
      const m = /^([1-5])xx$/i.exec(x.trim());
      if (m) return [Number(m[1]) * 100, Number(m[1]) * 100 + 99];
      const r = /^(\d{3})\s*-\s*(\d{3})$/.exec(x.trim());
      if (r && Number(r[1]) <= Number(r[2])) return [Number(r[1]), Number(r[2])];
    }
    c.report(p, `"${String(x)}" is not a status: use a code (200), a class (2xx) or a range (200-299).`);
    return undefined;
  };
  const list = Array.isArray(v) ? v : [v];
  const out = list.map((x, i) => one(x, Array.isArray(v) ? [...path, i] : path)).filter((x): x is [number, number] => !!x);
  return out.length ? out : [[200, 399]];
}

function parseHeaders(c: Checker, v: unknown, path: Path): Record<string, HeaderValue> {
  const out: Record<string, HeaderValue> = {};
  if (v === undefined || v === null) return out;
  if (!isObj(v)) {
    c.report(path, 'headers must be a map of header name to value.');
    return out;
  }
  for (const [name, raw] of Object.entries(v)) {
    const p = [...path, name];
    if (typeof raw === 'string' || typeof raw === 'number') {
      out[name] = { kind: 'literal', value: String(raw) };
      if (/^(authorization|x-api-key|api-key|cookie|proxy-authorization)$/i.test(name)) {
        c.report(
          p,
          `"${name}" looks like a credential written in clear. Use { env: VAR } or { secret: key } (stored with "OpsDeck: Set Health Check Secret").`,
          'warning',
        );
      }
    } else if (isObj(raw) && typeof raw.env === 'string' && Object.keys(raw).length === 1) {
      out[name] = { kind: 'env', name: raw.env };
    } else if (isObj(raw) && typeof raw.secret === 'string' && Object.keys(raw).length === 1) {
      out[name] = { kind: 'secret', key: raw.secret };
    } else {
      c.report(p, 'A header value is a string, { env: NAME } or { secret: key }.');
    }
  }
  return out;
}

interface Settings {
  intervalMs: number;
  timeoutMs: number;
  failureThreshold: number;
  retries: number;
  /** Target availability as a fraction (0.999). */
  slo: number;
  sloWindowDays: number;
  latencyThresholdMs?: number;
  /** Where the interval was written (defaults, a group or the endpoint), for diagnostics about it. */
  intervalFrom?: Path;
  /** The Pulumi stacks this endpoint belongs to (`stack:` / `stacks:`; names, project/stack or globs). */
  stacks?: string[];
}

/** `stack: name` or `stacks: [a, b]` on a map; undefined when neither is written. */
function parseStacks(c: Checker, v: Record<string, unknown>, path: Path): string[] | undefined {
  if (v.stack !== undefined && v.stacks !== undefined) c.report([...path, 'stacks'], 'Write either "stack" or "stacks", not both.');
  if (v.stack !== undefined) {
    const one = c.str(v.stack, [...path, 'stack'], true);
    return one ? [one] : undefined;
  }
  if (v.stacks !== undefined) {
    const list = c.strList(v.stacks, [...path, 'stacks']);
    if (!list.length) c.report([...path, 'stacks'], '"stacks" lists stack names, e.g. [dev, prod-eu].', 'warning');
    return list;
  }
  return undefined;
}

const ms = (v: number) => (v % 60_000 === 0 && v ? `${v / 60_000} min` : v % 1000 === 0 && v ? `${v / 1000} s` : `${v} ms`);

/** A setting's effective value in words ("10 s (from defaults)"), for "did you mean" messages. */
function settingValue(s: Settings, key: string, from: string): string | undefined {
  const v =
    key === 'interval'
      ? ms(s.intervalMs)
      : key === 'timeout'
        ? ms(s.timeoutMs)
        : key === 'failureThreshold'
          ? String(s.failureThreshold)
          : key === 'retries'
            ? String(s.retries)
            : key === 'slo'
              ? `${+(s.slo * 100).toFixed(4)}%`
              : key === 'sloWindow'
                ? `${s.sloWindowDays} d`
                : key === 'latencyThreshold'
                  ? s.latencyThresholdMs
                    ? ms(s.latencyThresholdMs)
                    : 'off'
                  : undefined;
  return v === undefined ? undefined : `${v} (from ${from})`;
}

function parseSettings(c: Checker, v: Record<string, unknown>, path: Path, base: Settings): Settings {
  const latency =
    v.latencyThreshold === undefined ? base.latencyThresholdMs : c.duration(v.latencyThreshold, [...path, 'latencyThreshold'], 0);
  const s: Settings = {
    intervalMs: c.duration(v.interval, [...path, 'interval'], base.intervalMs, 50),
    timeoutMs: c.duration(v.timeout, [...path, 'timeout'], base.timeoutMs, 10),
    failureThreshold: c.int(v.failureThreshold, [...path, 'failureThreshold'], base.failureThreshold, 1, 100),
    retries: c.int(v.retries, [...path, 'retries'], base.retries, 0, 10),
    slo: c.slo(v.slo, [...path, 'slo'], base.slo),
    sloWindowDays: Math.round(c.duration(v.sloWindow, [...path, 'sloWindow'], base.sloWindowDays * 86_400_000, 86_400_000) / 86_400_000),
    latencyThresholdMs: latency || undefined,
    intervalFrom: v.interval !== undefined && v.interval !== null ? [...path, 'interval'] : base.intervalFrom,
    stacks: parseStacks(c, v, path) ?? base.stacks,
  };
  if (s.sloWindowDays > 35) {
    c.report([...path, 'sloWindow'], 'The SLO window can be at most 35 days (history keeps 35 days).');
    s.sloWindowDays = base.sloWindowDays;
  }
  return s;
}

function parseEndpoint(c: Checker, v: unknown, i: number, base: Settings, groups: Record<string, Settings>): EndpointConfig | undefined {
  const path: Path = ['endpoints', i];
  if (!isObj(v)) {
    c.report(path, 'Each endpoint is a map with at least "name" and "url" (or "tcp").');
    return undefined;
  }
  const name = c.str(v.name, [...path, 'name'], true);
  const group = c.str(v.group, [...path, 'group'], false);
  let inherited = base;
  if (group) {
    if (groups[group]) inherited = groups[group];
    else c.report([...path, 'group'], `Group "${group}" is not declared under "groups"; using the defaults.`, 'warning');
  }
  const s = parseSettings(c, v, path, inherited);
  const route53 = c.str(v.route53, [...path, 'route53'], false);
  if (route53 !== undefined && !/^[0-9a-f-]{8,64}$/i.test(route53))
    c.report([...path, 'route53'], `"${route53}" is not a Route 53 health check id (e.g. 9c8e2d4a-1b2c-4d5e-8f90-123456789abc).`);
  c.unknownKeys(v, path, ENDPOINT_KEYS, (k) => settingValue(s, k, group && groups[group] ? `group "${group}"` : 'defaults'));
  if (s.timeoutMs > s.intervalMs)
    c.report(
      [...path, v.timeout !== undefined ? 'timeout' : 'interval'],
      `The timeout (${s.timeoutMs} ms) is longer than the interval (${s.intervalMs} ms); checks would overlap.`,
      'warning',
    );
  if (v.url !== undefined && v.tcp !== undefined) {
    c.report([...path, 'tcp'], 'An endpoint has either "url" (HTTP/HTTPS) or "tcp" (host:port), not both.');
    return undefined;
  }
  if (v.tcp !== undefined) {
    const m = typeof v.tcp === 'string' ? /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(v.tcp.trim()) : null;
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) {
      c.report([...path, 'tcp'], 'tcp must be "host:port", e.g. db.internal:5432.');
      return undefined;
    }
    for (const k of ['method', 'expectStatus', 'bodyMatch', 'headers'] as const) {
      if (v[k] !== undefined) c.report([...path, k], `"${k}" applies to HTTP endpoints only; it is ignored for tcp.`, 'warning', true);
    }
    return name ? { kind: 'tcp', name, group, route53, host: m[1], port: Number(m[2]), ...s } : undefined;
  }
  const url = c.str(v.url, [...path, 'url'], true);
  if (url) {
    let u: URL | undefined;
    try {
      u = new URL(url);
    } catch {
      /* reported below */
    }
    if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) {
      c.report([...path, 'url'], `"${url}" is not an http:// or https:// URL.`);
      return undefined;
    }
  }
  const method = (c.str(v.method, [...path, 'method'], false) ?? 'GET').toUpperCase();
  if (!['GET', 'HEAD', 'POST', 'PUT', 'OPTIONS', 'PATCH', 'DELETE'].includes(method))
    c.report([...path, 'method'], `Unsupported method "${method}".`);
  const bodyMatch = c.str(v.bodyMatch, [...path, 'bodyMatch'], false);
  if (bodyMatch) {
    try {
      new RegExp(bodyMatch);
    } catch (e) {
      c.report([...path, 'bodyMatch'], `bodyMatch is not a valid regular expression: ${(e as Error).message}`);
    }
  }
  if (v.insecureTls !== undefined && typeof v.insecureTls !== 'boolean') c.report([...path, 'insecureTls'], 'Expected true or false.');
  const expectStatus = parseStatus(c, v.expectStatus, [...path, 'expectStatus']);
  const headers = parseHeaders(c, v.headers, [...path, 'headers']);
  if (!name || !url) return undefined;
  return { kind: 'http', name, group, route53, url, method, expectStatus, bodyMatch, headers, insecureTls: v.insecureTls === true, ...s };
}

function parseMetric(c: Checker, v: unknown, i: number): MetricConfig | undefined {
  const path: Path = ['metrics', i];
  if (!isObj(v)) {
    c.report(path, 'Each metric is a map with namespace, name, stat and period.');
    return undefined;
  }
  c.unknownKeys(v, path, ['id', 'label', 'namespace', 'name', 'dimensions', 'stat', 'period', 'threshold', 'unit']);
  const namespace = c.str(v.namespace, [...path, 'namespace'], true);
  const name = c.str(v.name, [...path, 'name'], true);
  const stat = c.str(v.stat, [...path, 'stat'], false) ?? 'Average';
  const periodSec = Math.round(c.duration(v.period, [...path, 'period'], 300_000, 1000) / 1000);
  if (periodSec % 60 !== 0 && ![1, 5, 10, 30].includes(periodSec))
    c.report([...path, 'period'], 'CloudWatch periods are 1, 5, 10, 30 s or a multiple of 60 s.');
  const dims: Record<string, string> = {};
  if (v.dimensions !== undefined) {
    if (!isObj(v.dimensions)) c.report([...path, 'dimensions'], 'dimensions is a map of name to value.');
    else
      for (const [k, d] of Object.entries(v.dimensions)) {
        if (typeof d === 'string' || typeof d === 'number' || typeof d === 'boolean') dims[k] = String(d);
        else c.report([...path, 'dimensions', k], 'A dimension value is a string or a number.');
      }
  }
  let threshold: number | undefined;
  if (v.threshold !== undefined) {
    if (typeof v.threshold !== 'number') c.report([...path, 'threshold'], "threshold is a number in the metric's unit.");
    else threshold = v.threshold;
  }
  const id = c.str(v.id, [...path, 'id'], false) ?? `m${i}`;
  if (!/^[a-z][a-zA-Z0-9_]*$/.test(id))
    c.report([...path, 'id'], 'A metric id starts with a lower-case letter and has only letters, digits and _ (CloudWatch rule).');
  if (!namespace || !name) return undefined;
  return {
    id,
    label: c.str(v.label, [...path, 'label'], false) ?? `${namespace} ${name}`,
    namespace,
    name,
    dimensions: dims,
    stat,
    periodSec,
    threshold,
    unit: c.str(v.unit, [...path, 'unit'], false),
  };
}

export function parseHealthConfig(text: string): ParseResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const c = new Checker(doc, lines, text.length);
  const syntax: ConfigDiagnostic[] = [...doc.errors, ...doc.warnings].map((e) => {
    const a = lines.linePos(e.pos[0]);
    const b = lines.linePos(Math.max(e.pos[0], e.pos[1]));
    return {
      severity: doc.errors.includes(e) ? 'error' : 'warning',
      message: e.message.split('\n')[0],
      line: a.line - 1,
      column: a.col - 1,
      endLine: b.line - 1,
      endColumn: b.col - 1,
    } as ConfigDiagnostic;
  });
  if (doc.errors.length) return { diagnostics: syntax };
  c.diagnostics.push(...syntax);
  const root: unknown = doc.toJS({ maxAliasCount: 100 });
  if (root === null || root === undefined) {
    return {
      diagnostics: [
        { severity: 'error', message: 'The file is empty. Declare at least "endpoints:".', line: 0, column: 0, endLine: 0, endColumn: 0 },
      ],
    };
  }
  if (!isObj(root) || !isMap(doc.contents)) {
    c.report([], 'The file must be a map with keys such as endpoints, alarms, metrics, aws and cost.');
    return { diagnostics: c.diagnostics };
  }
  c.unknownKeys(root, [], TOP_KEYS);
  if (root.version !== undefined && root.version !== 1) c.report(['version'], 'Only version 1 is understood.');

  const defaultsNode = root.defaults ?? {};
  if (!isObj(defaultsNode)) c.report(['defaults'], '"defaults" is a map of interval, timeout, failureThreshold, retries, slo, sloWindow.');
  const defaults = isObj(defaultsNode) ? parseSettings(c, defaultsNode, ['defaults'], DEFAULTS) : DEFAULTS;
  if (isObj(defaultsNode))
    c.unknownKeys(defaultsNode, ['defaults'], SETTINGS_KEYS, (k) => settingValue(defaults, k, 'the built-in default'));

  const groups: Record<string, Settings> = {};
  if (root.groups !== undefined) {
    if (!isObj(root.groups)) c.report(['groups'], '"groups" maps a group name to settings (slo, interval, ...).');
    else
      for (const [g, gv] of Object.entries(root.groups)) {
        if (!isObj(gv)) c.report(['groups', g], 'A group is a map of settings.');
        else {
          groups[g] = parseSettings(c, gv, ['groups', g], defaults);
          c.unknownKeys(gv, ['groups', g], SETTINGS_KEYS, (k) => settingValue(groups[g], k, 'defaults'));
        }
      }
  }

  const endpoints: EndpointConfig[] = [];
  if (root.endpoints !== undefined && !(Array.isArray(root.endpoints) && isSeq(doc.get('endpoints', true))))
    c.report(['endpoints'], '"endpoints" must be a list.');
  else if (Array.isArray(root.endpoints)) {
    const seen = new Set<string>();
    root.endpoints.forEach((e, i) => {
      const ep = parseEndpoint(c, e, i, defaults, groups);
      if (!ep) return;
      if (seen.has(ep.name)) c.report(['endpoints', i, 'name'], `Endpoint name "${ep.name}" is used twice; names identify history.`);
      seen.add(ep.name);
      endpoints.push(ep);
    });
  }

  const maintenance: MaintenanceWindow[] = [];
  if (root.maintenance !== undefined) {
    if (!Array.isArray(root.maintenance)) c.report(['maintenance'], '"maintenance" is a list of { start, end, endpoints?, reason? }.');
    else
      root.maintenance.forEach((m, i) => {
        const p: Path = ['maintenance', i];
        if (!isObj(m)) return c.report(p, 'A maintenance window is a map with start and end.');
        c.unknownKeys(m, p, ['start', 'end', 'endpoints', 'reason']);
        const startMs = c.time(m.start, [...p, 'start']);
        const endMs = c.time(m.end, [...p, 'end']);
        if (startMs !== undefined && endMs !== undefined && endMs <= startMs) c.report([...p, 'end'], 'end must be after start.');
        const eps = m.endpoints === undefined ? undefined : c.strList(m.endpoints, [...p, 'endpoints']);
        for (const [j, n] of (eps ?? []).entries())
          if (!endpoints.some((e) => e.name === n)) c.report([...p, 'endpoints', j], `No endpoint named "${n}".`, 'warning');
        const reason = c.str(m.reason, [...p, 'reason'], false);
        if (startMs !== undefined && endMs !== undefined) maintenance.push({ startMs, endMs, endpoints: eps, reason });
      });
  }

  const alarms = { names: [] as string[], prefixes: [] as string[] };
  if (root.alarms !== undefined) {
    if (!isObj(root.alarms)) c.report(['alarms'], '"alarms" is a map with names: [...] and/or prefixes: [...].');
    else {
      c.unknownKeys(root.alarms, ['alarms'], ['names', 'prefixes', 'poll']);
      alarms.names = c.strList(root.alarms.names, ['alarms', 'names']);
      // A prefix is a string, or { prefix, stack | stacks } naming the stacks its alarms belong to.
      const raw = root.alarms.prefixes;
      if (Array.isArray(raw) && raw.some(isObj)) {
        const stackPrefixes: Array<{ prefix: string; stacks: string[] }> = [];
        raw.forEach((x, i) => {
          const p: Path = ['alarms', 'prefixes', i];
          if (typeof x === 'string') return void alarms.prefixes.push(x);
          if (!isObj(x)) return c.report(p, 'A prefix is a string, or a map { prefix, stack } / { prefix, stacks }.');
          c.unknownKeys(x, p, ['prefix', 'stack', 'stacks']);
          const prefix = c.str(x.prefix, [...p, 'prefix'], true);
          if (!prefix) return;
          alarms.prefixes.push(prefix);
          const stacks = parseStacks(c, x, p);
          if (stacks) stackPrefixes.push({ prefix, stacks });
        });
        (alarms as HealthConfig['alarms']).stackPrefixes = stackPrefixes;
      } else alarms.prefixes = c.strList(raw, ['alarms', 'prefixes']);
    }
  }
  const alarmPollMs = isObj(root.alarms)
    ? c.duration(root.alarms.poll, ['alarms', 'poll'], DEFAULTS.alarmPollMs, 1000)
    : DEFAULTS.alarmPollMs;

  const metrics: MetricConfig[] = [];
  if (root.metrics !== undefined) {
    if (!Array.isArray(root.metrics)) c.report(['metrics'], '"metrics" must be a list.');
    else
      root.metrics.forEach((m, i) => {
        const x = parseMetric(c, m, i);
        if (x) metrics.push(x);
      });
  }

  const aws: AwsConfig = {};
  if (root.aws !== undefined) {
    if (!isObj(root.aws)) c.report(['aws'], '"aws" is a map of region, profile, endpoint.');
    else {
      c.unknownKeys(root.aws, ['aws'], ['region', 'profile', 'endpoint']);
      aws.region = c.str(root.aws.region, ['aws', 'region'], false);
      aws.profile = c.str(root.aws.profile, ['aws', 'profile'], false);
      aws.endpoint = c.str(root.aws.endpoint, ['aws', 'endpoint'], false);
      if (aws.endpoint && !/^https?:\/\/[^\s]+$/.test(aws.endpoint))
        c.report(['aws', 'endpoint'], 'endpoint is a URL such as http://127.0.0.1:5000.');
      if (aws.region && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(aws.region))
        c.report(['aws', 'region'], `"${aws.region}" does not look like an AWS region (e.g. eu-west-1).`, 'warning');
    }
  }

  const cost: CostConfig = { enabled: false, currency: 'USD', groupBy: 'SERVICE' };
  if (root.cost !== undefined) {
    if (!isObj(root.cost)) c.report(['cost'], '"cost" is a map of budget, currency, groupBy, stackTag.');
    else {
      c.unknownKeys(root.cost, ['cost'], ['enabled', 'budget', 'currency', 'groupBy', 'stackTag', 'budgets']);
      if (root.cost.enabled !== undefined && typeof root.cost.enabled !== 'boolean')
        c.report(['cost', 'enabled'], 'Expected true or false.');
      cost.enabled = root.cost.enabled !== false;
      if (root.cost.budget !== undefined) {
        if (typeof root.cost.budget !== 'number' || root.cost.budget <= 0)
          c.report(['cost', 'budget'], 'budget is a positive monthly amount, e.g. 1500.');
        else cost.monthlyBudget = root.cost.budget;
      }
      cost.currency = c.str(root.cost.currency, ['cost', 'currency'], false) ?? 'USD';
      const g = root.cost.groupBy ?? 'SERVICE';
      if (!['SERVICE', 'LINKED_ACCOUNT', 'REGION', 'USAGE_TYPE'].includes(String(g)))
        c.report(['cost', 'groupBy'], 'groupBy is one of SERVICE, LINKED_ACCOUNT, REGION, USAGE_TYPE.');
      else cost.groupBy = g as CostConfig['groupBy'];
      cost.stackTag = c.str(root.cost.stackTag, ['cost', 'stackTag'], false);
      if (root.cost.budgets !== undefined) cost.budgetPrefixes = c.strList(root.cost.budgets, ['cost', 'budgets']);
    }
  }

  const sla: HealthConfig['sla'] = { source: 'both' };
  if (root.sla !== undefined) {
    if (!isObj(root.sla)) c.report(['sla'], '"sla" is a map: { source: route53 | local | both }.');
    else {
      c.unknownKeys(root.sla, ['sla'], ['source']);
      const src = root.sla.source ?? 'both';
      if (src !== 'route53' && src !== 'local' && src !== 'both') c.report(['sla', 'source'], 'source is one of route53, local, both.');
      else sla.source = src;
    }
  }

  let verify: VerifyConfig | undefined;
  if (root.verify !== undefined) {
    if (!isObj(root.verify))
      c.report(
        ['verify'],
        '"verify" is a map of endpointDown, alarmFiring, latencyIncrease, latencyIncreaseBy, availabilityBelowSlo, minSamples.',
      );
    else {
      const v = root.verify;
      c.unknownKeys(
        v,
        ['verify'],
        ['endpointDown', 'alarmFiring', 'latencyIncrease', 'latencyIncreaseBy', 'availabilityBelowSlo', 'minSamples'],
      );
      verify = {};
      for (const k of ['endpointDown', 'alarmFiring', 'availabilityBelowSlo'] as const) {
        if (v[k] === undefined) continue;
        if (typeof v[k] !== 'boolean') c.report(['verify', k], 'Expected true or false.');
        else verify[k] = v[k];
      }
      if (v.latencyIncrease !== undefined) {
        const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(String(v.latencyIncrease));
        if (!m || typeof v.latencyIncrease === 'boolean')
          c.report(['verify', 'latencyIncrease'], 'A percentage such as 50% (p95 worse than before by more than this); 0 turns it off.');
        else verify.latencyIncreasePct = Number(m[1]);
      }
      if (v.latencyIncreaseBy !== undefined)
        verify.latencyIncreaseMs = c.duration(v.latencyIncreaseBy, ['verify', 'latencyIncreaseBy'], 20, 0);
      if (v.minSamples !== undefined) verify.minSamples = c.int(v.minSamples, ['verify', 'minSamples'], 5, 1, 1000);
    }
  }

  if (c.hasErrors) return { diagnostics: c.diagnostics };
  return { config: { endpoints, maintenance, alarms, metrics, aws, cost, alarmPollMs, sla, verify }, diagnostics: c.diagnostics };
}

/**
 * A diagnostic at `path` in the file (e.g. ['endpoints', 2, 'bodyMatch']), for problems found after
 * parsing (a safety rule, a pattern that ran out of time), placed exactly as parse errors are.
 */
export function diagnosticAt(text: string, path: Path, message: string, severity: Severity = 'error'): ConfigDiagnostic {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const c = new Checker(doc, lines, text.length);
  c.report(path, message, severity);
  return c.diagnostics[0];
}
