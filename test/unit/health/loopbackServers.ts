// Real HTTP and TCP servers on 127.0.0.1 whose behaviour a test switches at run time.
import * as http from 'http';
import * as net from 'net';

export type HttpMode = 'healthy' | 'failing' | 'slow' | 'wrong-body' | 'hang';

export class LoopbackHttp {
  mode: HttpMode = 'healthy';
  slowMs = 300;
  requests = 0;
  lastHeaders: http.IncomingHttpHeaders = {};
  private readonly server = http.createServer((req, res) => {
    this.requests++;
    this.lastHeaders = req.headers;
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
  });
  port = 0;

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }
  get url(): string {
    return `http://127.0.0.1:${this.port}/health`;
  }
  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

export class LoopbackTcp {
  port = 0;
  private readonly server = net.createServer((s) => s.end());
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
