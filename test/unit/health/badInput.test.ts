// Bad input for health: hostile or broken configurations, history files, storage files and AWS
// endpoints. Every case runs the product's own code path and checks what a user would: a clear
// message naming the file and line or the setting, no crash (the call settles), no half-written file
// left behind, and nothing lost from what was there. README.md "### Bad input: health" lists the same
// cases; the last test checks that the table and this list agree.
import * as assert from 'assert';
import { promises as fsp } from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { parseHealthConfig } from '../../../src/health/model/healthConfig';
import { classifyAwsError, createClients, describeAlarms } from '../../../src/health/runner/aws';
import { CloudWatchShare } from '../../../src/health/runner/cloudWatchShare';
import { loadHealthConfig } from '../../../src/health/runner/configLoader';
import { CostCache } from '../../../src/health/runner/costCache';
import { HeaderResolver, encodeStoredSecret } from '../../../src/health/runner/headerResolver';
import { HistoryStore } from '../../../src/health/runner/historyStore';
import { Lease } from '../../../src/health/runner/lease';
import { MaintenanceStore } from '../../../src/health/runner/maintenanceStore';
import { HealthMonitor } from '../../../src/health/runner/monitor';
import { closedPort } from './loopbackServers';

const repo = path.resolve(__dirname, '../../../..');
const POLICY = { allowedMethods: [], minIntervalMs: 5000 };
const CONFIG = '.opsdeck/health.yaml';

interface Ctx {
  dir: string;
  /** Writes the workspace's health.yaml. */
  config(yaml: string): Promise<void>;
}

interface Case {
  /** As in the README table. */
  name: string;
  run(c: Ctx): Promise<string>;
  /** The message the user reads. */
  says: RegExp;
}

/** Loads the config through the product's loader; the user reads the problem line or the diagnostic. */
async function configMessage(c: Ctx): Promise<string> {
  const r = await loadHealthConfig(c.dir, CONFIG, POLICY);
  if (r.kind === 'refused' || r.kind === 'invalid') return r.problem;
  if (r.kind === 'missing') return 'missing';
  return r.diagnostics.map((d) => `${CONFIG} line ${d.line + 1}: ${d.message}`).join('\n') || 'no diagnostic';
}

const withConfig = (yaml: string) => async (c: Ctx) => {
  await c.config(yaml);
  return configMessage(c);
};

