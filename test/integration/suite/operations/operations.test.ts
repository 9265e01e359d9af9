// Operations that record and verify themselves, end to end in the real host: the real Pulumi CLI
// deploys a fixture whose dynamic provider writes the "service" state, a real loopback HTTP server
// (started here) answers from that file on every request, health checks it, moto holds a CloudWatch
// alarm, and the rig clicks the regression notification and the deploy guard like a person would.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { click, domText, hasRig, screenshot, waitFor } from '../../rig';
import { startMoto, MOTO_CREDENTIALS, type MotoServer } from '../../../support/motoServer';
import type { OperationsApi } from '../../../../src/operations';
import type { HealthApi } from '../../../../src/health';
import {
  OpResult,
  api as stacksApi,
  cmd,
  copyFixture,
  dataDir,
  expectStatus,
  toolsHavePulumi,
  until,
  useFileBackend,
  workspaceDir,
} from '../stacks/support';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=OpsDeck Test', '-c', 'user.email=test@opsdeck.invalid', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();
}

/** The service: 200 while the deployed state says healthy (or nothing is deployed yet), 503 otherwise. */
async function startService(stateFile: string): Promise<{ url: string; requests: () => number; stop: () => Promise<void> }> {
  let n = 0;
  const server = http.createServer((_req, res) => {
    n++;
    let healthy = true;
    try {
      healthy = (JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { healthy: boolean }).healthy;
    } catch {
      /* not deployed yet: the old service answers */
    }
    res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: healthy ? 'ok' : 'broken' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/health`,
    requests: () => n,
    stop: () => new Promise((r) => server.close(() => r())),
  };
}

async function motoEndpoint(): Promise<{ endpoint: string; own?: MotoServer }> {
  if (process.env.OPSDECK_MOTO_ENDPOINT) return { endpoint: process.env.OPSDECK_MOTO_ENDPOINT };
  const tools = JSON.parse(fs.readFileSync(process.env.OPSDECK_TOOLS_JSON!, 'utf8')) as { moto?: { bin: string } };
  assert.ok(tools.moto?.bin, 'tools.json lists moto (node scripts/setup-tools.mjs moto)');
  const own = await startMoto(tools.moto.bin);
  return { endpoint: own.endpoint, own };
}

/** The `### HH:MM - phase` headings of the record's progress log, in order. */
function phases(text: string): string[] {
  return [...text.matchAll(/^#{3,4} \d\d:\d\d(?::\d\d)? - (.+)$/gm)].map((m) => m[1]!.trim());
}

function inOrder(all: string[], expected: RegExp[]): void {
  let i = 0;
  for (const e of expected) {
    const at = all.findIndex((p, j) => j >= i && e.test(p));
    assert.ok(at >= 0, `phase ${e} missing or out of order in: ${all.join(' | ')}`);
    i = at + 1;
  }
}

describe('Operations: a deploy records and verifies itself', function () {
  let ops: OperationsApi;
  let health: HealthApi;
  let service: Awaited<ReturnType<typeof startService>>;
  let moto: { endpoint: string; own?: MotoServer };
  let cw: CloudWatchClient;
  let project: string;
  let data: string;
  const PROJECT = 'opsdeck-ops';
  const entries = () => ops.entries(project, 'dev');
  const recordText = (file: string) => fs.readFileSync(file, 'utf8');
  const healthYaml = () => path.join(workspaceDir(), '.opsdeck', 'health.yaml');
  const setConfig = (key: string, value: string, secret = false) => cmd('setConfig', { project, stack: 'dev', key, value, secret });
  const commit = (message: string) => git(project, 'commit', '-qam', message);
  const settings = () => vscode.workspace.getConfiguration('opsdeck.operations');

  /** Waits for the operation started after `count` earlier ones to settle (its record closed). */
  async function settled(count: number, what: string, done: (e: ReturnType<typeof entries>[number]) => boolean) {
    return until(
      what,
      () => {
        const e = entries();
        return e.length > count && done(e[0]!) ? e[0]! : undefined;
      },
      150_000,
    );
  }

  before(async function () {
    if (!toolsHavePulumi()) this.skip();
    await stacksApi();
    const ext = vscode.extensions.getExtension<Record<string, unknown>>('opsdeck.opsdeck')!;
    const exported = await ext.activate();
    ops = exported.operations as OperationsApi;
    health = exported.health as HealthApi;
    assert.ok(ops, 'ctx.api.operations is exported');
    await useFileBackend();
    project = copyFixture('service', 'ops-service');
    fs.writeFileSync(
      path.join(project, 'Pulumi.yaml'),
      fs.readFileSync(path.join(project, 'Pulumi.yaml'), 'utf8').replace('name: opsdeck-service', `name: ${PROJECT}`),
    );
    data = dataDir('ops-service');
    fs.rmSync(path.join(data, 'state.json'), { force: true });
    service = await startService(path.join(data, 'state.json'));

    moto = await motoEndpoint();
    await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
    const awsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-ops-aws-'));
    fs.writeFileSync(
      path.join(awsDir, 'credentials'),
      `[default]\naws_access_key_id = ${MOTO_CREDENTIALS.accessKeyId}\naws_secret_access_key = ${MOTO_CREDENTIALS.secretAccessKey}\n`,
    );
    process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(awsDir, 'credentials');
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    cw = new CloudWatchClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: 'svc-5xx',
        MetricName: '5XXError',
        Namespace: 'OpsDeck/Fixture',
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      }),
    );
    await cw.send(new SetAlarmStateCommand({ AlarmName: 'svc-5xx', StateValue: 'OK', StateReason: 'fixture: healthy' }));

    // The checks run every 0.5 s in the window; the interval floor is the user's, so the user lowers it.
    await vscode.workspace.getConfiguration('opsdeck.health').update('minimumIntervalSeconds', 0.1, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('opsdeck.health').update('notifications', false, vscode.ConfigurationTarget.Workspace);
    fs.mkdirSync(path.dirname(healthYaml()), { recursive: true });
    fs.writeFileSync(
      healthYaml(),
      `version: 1
defaults: { interval: 1s, timeout: 2s, failureThreshold: 2, retries: 0 }
endpoints:
  - { name: service, url: "${service.url}", stack: dev }
alarms:
  prefixes: [{ prefix: svc-, stack: dev }]
  poll: 1s
aws: { region: us-east-1, endpoint: "${moto.endpoint}" }
`,
    );
    await vscode.commands.executeCommand('opsdeck.refreshHealth');
    await until('the service endpoint up', () => health.snapshot().endpoints.find((e) => e.name === 'service')?.status === 'up', 30_000);

    await settings().update('record', 'always', vscode.ConfigurationTarget.Workspace);
    await settings().update('verifyIntervalSeconds', 0.5, vscode.ConfigurationTarget.Workspace);

    git(project, 'init', '-q');
    await cmd('refreshStacks');
    await cmd('setPulumiPassphrase', { project, passphrase: 'opsdeck integration passphrase' });
    assert.strictEqual((await cmd<{ stack: string } | undefined>('newStack', { project, name: 'dev' }))?.stack, 'dev');
    await setConfig('dir', data);
    await setConfig('healthy', 'true');
    await setConfig('token', 'tok-4f9a-very-secret', true);
    git(project, 'add', '-A');
    git(project, 'commit', '-qm', 'service, healthy');
  });

  after(async () => {
    for (const k of ['record', 'verifyIntervalSeconds', 'verifyMinutes', 'autoRollback'])
      await settings().update(k, undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.workspace
      .getConfiguration('opsdeck.health')
      .update('minimumIntervalSeconds', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('opsdeck.health').update('notifications', undefined, vscode.ConfigurationTarget.Workspace);
    fs.rmSync(healthYaml(), { force: true });
    await vscode.commands.executeCommand('opsdeck.refreshHealth');
    await service?.stop();
    await moto?.own?.stop();
  });

  it('a healthy deploy writes its record: real pre-state, the change list, progress in order, ✅ after the window', async () => {
    await settings().update('verifyMinutes', 0.1, vscode.ConfigurationTarget.Workspace);
    const before = entries().length;
    expectStatus(await cmd<OpResult>('deploy', { project, stack: 'dev', confirm: { yes: true } }), 'succeeded');
    const e = await settled(before, 'the healthy deploy verified', (x) => x.verdict === 'passed' && x.result !== undefined);
    assert.ok(e.record, 'a record was written');
    const text = await until('the record closed', () => {
      const t = recordText(e.record!);
      return t.includes('✅ COMPLETED SUCCESSFULLY') && t.includes('"closed":true') ? t : undefined;
    });
    assert.match(text, new RegExp(`\\*\\*Pulumi Stack\\*\\*: ${PROJECT}/dev`));
    assert.match(text, /\*\*Risk Level\*\*: Low/, 'only creates: low risk');
    // Pre-state: the endpoint as health saw it before the deploy, measured, not a placeholder.
    assert.match(text, /\| service \| up \| \d+\.\d+% \|/);
    assert.match(text, /\*\*Resources in the stack\*\*/);
    assert.match(text, /\| create \| `pulumi-nodejs:dynamic:Resource` \| service-state \|/);
    inOrder(phases(text), [/^Preview ready/, /^Deploy started/, /^Deploy finished/, /^Verification started/, /^Verification finished/]);
    assert.strictEqual(service.requests() > 0, true);
    const section = await (await stacksApi()).children([PROJECT, 'dev', 'Operations']);
    assert.match(section[0]!.label, /^up /);
    assert.match(section[0]!.description ?? '', /succeeded · [\d.]+ s · passed/);
  });

  it('an unhealthy deploy is caught in the window; "Roll back now" redeploys the previous update and the record says so', async function () {
    // The rig clicks the notification; without it there is no one to answer.
    if (!hasRig()) this.skip();
    await settings().update('verifyMinutes', 2, vscode.ConfigurationTarget.Workspace);
    await setConfig('healthy', 'false');
    commit('service, unhealthy');
    const before = entries().length;
    expectStatus(await cmd<OpResult>('deploy', { project, stack: 'dev', confirm: { yes: true } }), 'succeeded');
    await until('the status bar countdown', () => /verifying dev \d+:\d\d left/.test(ops.statusText() ?? ''), 30_000);
    const notice = await until(
      'the regression notification',
      () => ops.notices().find((n) => n.at > Date.now() - 120_000 && /dev/.test(n.message)),
      60_000,
    );
    assert.match(notice.message, /service down since \d\d:\d\d:\d\d \(HTTP 503/);
    // An alarm that starts during the window shows in the record as started during the operation.
    await cw.send(new SetAlarmStateCommand({ AlarmName: 'svc-5xx', StateValue: 'ALARM', StateReason: 'fixture: 5xx' }));
    const record = entries()[0]!.record!;
    await until('the alarm in the record', () => /Regression detected[\s\S]*svc-5xx/.test(recordText(record)), 30_000);

    await vscode.commands.executeCommand('notifications.showList');
    await waitFor('the notification with Roll back now', async () =>
      (await domText('.notifications-center')).includes('Roll back now') ? true : undefined,
    );
    await screenshot('operations-regression-notification');
    await click('.notifications-center .notification-list-item .monaco-button:text-is("Roll back now")');
    // The rollback's own guard follows once its preview is in the change view: the same question as a
    // deploy's, with its counts, asked as a notification since the person is answering notifications.
    const question = await waitFor(
      'the rollback’s deploy question',
      async () => {
        // Clicking the last notification in the list closes the list; the question then arrives as a
        // toast. Showing the list again puts every notification in it.
        await vscode.commands.executeCommand('notifications.showList');
        const t = await domText('.notifications-center .notification-list-item');
        return /to update|to create|to delete|to replace/.test(t) && /Deploy/.test(t) ? t : undefined;
      },
      120_000,
    );
    assert.match(question, /dev/, question);
    await click('.notifications-center .notification-list-item .monaco-button:text-matches("^Deploy")');
    await vscode.commands.executeCommand('notifications.hideList');
    const e = await settled(before, 'the deploy rolled back', (x) => x.result === 'rolled back');
    assert.strictEqual(e.verdict, 'regressed');
    await until(
      'the service answering 200 again',
      () => health.snapshot().endpoints.find((x) => x.name === 'service')?.status === 'up',
      30_000,
    );
    const res = await fetch(service.url);
    assert.strictEqual(res.status, 200);
    const text = await until('the record closed as rolled back', () => {
      const t = recordText(record);
      return t.includes('🔁 ROLLED BACK') && t.includes('"closed":true') ? t : undefined;
    });
    assert.match(text, /\*\*Risk Level\*\*: Medium/, 'an update: medium risk');
    assert.match(text, /\*\*Detected\*\*: [\d.]+ s after the deploy ended/);
    assert.match(text, /\*\*Rolled back\*\*: [\d.]+ s after detection/);
    assert.match(text, /\*\*Alarms that started during the operation\*\*: svc-5xx/);
    inOrder(phases(text), [
      /^Preview ready/,
      /^Deploy started/,
      /^Deploy finished/,
      /^Verification started/,
      /^Regression detected/,
      /^Rollback started/,
      /^Rollback finished/,
    ]);
    // The part a reader looks at first after a rollback: the before/after table, timings and status.
    const shown = await vscode.window.showTextDocument(vscode.Uri.file(record));
    const at = shown.document.positionAt(text.indexOf('opsdeck:begin verification'));
    shown.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.AtTop);
    await screenshot('operations-record-rolled-back');
    await cw.send(new SetAlarmStateCommand({ AlarmName: 'svc-5xx', StateValue: 'OK', StateReason: 'fixture: healthy' }));
    await setConfig('healthy', 'true');
    commit('back to healthy');
  });

  it('a failing resource gives ❌ with the resource and its error, the secret masked', async () => {
    await settings().update('verifyMinutes', 0, vscode.ConfigurationTarget.Workspace);
    await setConfig('fail', 'true');
    const before = entries().length;
    const r = await cmd<OpResult>('deploy', { project, stack: 'dev', confirm: { yes: true } });
    assert.strictEqual(r.status, 'failed', JSON.stringify(r));
    const e = await settled(before, 'the failed deploy recorded', (x) => x.result === 'failed');
    const text = await until('the record closed as failed', () => {
      const t = recordText(e.record!);
      return t.includes('❌ FAILED') && t.includes('"closed":true') ? t : undefined;
    });
    assert.match(text, /Resource failed: upstream/);
    assert.match(text, /upstream refused the deploy token/);
    assert.ok(!text.includes('tok-4f9a-very-secret'), 'the secret is masked in the record');
    await setConfig('fail', 'false');
  });

  it('a field typed by the user during the deploy is kept', async () => {
    const now = (JSON.parse(fs.readFileSync(path.join(data, 'state.json'), 'utf8')) as { healthy: boolean }).healthy;
    await setConfig('healthy', String(!now));
    const before = entries().length;
    const deploying = cmd<OpResult>('deploy', { project, stack: 'dev', confirm: { yes: true } });
    const e = await settled(before, 'the record created', (x) => !!x.record);
    // The record of this operation (a deleted record's name may be given again): its marker has this id.
    const doc = await until('the record open', () =>
      vscode.workspace.textDocuments.find(
        (d) => !d.isClosed && d.uri.fsPath === e.record && d.getText().includes(`"operationId":"${e.id}"`),
      ),
    );
    await until('the record caught up', () => phases(doc.getText()).some((p) => /^Deploy started/.test(p)), 30_000);
    const editor = await vscode.window.showTextDocument(doc);
    const placeholder = '[Brief description of infrastructure change and business justification]';
    // TextEditor.edit refuses an edit when the document changed since it was computed (OpsDeck writing a
    // progress entry at that moment): type again, as a person would, until the editor takes it.
    let typed = false;
    for (let attempt = 0; attempt < 10 && !typed; attempt++) {
      const at = doc.getText().indexOf(placeholder);
      assert.ok(at >= 0, 'the summary placeholder is in the record');
      typed = await editor.edit((b) =>
        b.replace(
          new vscode.Range(doc.positionAt(at), doc.positionAt(at + placeholder.length)),
          'Turn the service back on, typed by hand.',
        ),
      );
    }
    assert.ok(typed, 'the editor took the typed text');
    expectStatus(await deploying, 'succeeded');
    await settled(before, 'the deploy finished', (x) => x.result !== undefined);
    const text = await until('the record closed', () => (doc.getText().includes('"closed":true') ? doc.getText() : undefined));
    assert.ok(text.includes('Turn the service back on, typed by hand.'), 'the typed text stays');
    assert.match(text, /✅ COMPLETED SUCCESSFULLY/);
    await setConfig('delayMs', '0');
  });

  it("today's open development session gets a progress entry linking the record", async () => {
    await settings().update('verifyMinutes', 0, vscode.ConfigurationTarget.Workspace);
    const session = await cmd<vscode.Uri | undefined>('newDocument', { kind: 'session', title: 'service operations' });
    assert.ok(session, 'a session document was created');
    await vscode.commands.executeCommand('workbench.action.files.save');
    const now = (JSON.parse(fs.readFileSync(path.join(data, 'state.json'), 'utf8')) as { healthy: boolean }).healthy;
    await setConfig('healthy', String(!now));
    const before = entries().length;
    expectStatus(await cmd<OpResult>('deploy', { project, stack: 'dev', confirm: { yes: true } }), 'succeeded');
    const e = await settled(before, 'the deploy recorded', (x) => !!x.record && x.result !== undefined);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === session.toString())!;
    const text = await until('the link in the session', () => (doc.getText().includes('Operation record: [') ? doc.getText() : undefined));
    assert.ok(text.includes(path.basename(e.record!)), "the entry links this operation's record");
    assert.match(text, /Deployment Phase: up of opsdeck-ops\/dev/);
  });

  it('a record deleted mid-deploy: the deploy finishes and the log says why nothing was written', async () => {
    await setConfig('delayMs', '4000');
    // A change either way: whatever the service is now, the deploy flips it.
    const now = (JSON.parse(fs.readFileSync(path.join(data, 'state.json'), 'utf8')) as { healthy: boolean }).healthy;
    await setConfig('healthy', String(!now));
    const before = entries().length;
    const deploying = cmd<OpResult>('deploy', { project, stack: 'dev', confirm: { yes: true } });
    const e = await settled(before, 'the record created', (x) => !!x.record && fs.existsSync(x.record));
    // Once what happened before the record existed is written (the deploy is still running).
    await until('the record caught up', () => phases(recordText(e.record!)).some((p) => /^Deploy started/.test(p)), 30_000);
    await vscode.workspace.fs.delete(vscode.Uri.file(e.record!));
    expectStatus(await deploying, 'succeeded');
    await settled(before, 'the deploy finished', (x) => x.result !== undefined);
    await until('the log saying why', () => /no record updated \(it was deleted or moved\)/.test(ops.logText()), 30_000);
    assert.strictEqual(fs.existsSync(e.record!), false, 'the deleted record is not brought back');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
