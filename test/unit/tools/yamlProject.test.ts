// Pulumi YAML through Pulumi's own YAML language host (pulumi-language-yaml v1.25.0, built by
// `node scripts/setup-tools.mjs pulumi` beside the CLI), driven through the Automation API the way
// OpsDeck drives a project: a LocalWorkspace over the project folder on disk, a file backend.
// test/fixtures/pulumi/yaml-basic has config (one value set as a secret), variables, fn::join and a
// secret output; test/fixtures/pulumi/yaml-stackref reads its outputs through a pulumi:pulumi:StackReference.
// The tests run in order, as the stacks' life. Skipped, with the reason printed, when .tools/tools.json
// lists no YAML language host.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LocalWorkspace, PulumiCommand, type EngineEvent, type Stack } from '@pulumi/pulumi/automation';
import { cliRoot, copyFixture, pulumiEnv, readTools } from '../../support/pulumiTools';

function ops(events: EngineEvent[]): string[] {
  return events.flatMap((e) => (e.resourcePreEvent ? [`${e.resourcePreEvent.metadata.op} ${e.resourcePreEvent.metadata.type}`] : []));
}

describe("Pulumi YAML projects through Pulumi's own language host (Automation API, on disk)", function () {
  this.timeout(120_000);
  let tmp: string | undefined;
  let basic: Stack;
  let consumer: Stack;

  before(async function () {
    const { pulumi: tools, why } = readTools();
    if (!tools?.yaml) {
      console.log(`    skipped: ${why ?? 'tools.json lists no YAML language host (run `node scripts/setup-tools.mjs pulumi`)'}`);
      this.skip();
    }
    tmp = realpathSync(mkdtempSync(path.join(tmpdir(), 'opsdeck-yaml-')));
    const opts = { pulumiCommand: await PulumiCommand.get({ root: cliRoot(tools, tmp) }), envVars: pulumiEnv(tools, tmp) };
    basic = await LocalWorkspace.createStack({ stackName: 'dev', workDir: copyFixture('yaml-basic', tmp) }, opts);
    await basic.setConfig('apiKey', { value: 'k-SECRET-42', secret: true });
    consumer = await LocalWorkspace.createStack({ stackName: 'dev', workDir: copyFixture('yaml-stackref', tmp) }, opts);
    await consumer.setConfig('upstream', { value: 'organization/opsdeck-yaml/dev' });
  });

  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('previews the stack to create, without the secret in any event', async () => {
    const events: EngineEvent[] = [];
    const r = await basic.preview({ onEvent: (e) => events.push(e) });
    assert.deepEqual(r.changeSummary, { create: 1 });
    assert.deepEqual(ops(events), ['create pulumi:pulumi:Stack']);
    assert.ok(!JSON.stringify(events).includes('k-SECRET-42'), 'the secret config value appears in the events');
  });

  it('deploys: outputs from config, variables and fn::join; secrets stay secret', async () => {
    const r = await basic.up({ onOutput: () => {} });
    assert.equal(r.summary.result, 'succeeded');
    assert.deepEqual(r.summary.resourceChanges, { create: 1 });
    assert.deepEqual(r.outputs.message, { value: 'hello, world', secret: false });
    assert.deepEqual(r.outputs.replicas, { value: 2, secret: false });
    assert.deepEqual(r.outputs.stack, { value: 'dev', secret: false });
    assert.deepEqual(r.outputs.token, { value: 'tok-hello-dev', secret: true });
    assert.deepEqual(r.outputs.apiKey, { value: 'k-SECRET-42', secret: true });
    // (exportStack() runs `stack export --show-secrets`: read the backend's checkpoint file itself)
    const checkpoint = readFileSync(path.join(tmp!, 'state', '.pulumi', 'stacks', 'opsdeck-yaml', 'dev.json'), 'utf8');
    assert.ok(checkpoint.includes('"ciphertext"'), 'no encrypted value in the checkpoint');
    assert.ok(!checkpoint.includes('k-SECRET-42') && !checkpoint.includes('tok-hello-dev'), 'a secret is in the checkpoint in clear');
  });

  it('previews no changes after the deploy, and a changed greeting as an output change', async () => {
    await basic.preview({ expectNoChanges: true });
    await basic.setConfig('greeting', { value: 'bonjour' });
    const changed = await basic.preview({ diff: true });
    assert.ok(changed.stdout.includes('bonjour, world'), changed.stdout);
    await basic.removeConfig('greeting');
  });

  it('reads the outputs of that stack through a StackReference, its secrets still secret', async () => {
    const events: EngineEvent[] = [];
    const r = await consumer.up({ onEvent: (e) => events.push(e) });
    assert.ok(ops(events).includes('read pulumi:pulumi:StackReference'), ops(events).join(', '));
    assert.deepEqual(r.outputs.upstreamId, { value: 'organization/opsdeck-yaml/dev', secret: false });
    assert.deepEqual(r.outputs.upstreamMessage, { value: 'hello, world', secret: false });
    assert.deepEqual(r.outputs.upstreamToken, { value: 'tok-hello-dev', secret: true });
  });

  it('refreshes without changes while the upstream stack is unchanged', async () => {
    for (const s of [basic, consumer]) {
      const r = await s.refresh({ onOutput: () => {} });
      assert.equal(r.summary.result, 'succeeded');
      assert.deepEqual(r.summary.resourceChanges, s === basic ? { same: 1 } : { same: 2 });
    }
  });

  it('reports a program error with its line in Pulumi.yaml', async () => {
    const file = path.join(basic.workspace.workDir, 'Pulumi.yaml');
    const good = readFileSync(file, 'utf8');
    const line = good.split('\n').findIndex((l) => l.includes('message: ${message}')) + 1;
    writeFileSync(file, good.replace('message: ${message}', 'message: ${mesage}'));
    try {
      const events: EngineEvent[] = [];
      await assert.rejects(basic.preview({ onEvent: (e) => events.push(e) }));
      const errors = events.flatMap((e) => (e.diagnosticEvent?.severity === 'error' ? [e.diagnosticEvent.message] : []));
      assert.ok(
        errors.some((m) => m.includes('"mesage" could not be found') && m.includes(`on Pulumi.yaml line ${line}:`)),
        errors.join('\n'),
      );
    } finally {
      writeFileSync(file, good);
    }
  });

  it('destroys, and the history lists destroy, refresh and update, newest first', async () => {
    for (const s of [consumer, basic]) {
      const r = await s.destroy({ onOutput: () => {} });
      assert.equal(r.summary.result, 'succeeded');
      assert.equal((await s.exportStack()).deployment.resources?.length ?? 0, 0);
    }
    const history = await basic.history();
    assert.deepEqual(
      history.map((h) => `${h.kind} ${h.result}`),
      ['destroy succeeded', 'refresh succeeded', 'update succeeded'],
    );
  });
});
