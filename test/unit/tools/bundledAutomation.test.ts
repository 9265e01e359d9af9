// The Automation API the VSIX ships (dist/lazy/pulumi-automation.js, bundled by scripts/build.mjs)
// for projects without their own @pulumi/pulumi, where it only runs the CLI: a Pulumi YAML project
// (no node_modules) previewed, deployed, read and destroyed through it, with the real CLI and a file
// backend. The chunk has no TypeScript (a stand-in that fails if asked): this shows the local workspace
// never asks. Skipped, with the reason printed, when .tools/tools.json lists no YAML language host.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { EngineEvent, Stack } from '@pulumi/pulumi/automation';
import { REPO, cliRoot, pulumiEnv, readTools } from '../../support/pulumiTools';

type Automation = typeof import('@pulumi/pulumi/automation');

describe('the bundled Automation API (dist/lazy/pulumi-automation.js) on a project without @pulumi/pulumi', function () {
  this.timeout(180_000);
  let tmp: string | undefined;
  let stack: Stack;
  let auto: Automation;

  before(async function () {
    const { pulumi: tools, why } = readTools();
    if (!tools?.yaml) {
      console.log(`    skipped: ${why ?? 'tools.json lists no YAML language host (run `node scripts/setup-tools.mjs pulumi`)'}`);
      this.skip();
    }
    const chunk = path.join(REPO, 'dist', 'lazy', 'pulumi-automation.js');
    if (!existsSync(chunk)) execFileSync(process.execPath, [path.join(REPO, 'scripts', 'build.mjs')], { cwd: REPO, stdio: 'pipe' });
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built chunk, as the extension loads it
    auto = require(chunk) as Automation;
    tmp = realpathSync(mkdtempSync(path.join(tmpdir(), 'opsdeck-bundled-auto-')));
    // copied without node_modules: nothing in or above the folder resolves @pulumi/pulumi
    const workDir = path.join(tmp, 'yaml-basic');
    cpSync(path.join(REPO, 'test', 'fixtures', 'pulumi', 'yaml-basic'), workDir, { recursive: true });
    assert.throws(() => require.resolve('@pulumi/pulumi', { paths: [workDir] }), 'the project folder resolves @pulumi/pulumi');
    const opts = { pulumiCommand: await auto.PulumiCommand.get({ root: cliRoot(tools, tmp) }), envVars: pulumiEnv(tools, tmp) };
    stack = await auto.LocalWorkspace.createStack({ stackName: 'dev', workDir }, opts);
    await stack.setConfig('apiKey', { value: 'k-SECRET-42', secret: true });
  });

  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('previews, deploys with outputs and secrets, lists the history, and destroys', async () => {
    const events: EngineEvent[] = [];
    const preview = await stack.preview({ onEvent: (e) => events.push(e) });
    assert.deepEqual(preview.changeSummary, { create: 1 });
    assert.ok(
      events.some((e) => e.summaryEvent),
      'no summary event came through the event log',
    );

    const up = await stack.up({ onOutput: () => {} });
    assert.equal(up.summary.result, 'succeeded');
    assert.deepEqual(up.outputs.message, { value: 'hello, world', secret: false });
    assert.deepEqual(up.outputs.apiKey, { value: 'k-SECRET-42', secret: true });
    assert.deepEqual(
      (await stack.workspace.listStacks()).map((s) => s.name),
      ['dev'],
    );

    const down = await stack.destroy({ onOutput: () => {} });
    assert.equal(down.summary.result, 'succeeded');
    assert.deepEqual(
      (await stack.history()).map((h) => `${h.kind} ${h.result}`),
      ['destroy succeeded', 'update succeeded'],
    );
  });
});
