// A DIY S3 backend on moto (test/support/s3Backend.ts) with the rig's Pulumi CLI: what a team's
// backend does for OpsDeck's Stacks features (login, a stack's life, its lock, history, state), and
// where in the bucket Pulumi keeps each of them, read back with the AWS SDK as OpsDeck will.
// The fixture test/fixtures/pulumi/files (a Node.js program; `delayMs` slows its creates down so the
// lock can be seen). The tests run in order, as one stack's life. Skipped, with the reason printed,
// when .tools/tools.json lists no Pulumi CLI or no moto.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LocalWorkspace, PulumiCommand, type Stack } from '@pulumi/pulumi/automation';
import { startMoto, type MotoServer } from '../../support/motoServer';
import { startS3Backend, stateKeys, type S3Backend } from '../../support/s3Backend';
import { cliRoot, copyFixture, pulumiEnv, readTools, type PulumiTools } from '../../support/pulumiTools';

const PROJECT = 'opsdeck-files';

describe('DIY S3 backend on moto, with the Pulumi CLI', function () {
  this.timeout(120_000);
  let tmp: string | undefined;
  let moto: MotoServer | undefined;
  let backend: S3Backend | undefined;
  let tools: PulumiTools;
  let env: Record<string, string>;
  let proj: string;
  let stack: Stack;
  const keys = stateKeys(PROJECT, 'dev');

  function pulumi(args: string[]): string {
    const r = spawnSync(tools.pulumi, [...args, '--non-interactive', '--color=never'], { cwd: proj, env, encoding: 'utf8' });
    assert.equal(r.status, 0, `pulumi ${args.join(' ')} exited ${r.status}\n${r.stdout}${r.stderr}`);
    return r.stdout;
  }

  before(async function () {
    const found = readTools();
    if (!found.pulumi || !found.moto?.bin || !existsSync(found.moto.bin)) {
      console.log(`    skipped: ${found.why ?? 'tools.json lists no moto (run `node scripts/setup-tools.mjs moto`)'}`);
      this.skip();
    }
    tools = found.pulumi;
    tmp = realpathSync(mkdtempSync(path.join(tmpdir(), 'opsdeck-s3-')));
    moto = await startMoto(found.moto.bin);
    backend = await startS3Backend(moto);
    env = pulumiEnv(tools, tmp, backend.env);
    proj = copyFixture('files', tmp);
  });

  after(async () => {
    backend?.dispose();
    await moto?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('logs in to the bucket and creates a stack there', async () => {
    assert.match(pulumi(['login', backend!.url]), /Logged in to .* \(s3:\/\/opsdeck-state-/);
    assert.match(pulumi(['whoami', '--verbose']), new RegExp(`Backend URL: s3://${backend!.bucket}\\?`));
    pulumi(['stack', 'init', 'dev']);
    pulumi(['config', 'set', 'dir', path.join(tmp!, 'data')]);
    assert.deepEqual(await backend!.keys(), [keys.meta, keys.checkpoint, keys.checkpointBackup]);
    assert.match(await backend!.read(keys.meta), /version: 1/);
  });

  it('holds a lock object in the bucket while an up runs, and removes it after', async () => {
    pulumi(['config', 'set', 'delayMs', '3000']);
    const child = spawn(tools.pulumi, ['up', '--yes', '--non-interactive', '--color=never'], { cwd: proj, env });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    let locks: string[] = [];
    for (let i = 0; i < 600 && locks.length === 0 && child.exitCode === null; i++) {
      locks = await backend!.keys(keys.locks);
      if (!locks.length) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(locks.length, 1, `no lock object under ${keys.locks} during the up\n${output}`);
    assert.match(locks[0], new RegExp(`^${keys.locks}[0-9a-f-]{36}\\.json$`));
    const lock = JSON.parse(await backend!.read(locks[0])) as Record<string, unknown>;
    assert.deepEqual(Object.keys(lock).sort(), ['hostname', 'pid', 'timestamp', 'username']);
    assert.equal(await exited, 0, output);
    assert.deepEqual(await backend!.keys('.pulumi/locks/'), []);
  });

  it('records the update in history and a backup of the checkpoint', async () => {
    const history = JSON.parse(pulumi(['stack', 'history', '--json'])) as { kind: string; result: string; resourceChanges: object }[];
    assert.deepEqual(
      history.map((h) => [h.kind, h.result, h.resourceChanges]),
      [['update', 'succeeded', { create: 5 }]],
    );
    const historyKeys = await backend!.keys(keys.history);
    assert.equal(historyKeys.length, 2, historyKeys.join(', '));
    assert.match(historyKeys[0], new RegExp(`^${keys.history}dev-\\d+\\.checkpoint\\.json$`));
    assert.match(historyKeys[1], new RegExp(`^${keys.history}dev-\\d+\\.history\\.json$`));
    assert.equal((await backend!.keys(keys.backups)).length, 1);
  });

  it('keeps the same state in the checkpoint object as `stack export` and the Automation API show', async () => {
    const exported = JSON.parse(pulumi(['stack', 'export'])) as { deployment: { resources: { urn: string }[] } };
    const checkpoint = JSON.parse(await backend!.read(keys.checkpoint)) as { checkpoint: { latest: { resources: { urn: string }[] } } };
    const urns = (rs: { urn: string }[]) => rs.map((r) => r.urn).sort();
    assert.equal(exported.deployment.resources.length, 6);
    assert.deepEqual(urns(checkpoint.checkpoint.latest.resources), urns(exported.deployment.resources));

    const pulumiCommand = await PulumiCommand.get({ root: cliRoot(tools, tmp!) });
    stack = await LocalWorkspace.selectStack({ stackName: 'dev', workDir: proj }, { pulumiCommand, envVars: env });
    const viaApi = await stack.exportStack();
    assert.deepEqual(urns(viaApi.deployment.resources as { urn: string }[]), urns(exported.deployment.resources));
    const outputs = await stack.outputs();
    assert.equal(outputs.aContent?.value, 'hello, world\n');
  });

  it('destroys through the Automation API; history lists destroy then update', async () => {
    await stack.setConfig('delayMs', { value: '0' });
    const r = await stack.destroy({ onOutput: () => {} });
    assert.equal(r.summary.result, 'succeeded');
    assert.deepEqual(
      (await stack.history()).map((h) => `${h.kind} ${h.result}`),
      ['destroy succeeded', 'update succeeded'],
    );
    const checkpoint = JSON.parse(await backend!.read(keys.checkpoint)) as { checkpoint: { latest?: { resources?: unknown[] } } };
    assert.equal(checkpoint.checkpoint.latest?.resources?.length ?? 0, 0);
  });
});
