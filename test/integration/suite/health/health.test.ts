// Health, SLA and cost inside a real VS Code host: real loopback HTTP/TCP servers, a real moto server
// for CloudWatch and Cost Explorer, and the dashboard checked in the rig's real browser.
import * as assert from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { CloudWatchClient, PutMetricAlarmCommand, PutMetricDataCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { BudgetsClient, CreateBudgetCommand } from '@aws-sdk/client-budgets';
import { ChangeTagsForResourceCommand, CreateHealthCheckCommand, Route53Client } from '@aws-sdk/client-route-53';
import { click, domText, hasRig, screenshot, waitFor, webviewText } from '../../rig';
import { LoopbackHttp, LoopbackTcp, closedPort, selfSignedCertificate } from '../../../unit/health/loopbackServers';
import { startMoto, MOTO_CREDENTIALS, type MotoServer } from '../../../support/motoServer';
import type { HealthApi } from '../../../../src/health';
import { Lease } from '../../../../src/health/runner/lease';
import { formatMoney } from '../../../../src/health/model/statusText';

const DAY = 86_400_000;

function folder(): string {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'the rig opens a workspace folder');
  return f.uri.fsPath;
}

const configPath = () => path.join(folder(), '.opsdeck', 'health.yaml');

async function writeConfig(yaml: string): Promise<void> {
  fs.mkdirSync(path.dirname(configPath()), { recursive: true });
  fs.writeFileSync(configPath(), yaml);
  // The file watcher would pick it up too; the command makes the test independent of watcher latency.
  await vscode.commands.executeCommand('opsdeck.refreshHealth');
}

async function motoEndpoint(): Promise<{ endpoint: string; own?: MotoServer }> {
  if (process.env.OPSDECK_MOTO_ENDPOINT) return { endpoint: process.env.OPSDECK_MOTO_ENDPOINT };
  const tools = JSON.parse(fs.readFileSync(process.env.OPSDECK_TOOLS_JSON!, 'utf8')) as { moto?: { bin: string } };
  assert.ok(tools.moto?.bin, 'tools.json lists moto (node scripts/setup-tools.mjs moto)');
  const own = await startMoto(tools.moto.bin);
  return { endpoint: own.endpoint, own };
}

