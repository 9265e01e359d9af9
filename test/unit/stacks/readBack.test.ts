// After an up on the on-disk route, the Automation API reads back outputs and the latest history
// entry: three CLI processes whose answers OpsDeck never uses (it takes them from the engine's
// events), which the next operation on the stack had to wait for. Against the real CLI (plain Node;
// skipped without .tools/tools.json): those read-backs start no process, and OpsDeck's own read of
// the outputs, started while the up's call is still finishing, still gets the real values.
import * as assert from 'assert';
// The module object itself (a namespace import is a read-only copy), so the test can watch its spawn().
// eslint-disable-next-line @typescript-eslint/no-require-imports
import childProcess = require('child_process');
import * as fs from 'fs';
import * as path from 'path';
import { PulumiProjectSession } from '../../../src/stacks/runner/session';
import { realCliSettings, repo, tools } from './realCli';

describe("stacks: the Automation API's read-backs after an up (real CLI)", function () {
  this.timeout(180_000);
  const base = path.join(repo, 'test-output', 'unit-readback');
  const project = path.join(base, 'p');
  let session: PulumiProjectSession | undefined;
  let spawned: string[][] = [];
  const spawn = childProcess.spawn;

  before(function () {
    if (!tools.pulumi || process.platform !== 'linux') this.skip();
    fs.rmSync(base, { recursive: true, force: true });
    fs.mkdirSync(path.join(base, 'backend'), { recursive: true });
    fs.mkdirSync(project, { recursive: true });
    fs.writeFileSync(
      path.join(project, 'Pulumi.yaml'),
      'name: readback\nruntime: yaml\nconfig:\n  greeting:\n    type: string\n    default: hi\noutputs:\n  greeting: ${greeting}\n',
    );
    const settings = realCliSettings(base, 'onDisk');
    session = new PulumiProjectSession({ dir: project, name: 'readback', runtime: 'yaml' }, settings, () => true);
    // Every process the Automation API starts, by its arguments (restored after each test).
    (childProcess as { spawn: unknown }).spawn = function (this: unknown, cmd: string, args: string[], ...rest: unknown[]) {
      if (path.basename(cmd) === 'pulumi') spawned.push([...args]);
      return (spawn as (...a: unknown[]) => unknown).call(this, cmd, args, ...rest);
    };
  });
  after(async () => {
    (childProcess as { spawn: unknown }).spawn = spawn;
    await session?.dispose();
    fs.rmSync(base, { recursive: true, force: true });
  });

  const ran = (sub: string) => spawned.filter((a) => `${a[0]} ${a[1]}` === sub).length;

  it('runs no CLI process for them, and an outputs read started meanwhile gets the real values', async () => {
    const s = session!;
    assert.ok((await s.createStack('dev')).ok);
    assert.ok((await s.setConfig('dev', 'greeting', 'hello from the test', false)).ok);
    spawned = [];
    const up = await s.run('up', 'dev', {});
    assert.ok(up.ok, JSON.stringify(up));
    assert.strictEqual(up.value.operation, 'up');
    // Straight away, while the up's Automation API call may still be finishing.
    const outputs = await s.outputs('dev');
    assert.ok(outputs.ok, JSON.stringify(outputs));
    assert.deepStrictEqual(outputs.value.greeting, { value: 'hello from the test', secret: false });
    // The next operation does not wait on anything left of the up.
    const preview = await s.run('preview', 'dev', {});
    assert.ok(preview.ok, JSON.stringify(preview));
    assert.strictEqual(ran('stack output'), 2, `only OpsDeck's own read (masked, then with secrets): ${JSON.stringify(spawned)}`);
    assert.strictEqual(
      spawned.filter((a) => a[1] === 'history' && a.includes('--page-size') && a[a.indexOf('--page-size') + 1] === '1').length,
      0,
      `no history read-back: ${JSON.stringify(spawned)}`,
    );
  });
});
