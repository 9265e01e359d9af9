// The demo service that demo/.opsdeck/health.yaml checks: a health endpoint that is fine, and an API
// that sometimes is not. Shared by `npm start` (scripts/demo.mjs) and the rig's demo suite, so the
// UI test drives the very service a new user meets.
//
//   GET /health          200 {"status":"ok"} after 5–60 ms (503 while an outage is on)
//   GET /api/orders      usually 200, about one request in ten 500, sometimes slow (~900 ms)
//   GET /demo/outage     starts an outage: /health and /api/orders answer 503 and the TCP check still connects
//   GET /demo/recover    ends it
import { createServer } from 'node:http';

/**
 * Starts the service on `host:port` (port 0: a free one). Resolves to `{ server, port, setOutage }`;
 * `server.close()` stops it. `random` is injectable so the UI test can make /api/orders steady.
 */
export function startDemoService({ port = 8787, host = '127.0.0.1', random = Math.random } = {}) {
  let requests = 0;
  let outage = false;
  const server = createServer((req, res) => {
    requests++;
    const url = new URL(req.url ?? '/', 'http://demo');
    const reply = (status, body, delay) =>
      setTimeout(() => {
        res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify(body));
      }, delay);
    if (url.pathname === '/demo/outage' || url.pathname === '/demo/recover') {
      outage = url.pathname === '/demo/outage';
      return reply(200, { outage }, 0);
    }
    if (outage && (url.pathname === '/health' || url.pathname === '/api/orders'))
      return reply(503, { error: 'demo outage (GET /demo/recover ends it)' }, 5);
    if (url.pathname === '/health') return reply(200, { status: 'ok', service: 'demo-api', requests }, 5 + random() * 55);
    if (url.pathname === '/api/orders') {
      const r = random();
      if (r < 0.1) return reply(500, { error: 'database connection reset (demo)' }, 20 + random() * 50);
      return reply(200, { orders: Math.floor(r * 100) }, r > 0.9 ? 900 : 15 + random() * 120);
    }
    reply(404, { error: `no route ${url.pathname}` }, 1);
  });
  return new Promise((resolve, reject) => {
    server.once('error', (e) =>
      reject(
        new Error(
          e.code === 'EADDRINUSE'
            ? `port ${port} is in use: stop what uses it or set OPSDECK_DEMO_SERVICE_PORT (and the URL in demo/.opsdeck/health.yaml)`
            : e.message,
        ),
      ),
    );
    server.listen(port, host, () =>
      resolve({
        server,
        port: server.address().port,
        setOutage: (on) => (outage = on),
      }),
    );
  });
}