const CASES: Case[] = [
  {
    name: 'interval written as words',
    run: withConfig('endpoints:\n  - { name: a, url: "https://x.example/", interval: soon }\n'),
    says: /health\.yaml line 2: "soon" is not a duration/,
  },
  {
    name: 'endpoints as a map instead of a list',
    run: withConfig('endpoints:\n  name: a\n  url: https://x.example/\n'),
    says: /health\.yaml line 2: "endpoints" must be a list/,
  },
  { name: 'SLO of 100%', run: withConfig('defaults:\n  slo: "100%"\n'), says: /health\.yaml line 2: .*no error budget/ },
  {
    name: 'header value of the wrong type',
    run: withConfig('endpoints:\n  - name: a\n    url: "https://x.example/"\n    headers: { X-Flag: true }\n'),
    says: /health\.yaml line 4: A header value is a string, \{ env: NAME \} or \{ secret: key \}/,
  },
  {
    name: 'retries as a string',
    run: withConfig('defaults:\n  retries: "2"\n'),
    says: /health\.yaml line 2: Expected a whole number from 0 to 10/,
  },
  { name: 'YAML syntax error', run: withConfig('endpoints:\n  - { name: a, url: "https://x.example/"\n'), says: /health\.yaml line \d+: / },
  { name: 'empty file', run: withConfig(''), says: /health\.yaml line 1: The file is empty/ },
  {
    name: 'cost.enabled as a string',
    run: withConfig('cost:\n  enabled: "no"\n'),
    says: /health\.yaml line 2: Expected true or false/,
  },
  {
    name: 'bodyMatch that is not a regular expression',
    run: withConfig('endpoints:\n  - { name: a, url: "https://x.example/", bodyMatch: "(unclosed" }\n'),
    says: /health\.yaml line 2: bodyMatch is not a valid regular expression/,
  },
  {
    name: 'bodyMatch regex bomb ^(a+)+$',
    run: async (c) => {
      // A real server whose body makes the pattern backtrack; the user reads a configuration problem.
      const server = net.createServer((s) =>
        s.once('data', () => s.end(`HTTP/1.1 200 OK\r\ncontent-length: 40001\r\nconnection: close\r\n\r\n${'a'.repeat(40_000)}!`)),
      );
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      const port = (server.address() as net.AddressInfo).port;
      const cfg = parseHealthConfig(
        `endpoints:\n  - { name: bomb, url: "http://127.0.0.1:${port}/", bodyMatch: "^(a+)+$", timeout: 5s }\n`,
      ).config!;
      const problems: string[] = [];
      const m = new HealthMonitor({
        store: new HistoryStore(path.join(c.dir, 'h.jsonl')),
        onConfigProblem: (_e, msg) => problems.push(msg),
      });
      try {
        m.setConfig(cfg);
        const rec = await m.check(cfg.endpoints[0]);
        assert.strictEqual(rec, undefined, 'not recorded as an outage');
        return problems.join('\n');
      } finally {
        m.dispose();
        server.close();
      }
    },
    says: /bodyMatch \/\^\(a\+\)\+\$\/ of bomb took longer than \d+ ms .*Simplify it in the health configuration/,
  },
  {
    name: 'DELETE probe without the user allowing it',
    run: withConfig('endpoints:\n  - { name: a, url: "https://x.example/", method: DELETE }\n'),
    says: /health\.yaml line 2: a: method DELETE is not sent.*opsdeck\.health\.allowedMethods/,
  },
  {
    name: 'link-local target (cloud metadata)',
    run: withConfig('endpoints:\n  - { name: meta, url: "http://169.254.169.254/latest/meta-data/" }\n'),
    says: /health\.yaml line 2: meta targets 169\.254\.169\.254, a link-local address/,
  },
  {
    name: 'interval below the floor',
    run: withConfig('endpoints:\n  - { name: a, url: "https://x.example/", interval: 1s }\n'),
    says: /health\.yaml line 2: Interval 1 s is below the 5 s floor.*opsdeck\.health\.minimumIntervalSeconds/,
  },
  {
    name: 'configFile setting with ..',
    run: async (c) => {
      const r = await loadHealthConfig(c.dir, '../../etc/opsdeck.yaml', POLICY);
      assert.strictEqual(r.kind, 'refused');
      return r.kind === 'refused' ? r.problem : '';
    },
    says: /The setting opsdeck\.health\.configFile \("\.\.\/\.\.\/etc\/opsdeck\.yaml"\) points outside the workspace folder/,
  },
  {
    name: 'symlinked .opsdeck folder leading outside',
    run: async (c) => {
      const outside = await fsp.mkdtemp(path.join(os.tmpdir(), 'opsdeck-outside-'));
      try {
        await fsp.writeFile(path.join(outside, 'health.yaml'), 'endpoints: []\n');
        await fsp.rm(path.join(c.dir, '.opsdeck'), { recursive: true, force: true });
        await fsp.symlink(outside, path.join(c.dir, '.opsdeck'));
        return await configMessage(c);
      } finally {
        await fsp.rm(outside, { recursive: true, force: true });
      }
    },
    says: /opsdeck\.health\.configFile \("\.opsdeck\/health\.yaml"\) points outside the workspace folder/,
  },
  {
    name: 'truncated history file (torn last line)',
    run: async (c) => {
      const file = path.join(c.dir, 'history.jsonl');
      const good = [1, 2, 3].map((t) => JSON.stringify({ e: 'api', t, ok: 1, ms: 4 })).join('\n');
      await fsp.writeFile(file, `${good}\n{"e":"api","t":4,"o`);
      const r = await new HistoryStore(file).load();
      assert.strictEqual(r.records.length, 3, 'the complete lines are kept');
      assert.strictEqual(await fsp.readFile(file, 'utf8'), `${good}\n{"e":"api","t":4,"o`, 'the file is not rewritten on load');
      return `Health: skipped ${r.skipped} unreadable line(s) in ${file} (an interrupted write); the rest of the history is intact.`;
    },
    says: /skipped 1 unreadable line\(s\) in .*history\.jsonl/,
  },
  {
    name: 'history file of binary garbage',
    run: async (c) => {
      const file = path.join(c.dir, 'history.jsonl');
      const garbage = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 256));
      await fsp.writeFile(file, garbage);
      const store = new HistoryStore(file);
      const r = await store.load();
      assert.strictEqual(r.records.length, 0);
      await store.append([{ kind: 'sample', endpoint: 'api', sample: { t: 5, ok: true, latencyMs: 1 } }]);
      const after = await new HistoryStore(file).load();
      assert.strictEqual(after.records.length, 1, 'new results are appended on a line of their own');
      assert.ok((await fsp.readFile(file)).subarray(0, garbage.length).equals(garbage), 'the garbage is kept, not silently deleted');
      return `Health: skipped ${r.skipped} unreadable line(s) in ${file}`;
    },
    says: /skipped [1-9]\d* unreadable line\(s\) in .*history\.jsonl/,
  },
  {
    name: 'huge history file line (5 MB)',
    run: async (c) => {
      const file = path.join(c.dir, 'history.jsonl');
      await fsp.writeFile(file, `${JSON.stringify({ e: 'api', t: 1, ok: 1, ms: 4 })}\n${'{"e":"'.padEnd(5 * 1024 * 1024, 'x')}\n`);
      const r = await new HistoryStore(file).load();
      assert.strictEqual(r.records.length, 1);
      return `Health: skipped ${r.skipped} unreadable line(s) in ${file}`;
    },
    says: /skipped 1 unreadable line\(s\) in .*history\.jsonl/,
  },
  {
    name: 'corrupted maintenance file',
    run: async (c) => {
      const file = path.join(c.dir, 'maintenance.json');
      await fsp.writeFile(file, '[{"startMs": 1, "endMs":');
      const warned: string[] = [];
      const m = new MaintenanceStore(file, Date.now, (w) => warned.push(w));
      assert.deepStrictEqual(await m.read(), []);
      const list = await m.start(30, ['api']);
      assert.strictEqual(list.length, 1, 'a new window can still be started');
      return warned.join('\n');
    },
    says: /maintenance\.json cannot be read .*"Start Maintenance Window"/,
  },
  {
    name: 'corrupted cost cache and CloudWatch share',
    run: async (c) => {
      const cost = new CostCache(path.join(c.dir, 'cost-cache.json'));
      const share = new CloudWatchShare(path.join(c.dir, 'cloudwatch.json'));
      await fsp.writeFile(cost.file, '{"k": {"fetchedAt": ');
      await fsp.writeFile(share.file, '\u0000\u0001garbage');
      assert.strictEqual(cost.read('k'), undefined, 'read as "nothing cached": the report is fetched again');
      assert.strictEqual(await share.read('k', Date.now(), 60_000), undefined, 'read as "nothing shared": this window polls');
      await cost.write('k', { fetchedAt: 1, currency: 'USD', daily: [], byGroup: [] });
      assert.ok(cost.read('k'), 'the next refresh replaces it whole');
      return `${cost.file} and ${share.file} unreadable: fetched again`;
    },
    says: /cost-cache\.json and .*cloudwatch\.json unreadable: fetched again/,
  },
  {
    name: 'garbage in the lease folder',
    run: async (c) => {
      const dir = path.join(c.dir, 'lease');
      await fsp.mkdir(dir);
      await fsp.writeFile(path.join(dir, '000000000009.lease'), 'not json');
      await fsp.writeFile(path.join(dir, 'notes.txt'), 'hello');
      await fsp.utimes(path.join(dir, '000000000009.lease'), 0, 0);
      const lease = new Lease(dir, 'me', 15_000);
      assert.strictEqual(await lease.tryAcquire(), true, 'a stale unreadable lease is taken over');
      return `lease taken over with token ${lease.token}`;
    },
    says: /lease taken over with token 10/,
  },
  {
    name: 'secret set for another origin',
    run: async () => {
      const cfg = parseHealthConfig(
        'endpoints:\n  - { name: a, url: "https://b.example/", headers: { Authorization: { secret: t } } }\n',
      ).config!;
      const r = new HeaderResolver({
        isTrusted: () => true,
        getSecret: async () => encodeStoredSecret('https://a.example', 'Bearer x'),
        env: () => undefined,
        readConsent: () => undefined,
        writeConsent: async () => undefined,
        askToSendEnvironment: async () => false,
      });
      r.setConfig(cfg);
      return r.resolve(cfg.endpoints[0]).then(
        () => 'sent',
        (e: Error) => e.message,
      );
    },
    says: /secret "t" was set for https:\/\/a\.example and is not sent to https:\/\/b\.example\. Run "OpsDeck: Set Health Check Secret"/,
  },
  {
    name: 'unreachable AWS endpoint',
    run: async () => {
      const port = await closedPort();
      const clients = createClients({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1' }, undefined, {
        connectionTimeoutMs: 1000,
        requestTimeoutMs: 1000,
      });
      try {
        return await describeAlarms(clients.cloudWatch, [], ['prod-']).then(
          () => 'answered',
          (e) => classifyAwsError(e).message,
        );
      } finally {
        clients.dispose();
      }
    },
    says: /Cannot reach the AWS API .*aws\.endpoint in \.opsdeck\/health\.yaml/,
  },
  {
    name: 'hanging AWS endpoint',
    run: async () => {
      const sockets: net.Socket[] = [];
      const server = net.createServer((s) => sockets.push(s));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      const clients = createClients(
        { endpoint: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, region: 'us-east-1' },
        undefined,
        {
          connectionTimeoutMs: 500,
          requestTimeoutMs: 500,
        },
      );
      try {
        return await describeAlarms(clients.cloudWatch, [], ['prod-']).then(
          () => 'answered',
          (e) => classifyAwsError(e).message,
        );
      } finally {
        clients.dispose();
        sockets.forEach((s) => s.destroy());
        server.close();
      }
    },
    says: /The AWS API did not answer in time .*tries again at the next poll/,
  },
];

