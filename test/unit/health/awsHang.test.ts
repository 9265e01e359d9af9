// An AWS endpoint that accepts the connection and never answers (a proxy that hangs, a half-open
// network) must not stop the AWS polling: the SDK clients have connection and request timeouts, and
// each poll has an outer deadline. Against a real loopback TCP server that accepts and stays silent.
import * as assert from 'assert';
import * as net from 'net';
import { parseHealthConfig } from '../../../src/health/model/healthConfig';
import { createClients, describeAlarms } from '../../../src/health/runner/aws';
import { AwsPoller } from '../../../src/health/runner/awsPoller';
import { CloudWatchShare } from '../../../src/health/runner/cloudWatchShare';
import * as os from 'os';
import * as path from 'path';
import { waitFor } from './loopbackServers';

/** Accepts every connection and never writes a byte. */
async function silentServer(): Promise<{ port: number; accepted: () => number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((s) => {
    accepted++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    accepted: () => accepted,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

describe('health: a hanging AWS endpoint', function () {
  this.timeout(30_000);
  let silent: Awaited<ReturnType<typeof silentServer>>;
  const saved: Record<string, string | undefined> = {};
  before(() => {
    for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_EC2_METADATA_DISABLED']) saved[k] = process.env[k];
    process.env.AWS_ACCESS_KEY_ID = 'testing';
    process.env.AWS_SECRET_ACCESS_KEY = 'testing';
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
  });
  after(() => {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  });
  beforeEach(async () => {
    silent = await silentServer();
  });
  afterEach(async () => {
    await silent.close();
  });

  it('a call times out with a clear, classified error instead of waiting forever', async () => {
    const clients = createClients({ endpoint: `http://127.0.0.1:${silent.port}`, region: 'us-east-1' }, undefined, {
      requestTimeoutMs: 400,
      connectionTimeoutMs: 400,
    });
    try {
      const started = Date.now();
      await assert.rejects(describeAlarms(clients.cloudWatch, [], ['prod-']), (e: Error) => {
        assert.match(`${e.name} ${e.message}`, /timeout|timed out/i);
        return true;
      });
      assert.ok(Date.now() - started < 10_000, `gave up after ${Date.now() - started} ms`);
      assert.ok(silent.accepted() >= 1, 'the call did reach the silent server');
    } finally {
      clients.dispose();
    }
  });

  it('polling goes on: each poll ends by its deadline, says the endpoint does not answer, and the next one is scheduled', async () => {
    const cfg = parseHealthConfig(
      `alarms: { prefixes: [prod-], poll: 1s }\naws: { region: us-east-1, endpoint: "http://127.0.0.1:${silent.port}" }\n`,
    ).config!;
    const problems: string[] = [];
    let polls = 0;
    const poller = new AwsPoller(new CloudWatchShare(path.join(os.tmpdir(), `opsdeck-hang-${process.pid}.json`)), {
      isTrusted: () => true,
      role: () => 'idle',
      resolveAws: (c) => c.aws,
      lookbackDays: () => 1,
      log: () => undefined,
      changed: () => void polls++,
      showProblem: (m) => problems.push(m),
      timeouts: { requestTimeoutMs: 60_000, connectionTimeoutMs: 60_000, pollDeadlineMs: 700 },
    } as ConstructorParameters<typeof AwsPoller>[1]);
    try {
      poller.apply(cfg);
      await waitFor(() => polls >= 3, 'three polls ended', 20_000);
      assert.strictEqual(poller.problem?.kind, 'unreachable');
      assert.match(poller.problem!.message, /did not answer within/);
      assert.strictEqual(problems.length, 1, 'told once, not once per poll');
    } finally {
      poller.dispose();
    }
  });
});
