// The rig's minimal Node.js language host (scripts/tools/pulumi-cli/language-nodejs) on cases the
// fixture projects do not cover otherwise, through the Automation API over an on-disk project.
// Skipped, with the reason printed, when .tools/tools.json lists no Pulumi CLI.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LocalWorkspace, PulumiCommand } from '@pulumi/pulumi/automation';
import { REPO, cliRoot, pulumiEnv, readTools } from '../../support/pulumiTools';

describe("the rig's minimal Node.js language host", function () {
  this.timeout(120_000);
  let tmp: string | undefined;

  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('runs a program whose stack has no config at all (config defaults apply)', async function () {
    const { pulumi: tools, why } = readTools();
    if (!tools) {
      console.log(`    skipped: ${why}`);
      this.skip();
    }
    tmp = realpathSync(mkdtempSync(path.join(tmpdir(), 'opsdeck-host-')));
    const dir = path.join(tmp, 'proj');
    mkdirSync(dir);
    symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
    writeFileSync(path.join(dir, 'Pulumi.yaml'), 'name: no-config\nruntime: nodejs\n');
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'no-config', private: true, main: 'index.ts' }));
    writeFileSync(
      path.join(dir, 'index.ts'),
      "import * as pulumi from '@pulumi/pulumi';\nexport const n = new pulumi.Config().getNumber('n') ?? 3;\n",
    );
    const pulumiCommand = await PulumiCommand.get({ root: cliRoot(tools, tmp) });
    const stack = await LocalWorkspace.createStack({ stackName: 'dev', workDir: dir }, { pulumiCommand, envVars: pulumiEnv(tools, tmp) });
    const r = await stack.up({ onOutput: () => {} });
    assert.deepEqual(r.outputs.n, { value: 3, secret: false });
  });
});
