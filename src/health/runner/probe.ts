// One health check, HTTP(S) or TCP, with a hard timeout. Never throws: every outcome is a result the
// monitor can record. No `vscode` import.
import * as dns from 'dns';
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';
import { EndpointConfig, HttpEndpoint, TcpEndpoint } from '../model/healthConfig';
import { isLinkLocal } from '../model/probePolicy';
import { BodyMatcher, MatchOutcome } from './bodyMatcher';

export interface ProbeResult {
  ok: boolean;
  latencyMs: number;
  status?: number;
  /** Why it failed, in words a person can act on. */
  error?: string;
  /**
   * The check could not be judged because of the configuration (a bodyMatch pattern that ran out of
   * time): not a failure of the endpoint, so it is not recorded as one.
   */
  configProblem?: string;
}

/** bodyMatch reads at most this much of a response. */
export const MAX_BODY = 64 * 1024;

function describeNetError(e: NodeJS.ErrnoException, target: string): string {
  switch (e.code) {
    case 'ECONNREFUSED':
      return `connection refused by ${target}`;
    case 'ENOTFOUND':
      return `host not found (${target})`;
    case 'ECONNRESET':
      return `connection reset by ${target}`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${target} is unreachable`;
    case 'CERT_HAS_EXPIRED':
      return `TLS certificate of ${target} has expired`;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return `TLS certificate of ${target} is self-signed (set insecureTls: true to accept it)`;
    default:
      return `${e.code ?? 'error'}: ${e.message}`;
  }
}

export interface HttpProbeOptions {
  timeoutMs?: number;
  /** Runs bodyMatch off this thread with a time limit; a temporary one is made when none is given. */
  matcher?: BodyMatcher;
  lookup?: LookupFn;
}

export function probeHttp(ep: HttpEndpoint, headers: Record<string, string>, opts: HttpProbeOptions = {}): Promise<ProbeResult> {
  const timeoutMs = opts.timeoutMs ?? ep.timeoutMs;
  return new Promise((resolve) => {
    const started = performance.now();
    let done = false;
    const finish = (r: Omit<ProbeResult, 'latencyMs'>, latencyMs = performance.now() - started) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ ...r, latencyMs });
    };
    const url = new URL(ep.url);
    const mod = url.protocol === 'https:' ? https : http;
    let readBody = false;
    const req = mod.request(
      url,
      {
        method: ep.method,
        headers: { 'user-agent': 'OpsDeck-HealthCheck/1', ...headers },
        agent: false,
        rejectUnauthorized: !ep.insecureTls,
        lookup: guardedLookup(url.hostname, opts.lookup) as unknown as net.LookupFunction,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const firstByte = performance.now() - started;
        const statusOk = ep.expectStatus.some(([lo, hi]) => status >= lo && status <= hi);
        const chunks: Buffer[] = [];
        let size = 0;
        let read = false;
        const complete = () => {
          if (read || done) return;
          read = readBody = true;
          // The body is in (or capped): the match has its own time limit, the request's no longer runs.
          clearTimeout(timer);
          const latency = ep.bodyMatch ? performance.now() - started : firstByte;
          if (!statusOk)
            return finish(
              {
                ok: false,
                status,
                error: `HTTP ${status} (expected ${ep.expectStatus.map(([a, b]) => (a === b ? a : `${a}-${b}`)).join(', ')})`,
              },
              latency,
            );
          const afterMatch = () => {
            if (ep.latencyThresholdMs !== undefined && latency > ep.latencyThresholdMs) {
              return finish(
                { ok: false, status, error: `slow: ${Math.round(latency)} ms > ${ep.latencyThresholdMs} ms threshold` },
                latency,
              );
            }
            finish({ ok: true, status }, latency);
          };
          if (!ep.bodyMatch) return afterMatch();
          const body = Buffer.concat(chunks).subarray(0, MAX_BODY).toString('utf8');
          void matchBody(ep.bodyMatch, body, opts.matcher).then((m) => {
            if (m.kind === 'match') return afterMatch();
            if (m.kind === 'noMatch')
              return finish(
                { ok: false, status, error: `body does not match /${ep.bodyMatch}/${size > MAX_BODY ? ' (in its first 64 KiB)' : ''}` },
                latency,
              );
            finish(
              {
                ok: false,
                status,
                configProblem:
                  m.kind === 'timeout'
                    ? `bodyMatch /${ep.bodyMatch}/ of ${ep.name} took longer than ${m.limitMs} ms on a ${Math.round(Math.min(size, MAX_BODY) / 1024)} KiB body (a pattern that backtracks, such as (a+)+). Simplify it in the health configuration; checks of ${ep.name} are paused until the configuration changes.`
                    : `bodyMatch /${ep.bodyMatch}/ of ${ep.name} cannot be run: ${m.message}`,
              },
              latency,
            );
          });
        };
        res.on('data', (c: Buffer) => {
          if (!ep.bodyMatch) return;
          chunks.push(c);
          size += c.length;
          // Only the first 64 KiB are matched: stop downloading there.
          if (size >= MAX_BODY) {
            size = Math.max(size, MAX_BODY + 1);
            complete();
            res.destroy();
          }
        });
        // Once the (capped) body is in, closing the connection early is ours, not the endpoint's failure.
        res.on('error', (e) => read || finish({ ok: false, status, error: describeNetError(e, url.host) }));
        res.on('end', complete);
      },
    );
    const timer = setTimeout(() => {
      finish({ ok: false, error: `timed out after ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    req.on('error', (e) => readBody || finish(linkLocalRefusal(e) ?? { ok: false, error: describeNetError(e, url.host) }));
    req.end();
  });
}

