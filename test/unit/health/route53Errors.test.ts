// Route 53 bad input through the poller, against a real loopback HTTP server answering as Route 53
// does: throttling and expired credentials each give one clear message on the Route 53 line, and the
// CloudWatch side (and with it the local checks) is left alone.
import * as assert from 'assert';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { parseHealthConfig } from '../../../src/health/model/healthConfig';
import { AwsPoller } from '../../../src/health/runner/awsPoller';
import { CloudWatchShare } from '../../../src/health/runner/cloudWatchShare';

async function waitFor(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const ERRORS = {
  throttled: [400, 'Throttling', 'Rate exceeded'],
  expired: [403, 'ExpiredToken', 'The security token included in the request is expired'],
} as const;

describe('health: Route 53 errors give one clear message and leave the rest running', function () {
  this.timeout(60_000);
  for (const [mode, [status, code, message]] of Object.entries(ERRORS)) {
    it(`${mode}`, async () => {
      let route53Calls = 0;
      const server = http.createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          if (req.url?.startsWith('/2013-04-01/')) route53Calls++;
          res.writeHead(status, { 'content-type': 'text/xml' });
          res.end(
            `<?xml version="1.0"?><ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>1</RequestId></ErrorResponse>`,
          );
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (server.address() as AddressInfo).port;
      const cfg = parseHealthConfig(
        `alarms: { poll: 1s }\naws: { region: us-east-1, endpoint: "http://127.0.0.1:${port}" }\nendpoints:\n  - { name: web, url: "https://web.example.com/" }\n`,
      ).config!;
      const logs: string[] = [];
      let polls = 0;
      const poller = new AwsPoller(new CloudWatchShare(path.join(os.tmpdir(), `opsdeck-r53-${process.pid}-${mode}.json`)), {
        isTrusted: () => true,
        role: () => 'idle',
        resolveAws: (c) => ({ ...c.aws, profile: undefined }),
        lookbackDays: () => 1,
        log: (_l, m) => logs.push(m),
        changed: () => void polls++,
        showProblem: () => undefined,
        timeouts: { requestTimeoutMs: 5_000, connectionTimeoutMs: 5_000, pollDeadlineMs: 20_000 },
      });
      const env = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
      process.env.AWS_ACCESS_KEY_ID = 'testing';
      process.env.AWS_SECRET_ACCESS_KEY = 'testing';
      try {
        poller.apply(cfg);
        await waitFor(() => poller.route53Problem !== undefined, 'a Route 53 problem');
        assert.ok(route53Calls >= 1, 'Route 53 was asked');
        assert.match(
          poller.route53Problem!,
          mode === 'throttled'
            ? /^Route 53: AWS is throttling requests \(Throttling\)/
            : /^Route 53: AWS credentials from the default credential chain have expired/,
        );
        assert.match(poller.route53Problem!, /The local checks go on\.$/);
        assert.strictEqual(poller.problem, undefined, 'the CloudWatch side has no problem');
        assert.strictEqual(logs.filter((l) => /Route 53:/.test(l)).length, 1, 'one message for the poll');
      } finally {
        poller.dispose();
        server.close();
        process.env.AWS_ACCESS_KEY_ID = env.id;
        process.env.AWS_SECRET_ACCESS_KEY = env.secret;
        if (env.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
        if (env.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
      }
    });
  }
});
