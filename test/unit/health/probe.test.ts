import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { HttpEndpoint, TcpEndpoint, parseHealthConfig } from '../../../src/health/model/healthConfig';
import { probeHttp, probeTcp } from '../../../src/health/runner/probe';
import { LoopbackHttp, closedPort } from './loopbackServers';

const endpoint = (yaml: string) => parseHealthConfig(`endpoints:\n  - ${yaml}\n`).config!.endpoints[0];

describe('health probes', function () {
  this.timeout(20_000);

  it('checks HTTPS, refuses a self-signed certificate with a clear reason, and accepts it with insecureTls', async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-tls-'));
    try {
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
            '1',
            '-keyout',
            path.join(dir, 'key.pem'),
            '-out',
            path.join(dir, 'cert.pem'),
          ],
          { stdio: 'ignore' },
        );
      } catch {
        console.log('    skipped: openssl is not available to make a test certificate');
        return this.skip();
      }
      const server = https.createServer(
        { key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) },
        (_q, r) => {
          r.writeHead(200);
          r.end('ok');
        },
      );
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      const port = (server.address() as net.AddressInfo).port;
      try {
        const strict = await probeHttp(endpoint(`{ name: s, url: "https://127.0.0.1:${port}/" }`) as HttpEndpoint, {});
        assert.strictEqual(strict.ok, false);
        assert.match(strict.error!, /self-signed.*insecureTls/);
        const lax = await probeHttp(
          endpoint(`{ name: s, url: "https://127.0.0.1:${port}/", insecureTls: true, bodyMatch: "^ok$" }`) as HttpEndpoint,
          {},
        );
        assert.deepStrictEqual([lax.ok, lax.status], [true, 200]);
      } finally {
        server.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sends the resolved headers and matches status classes', async () => {
    const web = await new LoopbackHttp().start();
    try {
      const ep = endpoint(`{ name: a, url: "${web.url}", expectStatus: 5xx }`) as HttpEndpoint;
      web.mode = 'failing';
      assert.strictEqual((await probeHttp(ep, { authorization: 'Bearer x' })).ok, true, '503 is in 5xx');
      assert.strictEqual(web.lastHeaders.authorization, 'Bearer x');
      assert.match(String(web.lastHeaders['user-agent']), /OpsDeck-HealthCheck/);
      web.mode = 'healthy';
      const r = await probeHttp(ep, {});
      assert.strictEqual(r.ok, false);
      assert.match(r.error!, /HTTP 200 \(expected 500-599\)/);
    } finally {
      await web.stop();
    }
  });

  it('times out a server that never answers, and reports a refused TCP port', async () => {
    const web = await new LoopbackHttp().start();
    try {
      web.mode = 'hang';
      const r = await probeHttp(endpoint(`{ name: a, url: "${web.url}", timeout: 100ms }`) as HttpEndpoint, {});
      assert.deepStrictEqual([r.ok, r.error], [false, 'timed out after 100 ms']);
    } finally {
      await web.stop();
    }
    const port = await closedPort();
    const t = await probeTcp(endpoint(`{ name: t, tcp: "127.0.0.1:${port}" }`) as TcpEndpoint);
    assert.strictEqual(t.ok, false);
    assert.match(t.error!, /connection refused by 127\.0\.0\.1:\d+/);
  });
});