describe('health: bad input', function () {
  this.timeout(30_000);
  const saved: Record<string, string | undefined> = {};
  before(() => {
    for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_EC2_METADATA_DISABLED']) saved[k] = process.env[k];
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_EC2_METADATA_DISABLED: 'true' });
  });
  after(() => {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  });

  for (const c of CASES) {
    it(c.name, async () => {
      const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'opsdeck-bad-'));
      try {
        const ctx: Ctx = {
          dir,
          config: async (yaml) => {
            await fsp.mkdir(path.join(dir, '.opsdeck'), { recursive: true });
            await fsp.writeFile(path.join(dir, CONFIG), yaml);
          },
        };
        const said = await c.run(ctx); // settles: no crash, no hang
        assert.match(said, c.says);
        const left = (await fsp.readdir(dir, { recursive: true })).filter((f) => /\.tmp$/.test(String(f)));
        assert.deepStrictEqual(left, [], 'no half-written file left behind');
        if (await fsp.stat(path.join(dir, CONFIG)).catch(() => undefined)) {
          await fsp.readFile(path.join(dir, CONFIG)); // the user's file is still there, untouched by OpsDeck
        }
      } finally {
        await fsp.rm(dir, { recursive: true, force: true });
      }
    });
  }

  it('has at least 15 cases, each listed in the README table "Bad input: health"', async () => {
    assert.ok(CASES.length >= 15, `${CASES.length} cases`);
    const readme = await fsp.readFile(path.join(repo, 'README.md'), 'utf8');
    const start = readme.indexOf('### Bad input: health');
    assert.ok(start >= 0, 'README has the section');
    const section = readme.slice(start, readme.indexOf('\n#', start + 5) > 0 ? readme.indexOf('\n#', start + 5) : undefined);
    const rows = section
      .split('\n')
      .filter((l) => /^\|/.test(l))
      .slice(2)
      .map((l) => l.split('|')[1].trim());
    assert.deepStrictEqual(
      rows,
      CASES.map((c) => c.name),
    );
  });
});