const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The extension host's log files (the OpsDeck output channel's among them), when the rig names their folder. */
function hostLogFiles(): string[] {
  const dir = process.env.OPSDECK_HOST_LOGS;
  if (!dir || !fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile() && e.name.endsWith('.log'))
    .map((e) => path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
}

/** The other window of the lease tests: a real Lease on the same lock folder, renewing while it "runs". */
let otherWindow: { lease: Lease; renewing: ReturnType<typeof setInterval> } | undefined;

/**
 * Another window takes the probe lease. A lock that is held cannot be taken, so this window first
 * looks hung to it (its lease file not renewed: its modification time set back), and the other window
 * takes over as it would from a hung window; then it renews, and this window becomes a reader.
 */
async function otherWindowTakesLease(api: HealthApi): Promise<void> {
  const dir = api.files().lease;
  const lease = new Lease(dir, 'other-window', 60_000);
  await waitFor('the other window holding the lease', async () => {
    for (const f of fs.readdirSync(dir)) fs.utimesSync(path.join(dir, f), 0, 0);
    return lease.tryAcquire();
  });
  otherWindow = { lease, renewing: setInterval(() => void lease.tryAcquire().catch(() => undefined), 200) };
  await waitFor('reader role', () => api.role() === 'reader', 10_000);
}

/** The other window closes (releasing the lease): this window probes again. */
async function otherWindowGoesAway(api: HealthApi): Promise<void> {
  if (otherWindow) {
    clearInterval(otherWindow.renewing);
    await otherWindow.lease.release();
    otherWindow = undefined;
  }
  await waitFor('prober again', () => api.role() === 'prober', 10_000);
}

describe('Health: checks, SLA, CloudWatch and cost in the extension host', function () {
  this.timeout(120_000);
  let api: HealthApi;
  let web: LoopbackHttp;
  let tcp: LoopbackTcp;
  let refused: number;
  let moto: { endpoint: string; own?: MotoServer };
  let awsDir: string;
  const ep = (name: string) => api.snapshot().endpoints.find((e) => e.name === name);

  before(async () => {
    const ext = vscode.extensions.getExtension<Record<string, unknown>>('opsdeck.opsdeck')!;
    const exports = await ext.activate();
    api = exports.health as HealthApi;
    assert.ok(api, 'ctx.api.health is exported');
    web = await new LoopbackHttp().start();
    tcp = await new LoopbackTcp().start();
    refused = await closedPort();
    moto = await motoEndpoint();
    await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
    // A profile of the standard credential chain, from a private credentials file.
    awsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-aws-'));
    fs.writeFileSync(
      path.join(awsDir, 'credentials'),
      `[opsdeck-test]\naws_access_key_id = ${MOTO_CREDENTIALS.accessKeyId}\naws_secret_access_key = ${MOTO_CREDENTIALS.secretAccessKey}\n`,
    );
    fs.writeFileSync(path.join(awsDir, 'config'), '[profile opsdeck-test]\nregion = us-east-1\n');
    process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(awsDir, 'credentials');
    process.env.AWS_CONFIG_FILE = path.join(awsDir, 'config');
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    await vscode.workspace.getConfiguration('opsdeck.health').update('leaseSeconds', 1, vscode.ConfigurationTarget.Workspace);
    // The tests check every 200 ms; the floor (5 s by default) is a user setting, so the user lowers it.
    await vscode.workspace.getConfiguration('opsdeck.health').update('minimumIntervalSeconds', 0.1, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    fs.rmSync(configPath(), { force: true });
    await vscode.commands.executeCommand('opsdeck.refreshHealth');
    await vscode.workspace.getConfiguration('opsdeck.health').update('leaseSeconds', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.workspace
      .getConfiguration('opsdeck.health')
      .update('minimumIntervalSeconds', undefined, vscode.ConfigurationTarget.Global);
    await web?.stop();
    await tcp?.stop();
    await moto?.own?.stop();
  });

  it('shows nothing but the welcome view while there is no configuration', async () => {
    fs.rmSync(configPath(), { force: true });
    await vscode.commands.executeCommand('opsdeck.refreshHealth');
    const s = api.snapshot();
    assert.strictEqual(s.configFile, undefined);
    assert.deepStrictEqual(s.endpoints, []);
    assert.strictEqual(api.statusBar().visible, false);
    if (hasRig()) {
      await vscode.commands.executeCommand('workbench.view.extension.opsdeck');
      await waitFor('the Health welcome view', async () =>
        (await domText('.welcome-view-content')).includes('No health checks are configured'),
      );
      await screenshot('health-welcome-view');
    }
  });

  it('detects an endpoint going down, notifies, and notices the recovery', async () => {
    await writeConfig(`
defaults: { interval: 200ms, timeout: 300ms, failureThreshold: 2, retries: 0, slo: 99.9 }
endpoints:
  - { name: web, url: "${web.url}", bodyMatch: '"ok"' }
  - { name: db, tcp: "127.0.0.1:${tcp.port}" }
  - { name: gone, tcp: "127.0.0.1:${refused}" }
`);
    await waitFor(
      'web and db up, gone down',
      () => ep('web')?.status === 'up' && ep('db')?.status === 'up' && ep('gone')?.status === 'down',
    );
    assert.match(ep('gone')!.lastCheck!.error!, /connection refused/);
    await waitFor('status bar text', () => api.statusBar().text.includes('1 down'));
    if (hasRig()) {
      await vscode.commands.executeCommand('workbench.view.extension.opsdeck');
      const rows = await waitFor('endpoints in the Health tree', async () => {
        const t = await domText('.monaco-list-row');
        return /gone[\s\S]*down/.test(t) && t.includes('web') ? t : undefined;
      });
      assert.match(rows, /db\s*up · 100%/);
      await screenshot('health-tree');
    }
    assert.strictEqual(api.statusBar().background, 'statusBarItem.errorBackground');

    web.mode = 'failing';
    const downNote = await waitFor('a "down" notification for web', () =>
      api.notifications().find((n) => n.kind === 'down' && n.endpoint === 'web'),
    );
    assert.strictEqual(downNote.shown, true, 'shown to the user (this window probes, not muted)');
    assert.match(downNote.message, /web is DOWN: HTTP 503/);
    assert.strictEqual(ep('web')!.status, 'down');
    web.mode = 'healthy';
    const rec = await waitFor('a recovery notification', () =>
      api.notifications().find((n) => n.kind === 'recovered' && n.endpoint === 'web'),
    );
    assert.match(rec.message, /web recovered after/);
    const w = ep('web')!.sla.windows.find((x) => x.window === '1h')!;
    assert.ok(w.failed >= 2 && w.ok >= 1, `1 h window counts failures and successes: ${JSON.stringify(w)}`);
    assert.strictEqual(w.availability, w.ok / (w.ok + w.failed));
  });

  it('puts a diagnostic on the bad line of a malformed config and keeps running the last good one', async () => {
    const before = ep('web')!.lastCheck!.t;
    fs.writeFileSync(configPath(), `endpoints:\n  - name: web\n    url: "${web.url}"\n    timeout: soon\n`);
    await vscode.commands.executeCommand('opsdeck.refreshHealth');
    const uri = vscode.Uri.file(configPath());
    const diags = await waitFor('a diagnostic', () => {
      const d = vscode.languages.getDiagnostics(uri);
      return d.length ? d : undefined;
    });
    assert.strictEqual(diags[0].range.start.line, 3);
    assert.match(diags[0].message, /not a duration/);
    assert.match(api.snapshot().configProblem ?? '', /line 4: .*still running the last good configuration/);
    await waitFor('checks continue with the last good config', () => (ep('web')?.lastCheck?.t ?? 0) > before && ep('gone') !== undefined);
  });

  it('hands probing to another window holding the lease, reads its history, skips a torn line, and takes over when it goes stale', async () => {
    await writeConfig(`
defaults: { interval: 200ms, timeout: 300ms, failureThreshold: 2, retries: 0 }
endpoints:
  - { name: web, url: "${web.url}" }
`);
    await waitFor('prober role', () => api.role() === 'prober');
    const files = api.files();
    // Another window takes the lease ...
    await otherWindowTakesLease(api);
    const counted = ep('web')!.sla.windows[0].ok + ep('web')!.sla.windows[0].failed;
    const requests = web.requests;
    // ... and writes results, the last line torn by a crash.
    const t = Date.now();
    fs.appendFileSync(
      files.history,
      `${JSON.stringify({ e: 'web', t, ok: 0, ms: 3, err: 'HTTP 500 from the other window' })}\n${JSON.stringify({ e: 'web', t: t + 1, ok: 0, ms: 3, err: 'HTTP 500 from the other window' })}\n{"e":"web","t":`,
    );
    await waitFor("the other window's results", () => ep('web')!.lastCheck?.error === 'HTTP 500 from the other window');
    const w = ep('web')!.sla.windows[0];
    assert.strictEqual(w.ok + w.failed, counted + 2, 'exactly the two complete lines were read');
    assert.strictEqual(web.requests, requests, 'a reader window does not hit the endpoints');
    assert.strictEqual(api.snapshot().role, 'reader');
    // The other window goes away: this window takes over, reloading the whole history (as after a
    // restart) with the torn line skipped.
    await otherWindowGoesAway(api);
    assert.ok(api.snapshot().historySkippedLines >= 1, 'the torn line is skipped, not the file');
    await waitFor('probing resumes', () => web.requests > requests && ep('web')!.status === 'up');
    const after = ep('web')!.sla.windows[0];
    assert.ok(after.failed >= w.failed, 'history survived the reload');
  });

  it('does not count checks inside a maintenance window started from the command, and shows them', async () => {
    await waitFor('web up', () => ep('web')?.status === 'up');
    const downsBefore = api.notifications().filter((n) => n.kind === 'down').length;
    await vscode.commands.executeCommand('opsdeck.startMaintenance', 1, ['web']);
    web.mode = 'failing';
    await waitFor('maintenance state', () => ep('web')?.status === 'maintenance');
    const start = ep('web')!.sla.windows[0];
    await waitFor('excluded checks recorded', () => ep('web')!.sla.windows[0].excluded >= start.excluded + 3);
    const during = ep('web')!.sla.windows[0];
    assert.strictEqual(during.failed, start.failed, 'failures inside maintenance do not count');
    assert.strictEqual(api.notifications().filter((n) => n.kind === 'down').length, downsBefore, 'no alarm during maintenance');
    assert.strictEqual(api.snapshot().maintenance.length, 1);
    await vscode.commands.executeCommand('opsdeck.endMaintenance');
    await waitFor('down after maintenance ends', () => ep('web')?.status === 'down');
    web.mode = 'healthy';
    await waitFor('web up again', () => ep('web')?.status === 'up');
  });

  it('sends a secret only to the https origin it was set for, an environment value once the user allows the origin, and says which one is missing', async function () {
    const tls = selfSignedCertificate();
    if (!tls || !hasRig()) this.skip(); // the user's answer is a click in the real workbench
    const secure = await new LoopbackHttp(tls).start();
    const origin = new URL(secure.url).origin;
    const plainHeaders: string[] = [];
    web.onRequest = (req) => plainHeaders.push(JSON.stringify(req.headers));
    const health = vscode.workspace.getConfiguration('opsdeck.health');
    await health.update('notifications', false, vscode.ConfigurationTarget.Workspace); // only the question pops up
    try {
      // Earlier tests' error toasts stay until closed and would keep the question out of sight.
      await vscode.commands.executeCommand('notifications.clearAll');
      await vscode.commands.executeCommand('opsdeck.forgetHealthHeaderAnswers');
      await vscode.commands.executeCommand('notifications.clearAll');
      await vscode.commands.executeCommand('opsdeck.setHealthSecret', 'api-token', 'Bearer s3cret-value', origin);
      process.env.OPSDECK_TEST_HEADER = 'from-env';
      // Not awaited: "Reload" checks at once, and that check waits for the user's answer below.
      const reloaded = writeConfig(`
defaults: { interval: 200ms, timeout: 300ms, failureThreshold: 2, retries: 0 }
endpoints:
  - name: secure
    url: "${secure.url}"
    insecureTls: true
    headers: { Authorization: { secret: api-token }, X-Env: { env: OPSDECK_TEST_HEADER } }
  - name: plain
    url: "${web.url}"
    headers: { Authorization: { secret: api-token } }
  - name: locked
    url: "${secure.url}"
    insecureTls: true
    headers: { Authorization: { secret: never-set } }
`);
      // The environment value waits for the user: OpsDeck asks once for the origin.
      // Read in the notification centre: a toast may be held back when earlier tests left others behind.
      const question = await waitFor('the question about sending OPSDECK_TEST_HEADER', async () => {
        await vscode.commands.executeCommand('notifications.showList');
        const t = await domText('.notifications-center .notification-list-item');
        return t.includes('OPSDECK_TEST_HEADER') ? t : undefined;
      }).catch(async (e: Error) => {
        await screenshot('health-header-question-missing');
        throw e;
      });
      await screenshot('health-header-question');
      assert.ok(question.includes(origin), question);
      assert.strictEqual(secure.lastHeaders['x-env'], undefined, 'nothing was sent before the answer');
      await click('.notifications-center .notification-list-item .monaco-button:text-is("Allow")');
      await vscode.commands.executeCommand('notifications.hideList');
      await reloaded;
      await waitFor(
        'headers received over https',
        () => secure.lastHeaders.authorization === 'Bearer s3cret-value' && secure.lastHeaders['x-env'] === 'from-env',
      );
      const plain = await waitFor('the plain-http endpoint refused the secret', () =>
        ep('plain')?.status === 'down' ? ep('plain') : undefined,
      );
      assert.match(plain.lastCheck!.error!, /secret \("api-token"\), which OpsDeck sends only over https/);
      assert.ok(!plainHeaders.some((h) => h.includes('s3cret')), 'the secret never reached the http origin');
      const locked = await waitFor('the endpoint without its secret fails', () =>
        ep('locked')?.status === 'down' ? ep('locked') : undefined,
      );
      assert.match(locked.lastCheck!.error!, /secret "never-set" is not set \(run "OpsDeck: Set Health Check Secret"\)/);
      assert.ok(!JSON.stringify(api.snapshot()).includes('s3cret-value'), 'the secret is not in the model the views render');
      assert.ok(!JSON.stringify(api.notifications()).includes('s3cret-value'));
      assert.ok(!fs.readFileSync(configPath(), 'utf8').includes('s3cret-value'));
      for (const f of hostLogFiles()) assert.ok(!fs.readFileSync(f, 'utf8').includes('s3cret-value'), `the secret is in ${f}`);
    } finally {
      web.onRequest = undefined;
      await health.update('notifications', undefined, vscode.ConfigurationTarget.Workspace);
      await secure.stop();
    }
  });

  it('shows CloudWatch alarms, metrics with a capacity forecast, and cost from moto; one message for missing credentials', async () => {
    const cw = new CloudWatchClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS });
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: 'prod-api-5xx',
        Namespace: 'OpsDeck/Test',
        MetricName: 'Errors',
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 5,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: 'prod-db-cpu',
        Namespace: 'OpsDeck/Test',
        MetricName: 'CPU',
        Statistic: 'Average',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 90,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
    await cw.send(
      new SetAlarmStateCommand({ AlarmName: 'prod-api-5xx', StateValue: 'ALARM', StateReason: 'Threshold crossed: 12 errors (test)' }),
    );
    await cw.send(new SetAlarmStateCommand({ AlarmName: 'prod-db-cpu', StateValue: 'OK', StateReason: 'fine' }));
    // Disk use rising 2 points a day for six days (hourly data): 85% is about 11.5 days past the last point.
    const now = Date.now();
    const data = [];
    for (let h = 6 * 24; h >= 0; h--)
      data.push({
        MetricName: 'DiskUsedPercent',
        Dimensions: [{ Name: 'Volume', Value: 'data' }],
        Timestamp: new Date(now - h * 3_600_000),
        Value: 62 - (2 * h) / 24,
        Unit: 'Percent' as const,
      });
    for (let i = 0; i < data.length; i += 20)
      await cw.send(new PutMetricDataCommand({ Namespace: 'OpsDeck/Test', MetricData: data.slice(i, i + 20) }));
    cw.destroy();

    // Cost Explorer results, queued in the order OpsDeck asks: daily by service, then this month by stack tag.
    const days: string[] = [];
    for (let t = now - 30 * DAY; ymd(t) <= ymd(now); t += DAY) days.push(ymd(t));
    const daily = days.map((d) => ({
      TimePeriod: { Start: d, End: ymd(Date.parse(`${d}T00:00:00Z`) + DAY) },
      Total: {},
      Groups: [
        { Keys: ['Amazon Elastic Compute Cloud - Compute'], Metrics: { UnblendedCost: { Amount: '10.50', Unit: 'USD' } } },
        { Keys: ['Amazon Simple Storage Service'], Metrics: { UnblendedCost: { Amount: '2.25', Unit: 'USD' } } },
      ],
      Estimated: false,
    }));
    const monthPrefix = ymd(now).slice(0, 8);
    const expectedMtd = days.filter((d) => d.startsWith(monthPrefix)).length * 12.75;
    const byTag = [
      {
        TimePeriod: { Start: `${monthPrefix}01`, End: ymd(now + DAY) },
        Total: {},
        Groups: [
          { Keys: ['pulumi:stack$prod'], Metrics: { UnblendedCost: { Amount: String(expectedMtd * 0.7), Unit: 'USD' } } },
          // Shares of the month to date, so the order holds on the 1st too (one day of spend: $12.75).
          { Keys: ['pulumi:stack$dev'], Metrics: { UnblendedCost: { Amount: String(expectedMtd * 0.3), Unit: 'USD' } } },
        ],
        Estimated: false,
      },
    ];
    const q = await fetch(`${moto.endpoint}/moto-api/static/ce/cost-and-usage-results`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ results: [{ ResultsByTime: daily }, { ResultsByTime: byTag }] }),
    });
    assert.strictEqual(q.status, 201);

    await writeConfig(`
defaults: { interval: 500ms, timeout: 300ms, failureThreshold: 2, retries: 0 }
endpoints:
  - { name: web, url: "${web.url}" }
alarms:
  prefixes: [prod-]
  poll: 1s
metrics:
  - { id: disk, label: Disk used, namespace: OpsDeck/Test, name: DiskUsedPercent, dimensions: { Volume: data }, stat: Average, period: 1h, threshold: 85, unit: Percent }
aws:
  region: us-east-1
  profile: opsdeck-test
  endpoint: ${moto.endpoint}
cost:
  budget: 300
  stackTag: pulumi:stack
`);
    const alarms = await waitFor('alarms from moto', () => {
      const a = api.snapshot().alarms;
      return a.length === 2 ? a : undefined;
    });
    assert.deepStrictEqual(
      alarms.map((a) => [a.name, a.state]),
      [
        ['prod-api-5xx', 'ALARM'],
        ['prod-db-cpu', 'OK'],
      ],
    );
    assert.match(alarms[0].reason ?? '', /12 errors/);
    const disk = await waitFor('metric points', () => api.snapshot().metrics.find((m) => m.id === 'disk' && m.points.length > 100));
    assert.ok(disk.forecast && disk.forecast.daysToThreshold! > 10 && disk.forecast.daysToThreshold! < 13, JSON.stringify(disk.forecast));
    assert.match(disk.forecast!.text, /^Disk used reaches 85% in 1[12] days$/);

    await vscode.commands.executeCommand('opsdeck.refreshCost');
    const cost = await waitFor('cost from Cost Explorer', () => api.snapshot().cost);
    assert.ok(Math.abs(cost.monthToDate - expectedMtd) < 1e-6, `MTD ${cost.monthToDate} vs ${expectedMtd}`);
    assert.deepStrictEqual(
      cost.byService.map((s) => s.name),
      ['Amazon Elastic Compute Cloud - Compute', 'Amazon Simple Storage Service'],
    );
    const daysInMonth = new Date(Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth() + 1, 0)).getUTCDate();
    assert.ok(Math.abs(cost.forecastMonthEnd - 12.75 * daysInMonth) < 0.01, `forecast ${cost.forecastMonthEnd}`);
    assert.strictEqual(cost.budgetAtRisk, 12.75 * daysInMonth > 300);
    assert.deepStrictEqual(
      cost.byStack?.map((s) => s.stack),
      ['prod', 'dev'],
    );
    if (cost.budgetAtRisk) {
      const warn = api.notifications().filter((n) => n.kind === 'budget');
      assert.strictEqual(warn.length, 1, 'one budget warning');
      assert.match(warn[0].message, /over the \$300 budget/);
    }
    await waitFor(
      'status bar with alarm and cost',
      () => api.statusBar().text.includes('1 alarm') && api.statusBar().text.includes(`${formatMoney(expectedMtd)} MTD`),
    );
    assert.strictEqual(api.statusBar().background, 'statusBarItem.errorBackground', 'a firing alarm turns the item red');

    // Expired or missing credentials: one clear message, not one per poll.
    const before = api.notifications().filter((n) => n.kind === 'aws').length;
    await writeConfig(fs.readFileSync(configPath(), 'utf8').replace('profile: opsdeck-test', 'profile: opsdeck-missing'));
    await waitFor('a credentials problem', () => api.snapshot().awsProblem?.kind === 'credentials');
    await new Promise((r) => setTimeout(r, 3000)); // three more polls at 1 s
    const msgs = api
      .notifications()
      .filter((n) => n.kind === 'aws')
      .slice(before);
    assert.strictEqual(msgs.length, 1, msgs.map((m) => m.message).join('\n'));
    assert.match(msgs[0].message, /No AWS credentials found for profile "opsdeck-missing"/);
  });

  it("a reader window shows the prober window's CloudWatch results instead of calling AWS, and calls AWS again once it probes", async () => {
    const cw = new CloudWatchClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS });
    const setDbCpu = (StateValue: 'OK' | 'ALARM', StateReason: string) =>
      cw.send(new SetAlarmStateCommand({ AlarmName: 'prod-db-cpu', StateValue, StateReason }));
    const dbCpu = () => api.snapshot().alarms.find((a) => a.name === 'prod-db-cpu');
    const previousConfig = fs.readFileSync(configPath(), 'utf8'); // the next test goes on from it
    try {
      // A reason only this test's AWS state has: results carrying it were read from AWS with this config.
      const marker = `fine (${Date.now()})`;
      await setDbCpu('OK', marker);
      await writeConfig(`
defaults: { interval: 500ms, timeout: 300ms, failureThreshold: 2, retries: 0 }
endpoints:
  - { name: web, url: "${web.url}" }
alarms:
  prefixes: [prod-]
  poll: 1s
aws:
  region: us-east-1
  profile: opsdeck-test
  endpoint: ${moto.endpoint}
`);
      await waitFor('prober role', () => api.role() === 'prober');
      await waitFor('alarms from moto', () => dbCpu()?.reason === marker);
      // The prober shares what it read with the other windows.
      const files = api.files();
      const shared = await waitFor('the shared CloudWatch file', () => {
        try {
          const e = JSON.parse(fs.readFileSync(files.cloudWatch, 'utf8'));
          return e.alarms?.length === 2 && e.alarms[1].reason === marker ? e : undefined;
        } catch {
          return undefined;
        }
      });
      assert.deepStrictEqual(
        shared.alarms.map((a: { name: string; state: string }) => [a.name, a.state]),
        [
          ['prod-api-5xx', 'ALARM'],
          ['prod-db-cpu', 'OK'],
        ],
      );

      // Another window takes the lease ...
      await otherWindowTakesLease(api);
      await new Promise((r) => setTimeout(r, 1500)); // a poll of this window still in flight as it turned reader has ended
      // ... and shares what it read; meanwhile AWS changes, which only a window calling AWS would see.
      fs.writeFileSync(
        files.cloudWatch,
        JSON.stringify({
          ...shared,
          at: Date.now(),
          alarmsAsOf: Date.now(),
          alarms: [{ ...shared.alarms[1], state: 'INSUFFICIENT_DATA', reason: 'read by the other window' }],
        }),
      );
      await setDbCpu('ALARM', 'only AWS knows');
      await waitFor(
        "the other window's alarms",
        () => api.snapshot().alarms.length === 1 && dbCpu()?.reason === 'read by the other window',
      );
      await new Promise((r) => setTimeout(r, 3000)); // three of this window's 1 s polls
      assert.deepStrictEqual(
        api.snapshot().alarms.map((a) => [a.name, a.state, a.reason]),
        [['prod-db-cpu', 'INSUFFICIENT_DATA', 'read by the other window']],
        "a reader does not call AWS while the prober's results are fresh",
      );

      // The other window goes away: this window probes again and reads AWS itself.
      await otherWindowGoesAway(api);
      await waitFor('alarms from AWS again', () => dbCpu()?.reason === 'only AWS knows' && api.snapshot().alarms.length === 2);
      assert.strictEqual(dbCpu()!.state, 'ALARM');
    } finally {
      await setDbCpu('OK', 'fine');
      cw.destroy();
      await writeConfig(previousConfig);
    }
  });

  it('renders the dashboard in the real browser in light, dark and high-contrast themes', async function () {
    if (!hasRig()) this.skip();
    // A long interval keeps the figures still while the browser reads them.
    await writeConfig(
      fs
        .readFileSync(configPath(), 'utf8')
        .replace('profile: opsdeck-missing', 'profile: opsdeck-test')
        .replace('interval: 500ms', 'interval: 1h'),
    );
    await waitFor('cost loaded (from the shared cache)', () => api.snapshot().cost && !api.snapshot().awsProblem);
    await vscode.commands.executeCommand('opsdeck.openHealthDashboard');
    await waitFor('dashboard rendered', () => (api.dashboard().lastRendered as { costShown?: boolean } | undefined)?.costShown);
    // Hidden behind another editor and shown again: the webview is rebuilt and restores its saved state.
    const restoredBefore = api.dashboard().restoredRenders;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(folder(), 'README.md')));
    await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.Active });
    await vscode.commands.executeCommand('opsdeck.openHealthDashboard');
    await waitFor('the dashboard restored from its saved state', () => api.dashboard().restoredRenders > restoredBefore);
    await waitFor(
      'then refreshed with live data',
      () => (api.dashboard().lastRendered as { restored?: boolean } | undefined)?.restored === false,
    );
    const wb = vscode.workspace.getConfiguration('workbench');
    const original = wb.inspect('colorTheme')?.globalValue;
    try {
      for (const [theme, kind] of [
        ['Default Light Modern', 'light'],
        ['Default Dark Modern', 'dark'],
        ['Default High Contrast', 'high-contrast'],
      ] as const) {
        await wb.update('colorTheme', theme, vscode.ConfigurationTarget.Global);
        await waitFor(
          `dashboard re-rendered for ${theme}`,
          () => (api.dashboard().lastRendered as { theme?: string } | undefined)?.theme === kind,
        );
        const slug = kind;
        await vscode.commands.executeCommand('notifications.clearAll'); // toasts would cover the dashboard
        const shot = await screenshot(`health-dashboard-${slug}`);
        assert.ok(fs.statSync(shot).size > 10_000, 'a real screenshot');
        const s = api.snapshot();
        const web1h = s.endpoints.find((e) => e.name === 'web')!.sla.windows[0];
        // The figure the dashboard shows equals the model's availability, formatted as the status bar does.
        const pct = web1h.availability === 1 ? '100%' : `${(Math.floor(web1h.availability! * 10000) / 100).toFixed(2)}%`;
        let text = '';
        await waitFor(
          `availability ${pct} on screen`,
          async () => (text = await webviewText(`health-dashboard-${slug}`)).includes(pct),
          30_000,
        ).catch(() => assert.fail(`availability ${pct} not in:\n${text}`));
        assert.match(text, /OpsDeck Health/);
        assert.ok(text.includes('web'), 'endpoint row');
        assert.ok(
          text.includes(formatMoney(s.cost!.monthToDate, 'USD', 2)),
          `cost ${formatMoney(s.cost!.monthToDate, 'USD', 2)} in:\n${text}`,
        );
        assert.match(text, /prod-api-5xx\s+ALARM/);
        assert.match(text, /Disk used reaches 85% in 1[12] days/);
        assert.match(text, /Amazon Simple Storage Service/);
      }
    } finally {
      await wb.update('colorTheme', original, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  it('issue 13: Route 53 SLA of record beside the local one, per-region checkers, and AWS Budgets deciding the warning (moto)', async () => {
    const common = { endpoint: moto.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS };
    // A check tagged for the endpoint "web", and its HealthCheckStatus history: the last 60 minutes,
    // minute 20 failed, minutes 40..44 missing (not observed).
    const r53 = new Route53Client(common);
    const c = await r53.send(
      new CreateHealthCheckCommand({
        CallerReference: `web-${Date.now()}`,
        HealthCheckConfig: { Type: 'HTTPS', FullyQualifiedDomainName: 'web.example.com', Port: 443, ResourcePath: '/' },
      }),
    );
    const id = c.HealthCheck!.Id!;
    await r53.send(
      new ChangeTagsForResourceCommand({
        ResourceType: 'healthcheck',
        ResourceId: id,
        AddTags: [{ Key: 'opsdeck:endpoint', Value: 'web' }],
      }),
    );
    r53.destroy();
    const cw = new CloudWatchClient(common);
    const now = Math.floor(Date.now() / 60_000) * 60_000;
    const minutes = [];
    for (let m = 60; m >= 1; m--)
      if (!(60 - m >= 40 && 60 - m < 45))
        minutes.push({
          MetricName: 'HealthCheckStatus',
          Dimensions: [{ Name: 'HealthCheckId', Value: id }],
          Timestamp: new Date(now - m * 60_000),
          Value: 60 - m === 20 ? 0 : 1,
        });
    await cw.send(new PutMetricDataCommand({ Namespace: 'AWS/Route53', MetricData: minutes }));
    cw.destroy();
    // Budgets whose CalculatedSpend holds actual and forecasted spend (moto answers with what it was given).
    const budgets = new BudgetsClient(common);
    for (const [name, limit, actual, forecast] of [
      ['team-prod', '500', '420', '610'],
      ['team-dev', '200', '50', '120'],
      ['other', '1', '5', '9'],
    ])
      await budgets.send(
        new CreateBudgetCommand({
          AccountId: '123456789012',
          Budget: {
            BudgetName: name,
            BudgetType: 'COST',
            TimeUnit: 'MONTHLY',
            BudgetLimit: { Amount: limit, Unit: 'USD' },
            CalculatedSpend: { ActualSpend: { Amount: actual, Unit: 'USD' }, ForecastedSpend: { Amount: forecast, Unit: 'USD' } },
          },
        }),
      );
    budgets.destroy();
    await writeConfig(`
defaults: { interval: 500ms, timeout: 300ms, failureThreshold: 2, retries: 0 }
endpoints:
  - { name: web, url: "${web.url}" }
alarms: { poll: 1s }
aws:
  region: us-east-1
  profile: opsdeck-test
  endpoint: ${moto.endpoint}
cost:
  budget: 100000
  budgets: [team-]
`);
    await vscode.commands.executeCommand('opsdeck.refreshCost');
    const r = await waitFor('Route 53 figures for web', () => ep('web')?.route53, 30_000);
    assert.strictEqual(r.checkId, id);
    assert.strictEqual(ep('web')!.slaOfRecord, 'route53');
    // By hand: 55 observed minutes, 1 failed; the gap counts neither way.
    const d24 = r.sla.windows.find((w) => w.window === '24h')!;
    assert.deepStrictEqual([d24.ok, d24.failed], [54, 1]);
    // moto's GetHealthCheckStatus answers one fixed observation (us-east-1, HTTP 200) whatever the
    // history says: the per-region display is checked against that one.
    assert.deepStrictEqual(
      r.observations.map((o) => [o.region, o.status]),
      [['us-east-1', 'Success: HTTP Status Code: 200. Resolved IP: 127.0.13.37. OK']],
    );
    const cost = await waitFor('team budgets', () => api.snapshot().cost?.teamBudgets, 30_000);
    assert.deepStrictEqual(
      cost.map((b) => [b.name, b.atRisk]),
      [
        ['team-dev', false],
        ['team-prod', true],
      ],
    );
    // The team budget decides, though the local budget (100,000) is far away.
    assert.strictEqual(api.snapshot().cost!.budgetAtRisk, true);
    // The status bar shows the SLA of record (Route 53: 54/55) and is yellow (the budget, and the
    // Route 53 burn-rate ticket alert: 1 failed minute in 55 is 18× the 99.9% SLO's rate).
    await waitFor(
      'status bar with the Route 53 figure and the budget warning',
      () => {
        const b = api.statusBar();
        return /98\.18%/.test(b.text) && b.background === 'statusBarItem.warningBackground';
      },
      30_000,
    ).catch(() => assert.fail(`status bar: ${JSON.stringify(api.statusBar())}`));
    // The dashboard shows both figures side by side (the README's screenshot of the Route 53 section).
    await vscode.commands.executeCommand('opsdeck.openHealthDashboard');
    await vscode.commands.executeCommand('notifications.clearAll'); // toasts would cover the dashboard
    let text = '';
    await waitFor('the Route 53 row beside the local one on the dashboard', async () => {
      text = await webviewText('health-route53-side-by-side');
      return /Route 53/.test(text) && text.includes('98.18%');
    }).catch(() => assert.fail(`dashboard text:\n${text}`));
    const shot = await screenshot('health-route53-side-by-side');
    assert.ok(fs.statSync(shot).size > 10_000, 'a real screenshot');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('issue 13: Route 53 throttling is one clear line in the Health view and on the dashboard, while CloudWatch and the local check go on', async () => {
    // A loopback server in front of moto: every Route 53 call (/2013-04-01/…) gets the throttling error
    // as Route 53 sends it; everything else (CloudWatch, Budgets) passes through to moto. The real SDK
    // clients run up to the network boundary.
    let route53Calls = 0;
    const upstream = new URL(moto.endpoint);
    const awsFront = http.createServer((req, res) => {
      if (req.url?.startsWith('/2013-04-01/')) {
        route53Calls++;
        req.resume();
        req.on('end', () => {
          res.writeHead(400, { 'content-type': 'text/xml' });
          res.end(
            '<?xml version="1.0"?><ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>1</RequestId></ErrorResponse>',
          );
        });
        return;
      }
      const pass = http.request(
        { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      pass.on('error', () => res.writeHead(502).end());
      req.pipe(pass);
    });
    await new Promise<void>((r) => awsFront.listen(0, '127.0.0.1', r));
    const front = `http://127.0.0.1:${(awsFront.address() as AddressInfo).port}`;
    try {
      await writeConfig(`
defaults: { interval: 500ms, timeout: 300ms, failureThreshold: 2, retries: 0 }
endpoints:
  - { name: web, url: "${web.url}" }
alarms: { poll: 1s }
aws:
  region: us-east-1
  profile: opsdeck-test
  endpoint: ${front}
`);
      const problem = await waitFor('the Route 53 problem', () => api.snapshot().route53Problem, 30_000);
      assert.ok(route53Calls >= 1, 'Route 53 was asked, through the loopback server');
      assert.match(problem, /^Route 53: AWS is throttling requests \(Throttling\); OpsDeck is backing off\. The local checks go on/);
      // CloudWatch went to moto through the same front and has no problem: only Route 53's line.
      assert.strictEqual(api.snapshot().awsProblem, undefined, JSON.stringify(api.snapshot().awsProblem));
      // The local check keeps running and stays up.
      const before = ep('web')!.lastCheck!.t;
      await waitFor('web checked again, up', () => (ep('web')!.lastCheck?.t ?? 0) > before && ep('web')!.status === 'up', 10_000);
      if (hasRig()) {
        // What the user sees: one line at the top of the Health view, and one notice on the dashboard.
        await vscode.commands.executeCommand('workbench.view.extension.opsdeck');
        const rows = await waitFor('the Route 53 line in the Health tree', async () => {
          const t = await domText('.monaco-list-row');
          return /Route 53: AWS is throttling requests/.test(t) ? t : undefined;
        });
        assert.strictEqual(rows.match(/AWS is throttling requests/g)?.length, 1, rows);
        assert.match(rows, /web\s*up/);
        await vscode.commands.executeCommand('opsdeck.openHealthDashboard');
        const text = await waitFor('the Route 53 notice on the dashboard', async () => {
          const t = await webviewText('health-route53-throttled');
          return /AWS is throttling requests/.test(t) ? t : undefined;
        });
        assert.strictEqual(text.match(/AWS is throttling requests/g)?.length, 1, text);
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      }
    } finally {
      awsFront.closeAllConnections();
      await new Promise((r) => awsFront.close(r));
    }
  });

  it('issue 10 #10: a save logs "configuration loaded" once; a near-miss key is an error on the key that says which value applies', async () => {
    const loadedLines = () =>
      hostLogFiles()
        .filter((f) => /OpsDeck/.test(path.basename(f)))
        .flatMap((f) => fs.readFileSync(f, 'utf8').split('\n'))
        .filter((l) => /Health: configuration loaded/.test(l)).length;
    await writeConfig(`endpoints:\n  - name: web\n    url: "${web.url}"\n    interval: 200ms\n`);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(configPath()));
    const editor = await vscode.window.showTextDocument(doc);
    const before = loadedLines();
    await editor.edit((e) => e.replace(new vscode.Range(3, 4, 3, 12), 'intervall'));
    assert.ok(await doc.save(), 'saved');
    // Both the file watcher and the save event see this save; wait until web has been checked twice
    // under the new file, long after either could have fired.
    await waitFor('configuration applied', () => loadedLines() > before, 10_000);
    const t = ep('web')!.lastCheck!.t;
    await waitFor('two more checks', () => (ep('web')?.lastCheck?.t ?? 0) > t, 20_000);
    const t2 = ep('web')!.lastCheck!.t;
    await waitFor('two more checks', () => (ep('web')?.lastCheck?.t ?? 0) > t2, 20_000);
    assert.strictEqual(loadedLines() - before, 1, 'one "configuration loaded" per save');
    const diags = vscode.languages.getDiagnostics(doc.uri);
    assert.strictEqual(diags.length, 1, diags.map((d) => d.message).join('\n'));
    assert.strictEqual(diags[0].severity, vscode.DiagnosticSeverity.Error);
    // On the key, not on its value.
    assert.deepStrictEqual([diags[0].range.start.line, diags[0].range.start.character, diags[0].range.end.character], [3, 4, 13]);
    assert.match(
      diags[0].message,
      /Unknown key "intervall" — did you mean "interval"\? Until it is fixed, "interval" is 10 s \(from defaults\)\./,
    );
    // The rest of the file applies: web is checked, with no configuration problem reported.
    assert.strictEqual(api.snapshot().configProblem, undefined);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('reads resource-scoped settings with the workspace folder as scope (no warning in the host log)', async () => {
    // opsdeck.health.configFile and opsdeck.documents.* are resource-scoped: read without their
    // folder, VS Code logs a warning for every read (and a multi-root window could get the wrong
    // folder's value). Opening a Markdown file makes the documents capability read its folders.
    await vscode.commands.executeCommand('opsdeck.refreshHealth');
    const md = path.join(folder(), 'docs', 'sessions', 'scope-check.md');
    fs.mkdirSync(path.dirname(md), { recursive: true });
    fs.writeFileSync(md, '# Scope\n\n- [ ] one\n');
    await vscode.window.showTextDocument(vscode.Uri.file(md));
    // The checklist view reads opsdeck.documents.folders to decide this is an OpsDeck document.
    await waitFor('the Markdown file is the active editor', () => vscode.window.activeTextEditor?.document.uri.fsPath === md);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(md, { force: true });
    const warnings = hostLogFiles()
      .filter((f) => /exthost/.test(f))
      .flatMap((f) => fs.readFileSync(f, 'utf8').split('\n'))
      .filter((l) => /resource scoped configuration without providing a resource/.test(l) && /'opsdeck\./.test(l));
    assert.deepStrictEqual(warnings, []);
  });
});
