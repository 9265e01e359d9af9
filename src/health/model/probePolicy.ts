// What a workspace's health configuration may make OpsDeck send, whatever the workspace says: GET and
// HEAD (other methods change things) unless the USER lists more in opsdeck.health.allowedMethods; no
// check more often than the floor (opsdeck.health.minimumIntervalSeconds, also user-level); and never
// a check of a link-local address, where cloud instance metadata (and its credentials) answer. An
// endpoint a rule refuses stays in the views with the reason, and is not checked. Pure.
import { ConfigDiagnostic, EndpointConfig, HealthConfig, diagnosticAt } from './healthConfig';

export interface ProbePolicy {
  /** Methods besides GET and HEAD the user allows (upper case). */
  allowedMethods: readonly string[];
  /** No endpoint is checked more often than this. */
  minIntervalMs: number;
}

export const SAFE_METHODS = ['GET', 'HEAD'];
export const DEFAULT_MIN_INTERVAL_MS = 5000;

/** The setting names the rules point to, so messages and package.json agree. */
export const ALLOWED_METHODS_SETTING = 'opsdeck.health.allowedMethods';
export const MIN_INTERVAL_SETTING = 'opsdeck.health.minimumIntervalSeconds';

function ipv4Octets(a: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(a);
  if (!m) return undefined;
  const o = m.slice(1).map(Number);
  return o.every((x) => x <= 255) ? o : undefined;
}

/** An IPv6 address as eight 16-bit groups (an embedded IPv4 tail counts as two), or undefined. */
function ipv6Groups(a: string): number[] | undefined {
  let s = a;
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (tail) {
    const o = ipv4Octets(tail[1]);
    if (!o) return undefined;
    s = `${s.slice(0, -tail[1].length)}${((o[0] << 8) | o[1]).toString(16)}:${((o[2] << 8) | o[3]).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const part = (x: string) => (x ? x.split(':') : []);
  const head = part(halves[0]);
  const rest = halves.length === 2 ? part(halves[1]) : [];
  const fill = halves.length === 2 ? 8 - head.length - rest.length : 0;
  if (fill < 0 || (halves.length === 1 && head.length !== 8)) return undefined;
  const groups = [...head, ...Array<string>(fill).fill('0'), ...rest];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return groups.map((g) => parseInt(g, 16));
}

/** True for 169.254.0.0/16, fe80::/10, and IPv4-mapped or -compatible forms of the former. */
export function isLinkLocal(address: string): boolean {
  let a = address.trim().toLowerCase();
  if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1);
  a = a.replace(/%.*$/, ''); // zone index (fe80::1%eth0)
  const v4 = ipv4Octets(a);
  if (v4) return v4[0] === 169 && v4[1] === 254;
  const g = ipv6Groups(a);
  if (!g) return false;
  if ((g[0] & 0xffc0) === 0xfe80) return true;
  const embedsV4 = g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0);
  return embedsV4 && g[6] === 0xa9fe;
}

/**
 * The host as the network will see it: the URL parser turns 2852039166, 0xA9FEA9FE and 169.254.43518
 * into 169.254.169.254, so the check cannot be dodged by spelling.
 */
export function canonicalHost(host: string): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  try {
    return new URL(`http://${h}/`).hostname;
  } catch {
    return host;
  }
}

function hostOf(ep: EndpointConfig): string {
  return ep.kind === 'http' ? new URL(ep.url).hostname : canonicalHost(ep.host);
}

export function linkLocalMessage(ep: EndpointConfig, address: string): string {
  return `${ep.name} targets ${address}, a link-local address (where cloud instance metadata and its credentials answer): a workspace's health check may not reach it.`;
}

export function methodMessage(ep: EndpointConfig & { method: string }): string {
  return `${ep.name}: method ${ep.method} is not sent. OpsDeck only sends GET and HEAD unless the method is listed in the user setting ${ALLOWED_METHODS_SETTING} (a workspace cannot allow it).`;
}

const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

/**
 * Applies the rules to a parsed configuration: refused endpoints carry `problem`, intervals below the
 * floor are raised to it, and each rule leaves a diagnostic where the file says what it refuses.
 */
export function applyProbePolicy(
  cfg: HealthConfig,
  text: string,
  policy: ProbePolicy,
): { config: HealthConfig; diagnostics: ConfigDiagnostic[] } {
  const diagnostics: ConfigDiagnostic[] = [];
  const floorNoted = new Set<string>();
  const allowed = new Set([...SAFE_METHODS, ...policy.allowedMethods.map((m) => m.toUpperCase())]);
  const endpoints = cfg.endpoints.map((ep, i): EndpointConfig => {
    const out: EndpointConfig = { ...ep };
    const at = (key: string) => ['endpoints', i, key];
    const host = hostOf(ep);
    if (isLinkLocal(host)) {
      out.problem = linkLocalMessage(ep, host);
      diagnostics.push(diagnosticAt(text, at(ep.kind === 'http' ? 'url' : 'tcp'), out.problem));
    } else if (ep.kind === 'http' && !allowed.has(ep.method)) {
      out.problem = methodMessage(ep);
      diagnostics.push(diagnosticAt(text, at('method'), out.problem));
    }
    if (ep.intervalMs < policy.minIntervalMs) {
      const where = ep.intervalFrom ?? ['endpoints', i, 'interval'];
      const key = JSON.stringify(where);
      if (!floorNoted.has(key)) {
        floorNoted.add(key);
        diagnostics.push(
          diagnosticAt(
            text,
            where,
            `Interval ${seconds(ep.intervalMs)} is below the ${seconds(policy.minIntervalMs)} floor: checks run every ${seconds(policy.minIntervalMs)}. The floor is the user setting ${MIN_INTERVAL_SETTING}; a workspace cannot lower it.`,
            'warning',
          ),
        );
      }
      out.intervalMs = policy.minIntervalMs;
    }
    return out;
  });
  return { config: { ...cfg, endpoints }, diagnostics };
}
