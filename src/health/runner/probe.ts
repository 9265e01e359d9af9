// One health check, HTTP(S) or TCP, with a hard timeout. Never throws: every outcome is a result the
// monitor can record. No `vscode` import.
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';
import { EndpointConfig, HttpEndpoint, TcpEndpoint } from '../model/healthConfig';

export interface ProbeResult {
  ok: boolean;
  latencyMs: number;
  status?: number;
  /** Why it failed, in words a person can act on. */
  error?: string;
}

const MAX_BODY = 1024 * 1024;

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

export function probeHttp(ep: HttpEndpoint, headers: Record<string, string>, timeoutMs = ep.timeoutMs): Promise<ProbeResult> {
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
    const req = mod.request(
      url,
      {
        method: ep.method,
        headers: { 'user-agent': 'OpsDeck-HealthCheck/1', ...headers },
        agent: false,
        rejectUnauthorized: !ep.insecureTls,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const firstByte = performance.now() - started;
        const statusOk = ep.expectStatus.some(([lo, hi]) => status >= lo && status <= hi);
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (!ep.bodyMatch) return;
          if (size < MAX_BODY) chunks.push(c);
          size += c.length;
        });
        res.on('error', (e) => finish({ ok: false, status, error: describeNetError(e, url.host) }));
        res.on('end', () => {
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
          if (ep.bodyMatch && !new RegExp(ep.bodyMatch).test(Buffer.concat(chunks).toString('utf8'))) {
            return finish({ ok: false, status, error: `body does not match /${ep.bodyMatch}/` }, latency);
          }
          if (ep.latencyThresholdMs !== undefined && latency > ep.latencyThresholdMs) {
            return finish({ ok: false, status, error: `slow: ${Math.round(latency)} ms > ${ep.latencyThresholdMs} ms threshold` }, latency);
          }
          finish({ ok: true, status }, latency);
        });
      },
    );
    const timer = setTimeout(() => {
      finish({ ok: false, error: `timed out after ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    req.on('error', (e) => finish({ ok: false, error: describeNetError(e, url.host) }));
    req.end();
  });
}

export function probeTcp(ep: TcpEndpoint, timeoutMs = ep.timeoutMs): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const target = `${ep.host}:${ep.port}`;
    const sock = net.connect({ host: ep.host, port: ep.port });
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
    sock.once('error', (e) => finish({ ok: false, error: describeNetError(e, target) }));
  });
}

export function probe(ep: EndpointConfig, headers: Record<string, string>): Promise<ProbeResult> {
  return ep.kind === 'http' ? probeHttp(ep, headers) : probeTcp(ep);
}

export function endpointTarget(ep: EndpointConfig): string {
  return ep.kind === 'http' ? `${ep.method} ${ep.url}` : `tcp ${ep.host}:${ep.port}`;
}
