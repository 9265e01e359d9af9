// Drift in the real host against the real CLI: the files fixture is deployed, then one of its files is
// edited on disk behind Pulumi's back. Check Drift finds it (a preview-only refresh: the state and the
// file stay as they are), the tree shows the badge text and tooltip, the change view's Drift mode has
// the property as state → cloud; Accept (refresh) takes the cloud's value into the state; after a second
// edit, Revert (an up that refreshes first, confirmed) writes the program's value back to the file.
import * as assert from 'assert';
import { hasRig, screenshot } from '../../rig';
import * as fs from 'fs';
import * as path from 'path';
import {
  StacksApi,
  api,
  cmd,
  copyFixture,
  dataDir,
  expectStatus,
  newStack,
  read,
  toolsHavePulumi,
  useFileBackend,
  OpResult,
} from './support';

const PROJECT = 'opsdeck-drift';

describe('Stacks: drift', function () {
  let stacks: StacksApi;
  let project: string;
  let data: string;
  let aFile: string;

  before(async function () {
    if (!toolsHavePulumi()) {
      console.log('Stacks: no Pulumi CLI in .tools/tools.json: skipping');
      this.skip();
    }
    stacks = await api();
    await useFileBackend();
    project = copyFixture('files', 'drift-files');
    // Its own project name, so its stacks never meet the files fixture's in the shared backend.
    const yamlFile = path.join(project, 'Pulumi.yaml');
    fs.writeFileSync(yamlFile, fs.readFileSync(yamlFile, 'utf8').replace('name: opsdeck-files', `name: ${PROJECT}`));
    data = dataDir('drift-dev');
    fs.rmSync(data, { recursive: true, force: true });
    aFile = path.join(data, 'a.txt');
    await cmd('refreshStacks');
    await newStack(project, 'dev', { dir: data });
    expectStatus(await cmd<OpResult>('deploy', { project, stack: 'dev', confirm: { yes: true } }), 'succeeded');
    assert.strictEqual(read(aFile), 'hello, world\n');
  });

  it('finds nothing on a stack that matches the cloud', async () => {
    const r = expectStatus(await cmd<OpResult>('checkDrift', { project, stack: 'dev', confirm: { yes: true } }), 'succeeded');
    assert.strictEqual(r.counts, 'no drift');
    assert.deepStrictEqual(r.drift?.resources, []);
    const st = (await stacks.children([PROJECT])).find((s) => s.label === 'dev')!;
    assert.doesNotMatch(st.description ?? '', /drift/);
  });

  it('finds a file edited behind Pulumi: the tree badge text and tooltip, Drift mode with state → cloud; nothing changed', async () => {
    fs.writeFileSync(aFile, 'edited by hand\n');
    const r = expectStatus(await cmd<OpResult>('checkDrift', { project, stack: 'dev', confirm: { yes: true } }), 'succeeded');
    assert.strictEqual(r.counts, '1 resource drifted');
    assert.strictEqual(read(aFile), 'edited by hand\n', 'a drift check must not change the cloud');

    const st = (await stacks.children([PROJECT])).find((s) => s.label === 'dev')!;
    assert.match(st.description ?? '', /1 resource drifted/);
    assert.match(st.tooltip ?? '', /Drift \(checked .*\):\n {2}a: content "hello, world\\n" → "edited by hand\\n"/);
    const a = (await stacks.children([PROJECT, 'dev', 'Resources', 'site'])).find((x) => x.label === 'a')!;
    assert.strictEqual(a.description, 'pulumi-nodejs:dynamic:Resource · drifted');
    assert.match(a.tooltip ?? '', /Drifted: a: content "hello, world\\n" → "edited by hand\\n"/);

    const view = stacks.changeView(project, 'dev')!;
    assert.strictEqual(view.status, 'drifted');
    assert.deepStrictEqual(
      view.drift?.resources.map((x) => [x.name, x.kind, x.properties.find((p) => p.path === 'content')]),
      [
        [
          'a',
          'changed',
          {
            path: 'content',
            kind: 'update',
            replace: false,
            old: '"hello, world\\n"',
            new: '"edited by hand\\n"',
            // a multi-line string value is also shown as a line diff (issue 10 #6)
            lines: [
              { kind: 'delete', text: 'hello, world' },
              { kind: 'add', text: 'edited by hand' },
            ],
          },
        ],
      ],
    );
    assert.match(stacks.logText(), /drift check: 1 resource drifted/);
    // The README's picture of Drift mode (the tree badge beside it).
    if (hasRig()) await screenshot('stacks-drift');
    // The state still holds the old value: the check changed nothing.
    const hist = await stacks.children([PROJECT, 'dev', 'History']);
    assert.deepStrictEqual(
      hist.map((h) => h.label),
      ['#1 update'],
    );
  });

  it("Accept takes the cloud's value into the state and clears the badge; the file stays edited", async () => {
    const r = expectStatus(await cmd<OpResult>('acceptDrift', { project, stack: 'dev', confirm: { yes: true } }), 'succeeded');
    assert.strictEqual(r.operation, 'refresh');
    assert.strictEqual(read(aFile), 'edited by hand\n');
    assert.strictEqual(stacks.drift(project, 'dev'), undefined);
    const st = (await stacks.children([PROJECT])).find((s) => s.label === 'dev')!;
    assert.doesNotMatch(st.description ?? '', /drift/);
    // The state now records what is on disk.
    const a = (await stacks.children([PROJECT, 'dev', 'Resources', 'site'])).find((x) => x.label === 'a')!;
    assert.match(a.tooltip ?? '', /content: "edited by hand\\n"/);
    assert.strictEqual(a.description, 'pulumi-nodejs:dynamic:Resource');
    const again = expectStatus(await cmd<OpResult>('checkDrift', { project, stack: 'dev', confirm: { yes: true } }), 'succeeded');
    assert.strictEqual(again.counts, 'no drift', JSON.stringify(again.drift));
  });

  it("Revert asks first, then deploys the program's value back over a new edit", async () => {
    fs.writeFileSync(aFile, 'edited again\n');
    expectStatus(await cmd<OpResult>('checkDrift', { project, stack: 'dev', confirm: { yes: true } }), 'succeeded');
    // Not confirmed: nothing happens.
    expectStatus(await cmd<OpResult>('revertDrift', { project, stack: 'dev', confirm: { yes: false } }), 'refused');
    assert.strictEqual(read(aFile), 'edited again\n');
    const r = expectStatus(await cmd<OpResult>('revertDrift', { project, stack: 'dev', confirm: { yes: true } }), 'succeeded');
    assert.strictEqual(r.operation, 'up');
    assert.match(r.counts, /1 updated/);
    assert.strictEqual(read(aFile), 'hello, world\n');
    assert.strictEqual(stacks.drift(project, 'dev'), undefined);
    const again = expectStatus(await cmd<OpResult>('checkDrift', { project, stack: 'dev', confirm: { yes: true } }), 'succeeded');
    assert.strictEqual(again.counts, 'no drift');
  });
});