async function matchBody(pattern: string, body: string, matcher: BodyMatcher | undefined): Promise<MatchOutcome> {
  if (matcher) return matcher.match(pattern, body);
  const own = new BodyMatcher();
  try {
    return await own.match(pattern, body);
  } finally {
    own.dispose();
  }
}

export interface TcpProbeOptions {
  timeoutMs?: number;
  /** Name resolution (dns.lookup by default); the link-local guard wraps it. */
  lookup?: LookupFn;
}

export function probeTcp(ep: TcpEndpoint, opts: TcpProbeOptions = {}): Promise<ProbeResult> {
  const timeoutMs = opts.timeoutMs ?? ep.timeoutMs;
  return new Promise((resolve) => {
    const started = performance.now();
    const target = `${ep.host}:${ep.port}`;
    const sock = net.connect({ host: ep.host, port: ep.port, lookup: guardedLookup(ep.host, opts.lookup) });
    let done = false;
    const finish = (r: Omit<ProbeResult, 'latencyMs'>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ ...r, latencyMs: performance.now() - started });
    };
    const timer = setTimeout(() => finish({ ok: false, error: `timed out after ${timeoutMs} ms connecting to ${target}` }), timeoutMs);
    sock.once('connect', () => {
      const latency = performance.now() - started;
      if (ep.latencyThresholdMs !== undefined && latency > ep.latencyThresholdMs)
        finish({ ok: false, error: `slow: ${Math.round(latency)} ms > ${ep.latencyThresholdMs} ms threshold` });
      else finish({ ok: true });
    });
    sock.once('error', (e) => finish(linkLocalRefusal(e) ?? { ok: false, error: describeNetError(e, target) }));
  });
}

type LookupAddress = { address: string; family: number };
export type LookupFn = (
  hostname: string,
  options: dns.LookupOptions,
  callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => void;

const LINK_LOCAL = 'OPSDECK_LINK_LOCAL';

/**
 * Name resolution that refuses link-local answers: a host name in the workspace's configuration may
 * resolve to 169.254.169.254 (cloud metadata) even though the file never spells it out.
 */
function guardedLookup(host: string, base: LookupFn = dns.lookup as unknown as LookupFn): LookupFn {
  return (hostname, options, callback) =>
    base(hostname, options, (err, address, family) => {
      if (err) return callback(err, address, family);
      const list = Array.isArray(address) ? address.map((a) => a.address) : [address];
      const bad = list.find((a) => isLinkLocal(a));
      if (bad !== undefined) {
        const e: NodeJS.ErrnoException = new Error(
          `${host} resolves to the link-local address ${bad} (where cloud instance metadata answers): a workspace's health check may not reach it.`,
        );
        e.code = LINK_LOCAL;
        return callback(e, address, family);
      }
      callback(null, address, family);
    });
}

/** A refusal by the link-local guard is a configuration problem (the endpoint pauses), not an outage. */
function linkLocalRefusal(e: NodeJS.ErrnoException): Omit<ProbeResult, 'latencyMs'> | undefined {
  return e.code === LINK_LOCAL ? { ok: false, configProblem: e.message } : undefined;
}

export function probe(ep: EndpointConfig, headers: Record<string, string>, matcher?: BodyMatcher): Promise<ProbeResult> {
  return ep.kind === 'http' ? probeHttp(ep, headers, { matcher }) : probeTcp(ep);
}

export function endpointTarget(ep: EndpointConfig): string {
  return ep.kind === 'http' ? `${ep.method} ${ep.url}` : `tcp ${ep.host}:${ep.port}`;
}
