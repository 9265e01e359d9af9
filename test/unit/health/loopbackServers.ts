// Real HTTP and TCP servers on 127.0.0.1 whose behaviour a test switches at run time.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

export type HttpMode = 'healthy' | 'failing' | 'slow' | 'wrong-body' | 'hang';

export class LoopbackHttp {
  mode: HttpMode = 'healthy';
  slowMs = 300;
  requests = 0;
  lastHeaders: http.IncomingHttpHeaders = {};
  /** Sees every request (method, headers) as it arrives. */
  onRequest?: (req: http.IncomingMessage) => void;
  private readonly handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    this.requests++;
    this.lastHeaders = req.headers;
    this.onRequest?.(req);
    const reply = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
    };
    switch (this.mode) {
      case 'healthy':
        return reply(200, '{"status":"ok"}');
      case 'failing':
        return reply(503, '{"status":"down"}');
      case 'wrong-body':
        return reply(200, '{"status":"degraded"}');
      case 'slow': {
        const t = setTimeout(() => reply(200, '{"status":"ok"}'), this.slowMs);
        res.on('close', () => clearTimeout(t));
        return;
      }
      case 'hang':
        return; // never answers
    }
  };
  private readonly server: http.Server | https.Server;
  private readonly scheme: 'http' | 'https';

  /** Plain HTTP, or HTTPS with `tls` (a key and certificate, e.g. from selfSignedCertificate()). */
  constructor(tls?: { key: Buffer; cert: Buffer }) {
    this.scheme = tls ? 'https' : 'http';
    this.server = tls ? https.createServer(tls, this.handler) : http.createServer(this.handler);
  }
  port = 0;

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }
  get url(): string {
    return `${this.scheme}://127.0.0.1:${this.port}/health`;
  }
  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

export class LoopbackTcp {
  port = 0;
  /** Hears every connection as it is accepted. */
  onConnection?: () => void;
  private readonly server = net.createServer((s) => {
    this.onConnection?.();
    s.end();
  });
  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }
  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

/** A port that was just free: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

export const waitFor = async (cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> => {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/**
 * A key and self-signed certificate for 127.0.0.1, made with openssl for this run (valid from now, so
 * no date is baked into the repository); undefined when openssl is not available.
 */
export function selfSignedCertificate(): { key: Buffer; cert: Buffer } | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-days',
        '2',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) };
  } catch {
    return undefined;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
