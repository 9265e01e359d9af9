// The destroy guard lists what will be deleted from the state instead of running `pulumi destroy
// --preview-only` (model/destroyList.ts). Against the real CLI (plain Node; skipped without
// .tools/tools.json): for a stack with nested components, the list is the one the CLI's own destroy
// preview gives, read in the host or on the worker thread; and where the CLI's preview refuses a
// protected resource, the list names that resource instead.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { ChangeModelBuilder, changeCounts } from '../../../src/stacks/model/changeModel';
import { destroyList } from '../../../src/stacks/model/destroyList';
import { readFileBackendIndex } from '../../../src/stacks/runner/fileBackend';
import { PulumiProjectSession } from '../../../src/stacks/runner/session';
import { realCliSettings, repo, tools } from './realCli';

const PROGRAM = `import * as pulumi from '@pulumi/pulumi';
class Thing extends pulumi.ComponentResource {
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super('test:index:Thing', name, {}, opts);
    this.registerOutputs({ name });
  }
}
const group = new Thing('group');
for (let i = 0; i < 3; i++) new Thing(\`child-\${i}\`, { parent: group });
new Thing('keep', { protect: new pulumi.Config().getBoolean('protect') ?? false });
`;

describe("stacks: the destroy list from the state vs the CLI's destroy preview (real CLI)", function () {
  this.timeout(180_000);
  // Inside the repository, so the program resolves @pulumi/pulumi from its node_modules.
  const base = path.join(repo, 'test-output', 'unit-destroy-list');
  const project = path.join(base, 'p');
  const worker = path.resolve(__dirname, '..', '..', '..', 'src', 'stacks', 'runner', 'stateReader.js');
  let session: PulumiProjectSession | undefined;

  before(function () {
    if (!tools.pulumi || process.platform !== 'linux') this.skip();
    fs.rmSync(base, { recursive: true, force: true });
    fs.mkdirSync(path.join(base, 'backend'), { recursive: true });
    fs.mkdirSync(project, { recursive: true });
    fs.writeFileSync(path.join(project, 'Pulumi.yaml'), 'name: destroylist\nruntime: nodejs\nmain: index.ts\n');
    fs.writeFileSync(path.join(project, 'index.ts'), PROGRAM);
    session = new PulumiProjectSession(
      { dir: project, name: 'destroylist', runtime: 'nodejs', main: 'index.ts' },
      realCliSettings(base, 'onDisk'),
      () => true,
    );
  });
  after(async () => {
    await session?.dispose();
    fs.rmSync(base, { recursive: true, force: true });
  });

  const cliPreview = async () => {
    const b = new ChangeModelBuilder('destroy', 'dev');
    const r = await session!.run('destroy', 'dev', { previewOnly: true, onEvent: (e) => void b.apply(e) });
    return { r, model: b.model };
  };
  const fromState = async () => {
    const idx = await session!.stateIndex('dev');
    assert.ok(idx.ok, JSON.stringify(idx));
    return destroyList('dev', await idx.value.destroyCandidates());
  };

  it('lists what the CLI would delete, in the host and on the worker thread', async () => {
    const s = session!;
    assert.ok((await s.createStack('dev')).ok);
    const up = await s.run('up', 'dev', {});
    assert.ok(up.ok, JSON.stringify(up));
    const cli = await cliPreview();
    assert.ok(cli.r.ok, JSON.stringify(cli.r));
    const mine = await fromState();
    assert.strictEqual(mine.kind, 'ok');
    if (mine.kind !== 'ok') return;
    assert.deepStrictEqual(mine.model.resources.map((r) => r.urn).sort(), cli.model.resources.map((r) => r.urn).sort());
    assert.deepStrictEqual(changeCounts(mine.model), changeCounts(cli.model));
    assert.strictEqual(changeCounts(mine.model).delete, 5, 'group, its three children and keep');
    const order = mine.model.resources.map((r) => r.name);
    for (let i = 0; i < 3; i++) assert.ok(order.indexOf(`child-${i}`) < order.indexOf('group'), order.join(' '));
    // A big checkpoint is read on the worker thread: the same list.
    const onWorker = await readFileBackendIndex(`file://${path.join(base, 'backend')}`, 'destroylist', 'dev', {
      workerScript: worker,
      inlineBytes: 0,
    });
    assert.ok(onWorker?.ok, JSON.stringify(onWorker));
    const again = destroyList('dev', await onWorker.value.destroyCandidates());
    assert.strictEqual(again.kind === 'ok' && again.fingerprint, mine.fingerprint);
  });

  it("names the protected resource where the CLI's destroy preview refuses it", async () => {
    const s = session!;
    assert.ok((await s.setConfig('dev', 'destroylist:protect', 'true', false)).ok);
    const up = await s.run('up', 'dev', {});
    assert.ok(up.ok, JSON.stringify(up));
    const cli = await cliPreview();
    assert.ok(!cli.r.ok, 'the CLI refuses to delete a protected resource');
    assert.match(cli.r.error.detail + cli.r.error.message, /keep.*cannot be deleted[\s\S]*because it is protected/);
    const mine = await fromState();
    assert.strictEqual(mine.kind, 'protected');
    if (mine.kind !== 'protected') return;
    assert.deepStrictEqual(
      mine.resources.map((r) => r.name),
      ['keep'],
    );
    assert.match(mine.resources[0]!.urn, /test:index:Thing::keep$/);
  });
});
