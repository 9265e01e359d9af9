// Stacks against the real Pulumi CLI and a local file backend, in the real VS Code host: the tree
// after each step, the change view's operations and diffs, deploy-what-was-previewed, guard rails,
// one operation per stack, cancel, secrets, failures. The fixture programs manage files in a
// folder, so every assertion about "what was deployed" is checked on disk.
import * as assert from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import * as vscode from 'vscode';
import { click, domText, hasRig, screenshot, waitFor, webviewQuery, webviewText } from '../../rig';
import {
  StacksApi,
  api,
  cmd,
  copyFixture,
  dataDir,
  expectStatus,
  labels,
  newStack,
  read,
  toolsHavePulumi,
  until,
  useFileBackend,
  planFiles,
  putBackendLock,
  OpResult,
  PASSPHRASE,
  PlainItem,
  toolsPulumi,
} from './support';

describe('Stacks: files fixture through the whole change cycle', function () {
  let stacks: StacksApi;
  let project: string;
  let data: string;

  before(async function () {
    if (!toolsHavePulumi()) {
      console.log('Stacks: no Pulumi CLI in .tools/tools.json (run `npm run setup-tools pulumi`): skipping');
      this.skip();
    }
    stacks = await api();
    await useFileBackend();
    project = copyFixture('files');
    data = dataDir('files-dev');
    await cmd('refreshStacks');
  });

  it('discovers the project and shows it has no stacks yet', async () => {
    const roots = await stacks.children();
    assert.ok(labels(roots).includes('opsdeck-files'), `projects: ${labels(roots).join(', ')}`);
    const under = await stacks.children(['opsdeck-files']);
    assert.deepStrictEqual(labels(under), ['No stacks yet — create one']);
  });

  it('creates a stack with config: the tree shows it current with its sections and config', async () => {
    await newStack(project, 'dev', { dir: data });
    const st = await stacks.children(['opsdeck-files']);
    assert.deepStrictEqual(labels(st), ['dev']);
    assert.match(st[0]!.description ?? '', /current/);
    assert.strictEqual(st[0]!.contextValue, 'stack');
    assert.deepStrictEqual(labels(await stacks.children(['opsdeck-files', 'dev'])), ['Resources', 'Outputs', 'Config', 'History']);
    const cfg = await stacks.children(['opsdeck-files', 'dev', 'Config']);
    assert.deepStrictEqual(
      cfg.map((c) => [c.label, c.description]),
      [['opsdeck-files:dir', data]],
    );
    assert.deepStrictEqual(labels(await stacks.children(['opsdeck-files', 'dev', 'Resources'])), ['No resources (deploy to create them)']);
    assert.strictEqual(stacks.selected?.stack, 'dev');
  });

  it('previews the first deploy: four creates, nothing on disk yet, and the change view says how the program ran', async () => {
    const r = expectStatus(await cmd<OpResult>('preview', { project, stack: 'dev' }), 'succeeded');
    assert.match(r.counts, /^4 to create$/);
    const view = stacks.changeView(project, 'dev')!;
    assert.deepStrictEqual(
      view.groups.map((g) => [g.op, g.resources.map((x) => x.name).sort()]),
      [['create', ['a', 'b', 'c', 'site']]],
    );
    assert.match(view.route ?? '', /Program route: (inline|on disk)/);
    assert.strictEqual(fs.readdirSync(data).length, 0, 'a preview must not create anything');
  });

  it('deploys after confirmation: files exist, and Resources / Outputs / History show the truth', async () => {
    assert.strictEqual(planFiles(project, 'dev').length, 1, 'the preview saved its update plan');
    const r = expectStatus(await cmd<OpResult>('deploy', { project, stack: 'dev', confirm: { yes: true } }), 'succeeded');
    assert.match(r.counts, /4 created/);
    // The deploy previewed afresh (its own plan) and applied it: neither plan is kept.
    assert.deepStrictEqual(planFiles(project, 'dev'), [], 'update plans were left behind after a direct deploy');
    assert.strictEqual(read(path.join(data, 'a.txt')), 'hello, world\n');
    assert.strictEqual(read(path.join(data, 'b.txt')), 'bee\n');
    assert.strictEqual(read(path.join(data, 'c.txt')), 'sea\n');
    const res = await stacks.children(['opsdeck-files', 'dev', 'Resources']);
    assert.deepStrictEqual(labels(res), ['c', 'site', 'default']);
    assert.strictEqual(res[0]!.description, 'pulumi-nodejs:dynamic:Resource');
    assert.match(res[0]!.tooltip ?? '', /id: .*c\.txt/);
    assert.deepStrictEqual(labels(await stacks.children(['opsdeck-files', 'dev', 'Resources', 'site'])), ['a', 'b']);
    const outs = await stacks.children(['opsdeck-files', 'dev', 'Outputs']);
    assert.deepStrictEqual(
      outs.map((o) => [o.label, o.description]),
      [
        ['aContent', '"hello, world\\n"'],
        ['aPath', JSON.stringify(path.join(data, 'a.txt'))],
        ['cPath', JSON.stringify(path.join(data, 'c.txt'))],
      ],
    );
    const hist = await stacks.children(['opsdeck-files', 'dev', 'History']);
    assert.deepStrictEqual(labels(hist), ['#1 update']);
    assert.match(hist[0]!.description ?? '', /^succeeded · .* \+5/);
  });

  it('counts resources one way everywhere: confirmation, log, stack row, Resources (issue 10 #7)', async () => {
    // The deploy above: "4 created" in its result and confirmation; the log's summary the same.
    const summaries = stacks
      .logText()
      .split('\n')
      .filter((l) => /\[dev\]\s+summary:/.test(l));
    assert.match(summaries[summaries.length - 1] ?? '', /summary: create=4 in/, summaries.join('\n'));
    // The stack row: the state's count under the same rule (read once the row is drawn).
    let row: PlainItem | undefined;
    for (let i = 0; i < 50; i++) {
      row = (await stacks.children(['opsdeck-files']))[0];
      if (/\b4 resources\b/.test(row?.description ?? '')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.match(row?.description ?? '', /\b4 resources\b/);
    assert.match(row?.tooltip ?? '', /Not counted: the stack resource .* and default providers/);
    // Resources: the rows that count are the same four; the default provider says it is not counted.
    const counted: string[] = [];
    const notCounted: string[] = [];
    const walk = async (p: string[]) => {
      for (const n of await stacks.children(p)) {
        (/not counted/.test(n.description ?? '') ? notCounted : counted).push(n.label);
        if (n.collapsible) await walk([...p, n.label]);
      }
    };
    await walk(['opsdeck-files', 'dev', 'Resources']);
    assert.deepStrictEqual(counted.sort(), ['a', 'b', 'c', 'site']);
    assert.deepStrictEqual(notCounted, ['default']);
    const section = (await stacks.children(['opsdeck-files', 'dev'])).find((x) => x.label === 'Resources')!;
    assert.strictEqual(section.description, '4 resources');
  });

  it('previews an update, a replace and a delete with property diffs, and deploys exactly that preview', async () => {
    await cmd('setConfig', { project, stack: 'dev', key: 'greeting', value: 'bonjour', secret: false });
    await cmd('setConfig', { project, stack: 'dev', key: 'cName', value: 'c2.txt', secret: false });
    await cmd('setConfig', { project, stack: 'dev', key: 'withB', value: 'false', secret: false });
    expectStatus(await cmd<OpResult>('preview', { project, stack: 'dev' }), 'succeeded');
    const view = stacks.changeView(project, 'dev')!;
    const byOp = Object.fromEntries(view.groups.map((g) => [g.op, g.resources]));
    assert.deepStrictEqual(Object.keys(byOp), ['update', 'replace', 'delete']);
    assert.deepStrictEqual(
      byOp.update!.map((x) => [x.name, x.diffs.map((d) => `${d.path}: ${d.old} → ${d.new}`)]),
      [['a', ['content: "hello, world\\n" → "bonjour, world\\n"']]],
    );
    // A multi-line string is shown as a line diff (issue 10 #6).
    assert.deepStrictEqual(byOp.update![0]!.diffs[0]!.lines, [
      { kind: 'delete', text: 'hello, world' },
      { kind: 'add', text: 'bonjour, world' },
    ]);
    assert.deepStrictEqual(
      byOp.replace!.map((x) => [x.name, x.replaceReasons, x.diffs.map((d) => [d.path, d.replace])]),
      [['c', ['fileName'], [['fileName', true]]]],
    );
    assert.deepStrictEqual(
      byOp.delete!.map((x) => x.name),
      ['b'],
    );
    if (hasRig()) {
      await vscode.commands.executeCommand('opsdeck.stacks.focus');
      await new Promise((r) => setTimeout(r, 3000));
      await screenshot('stacks-change-view-preview');
      const text = await webviewText('stacks-change-view-preview');
      assert.match(text, /replaced because fileName changed/);
      assert.match(text, /Deploy exactly this preview/);
      assert.match(text, /− hello, world\n\+ bonjour, world/);
      assert.doesNotMatch(text, /\\n/, 'no escaped line breaks in the change view');
      // The property-name column never wraps mid-word ("conte" / "nt").
      const paths = await webviewQuery('td.path', [], ['white-space']);
      assert.ok(paths.length >= 2, JSON.stringify(paths));
      for (const p of paths) assert.strictEqual(p.styles['white-space'], 'nowrap', p.text);
    }
    const r = expectStatus(await cmd<OpResult>('deployPreview', { project, stack: 'dev', confirm: { yes: true } }), 'succeeded');
    assert.match(r.counts, /1 updated, 1 replaced, 1 deleted/);
    assert.strictEqual(read(path.join(data, 'a.txt')), 'bonjour, world\n');
    assert.strictEqual(read(path.join(data, 'c2.txt')), 'sea\n');
    assert.strictEqual(read(path.join(data, 'c.txt')), undefined);
    assert.strictEqual(read(path.join(data, 'b.txt')), undefined);
    assert.deepStrictEqual(labels(await stacks.children(['opsdeck-files', 'dev', 'History'])), ['#2 update', '#1 update']);
  });

  it('a preview that finds no changes offers no deploy and says so once', async () => {
    expectStatus(await cmd<OpResult>('preview', { project, stack: 'dev' }), 'succeeded');
    const view = stacks.changeView(project, 'dev')!;
    assert.deepStrictEqual(view.groups, []);
    assert.strictEqual(view.canDeploy, false);
    assert.strictEqual(view.planNote, undefined);
    if (hasRig()) {
      const text = await waitFor('the change view of the empty preview', async () => {
        const t = await webviewText('stacks-change-view-no-changes');
        return /Nothing to change/.test(t) ? t : undefined;
      });
      assert.doesNotMatch(text, /Deploy exactly this preview/);
      assert.doesNotMatch(text, /No changes\./);
    }
  });

  it('refuses to deploy a preview when the program changed after it, and changes nothing', async () => {
    await cmd('setConfig', { project, stack: 'dev', key: 'greeting', value: 'hola', secret: false });
    expectStatus(await cmd<OpResult>('preview', { project, stack: 'dev' }), 'succeeded');
    assert.deepStrictEqual(
      stacks.changeView(project, 'dev')!.groups.map((g) => [g.op, g.resources.map((x) => x.name)]),
      [['update', ['a']]],
    );
    const index = path.join(project, 'index.ts');
    fs.writeFileSync(index, fs.readFileSync(index, 'utf8').replace("'sea\\n'", "'ocean\\n'"));
    const r = expectStatus(await cmd<OpResult>('deployPreview', { project, stack: 'dev', confirm: { yes: true } }), 'refused');
    assert.match(r.reason, /changed since the preview/);
    assert.strictEqual(read(path.join(data, 'a.txt')), 'bonjour, world\n', 'nothing was deployed');
    assert.strictEqual(read(path.join(data, 'c2.txt')), 'sea\n');
    // Put the program back and deploy the config change through a fresh preview.
    fs.writeFileSync(index, fs.readFileSync(index, 'utf8').replace("'ocean\\n'", "'sea\\n'"));
    expectStatus(await cmd<OpResult>('deploy', { project, stack: 'dev', confirm: { yes: true } }), 'succeeded');
    assert.strictEqual(read(path.join(data, 'a.txt')), 'hola, world\n');
  });

  it("refresh after a change behind Pulumi's back shows the drift and records it", async () => {
    fs.writeFileSync(path.join(data, 'a.txt'), 'edited by hand\n');
    expectStatus(await cmd<OpResult>('refreshStack', { project, stack: 'dev' }), 'succeeded');
    const view = stacks.changeView(project, 'dev')!;
    const a = view.groups.find((g) => g.op === 'update')?.resources.find((x) => x.name === 'a');
    assert.ok(a, `refresh view: ${JSON.stringify(view.groups)}`);
    assert.ok(
      a.diffs.some((d) => d.path === 'content' && d.old === '"hola, world\\n"' && d.new === '"edited by hand\\n"'),
      JSON.stringify(a.diffs),
    );
    const site = await stacks.children(['opsdeck-files', 'dev', 'Resources', 'site']);
    assert.match(site.find((x) => x.label === 'a')!.tooltip ?? '', /content: "edited by hand\\n"/);
    assert.strictEqual(labels(await stacks.children(['opsdeck-files', 'dev', 'History']))[0], '#4 refresh');
  });

  it('runs one operation per stack: a second deploy is refused while the first runs', async () => {
    await cmd('setConfig', { project, stack: 'dev', key: 'delayMs', value: '1500', secret: false });
    await cmd('setConfig', { project, stack: 'dev', key: 'greeting', value: 'ciao', secret: false });
    const first = cmd<OpResult>('deploy', { project, stack: 'dev', confirm: { yes: true } });
    await until('the first deploy to run', () => stacks.running().some((r) => r.stack.endsWith('#dev')));
    const second = expectStatus(await cmd<OpResult>('deploy', { project, stack: 'dev', confirm: { yes: true } }), 'refused');
    assert.match(second.reason, /already running on .*dev/);
    expectStatus(await first, 'succeeded');
    assert.strictEqual(read(path.join(data, 'a.txt')), 'ciao, world\n');
    const waited = expectStatus(await cmd<OpResult>('deploy', { project, stack: 'dev', confirm: { yes: true }, wait: true }), 'no-changes');
    assert.ok(waited);
  });

  it('cancel during an up stops it and leaves the stack usable and consistent', async () => {
    await cmd('setConfig', { project, stack: 'dev', key: 'delayMs', value: '6000', secret: false });
    await cmd('setConfig', { project, stack: 'dev', key: 'greeting', value: 'salut', secret: false });
    await cmd('setConfig', { project, stack: 'dev', key: 'withB', value: 'true', secret: false });
    const up = cmd<OpResult>('deploy', { project, stack: 'dev', confirm: { yes: true } });
    await until(
      'the update to start',
      () => stacks.changeView(project, 'dev')?.operation === 'up' && stacks.changeView(project, 'dev')?.status === 'running',
    );
    await new Promise((r) => setTimeout(r, 1500));
    assert.strictEqual(await cmd<boolean>('cancel', { project, stack: 'dev' }), true);
    expectStatus(await up, 'cancelled');
    assert.match(stacks.logText(), /#dev\] up cancelled/);
    // The stack is not left locked, and its state matches what exists: a refresh finds no drift.
    await cmd('setConfig', { project, stack: 'dev', key: 'delayMs', value: '0', secret: false });
    expectStatus(await cmd<OpResult>('refreshStack', { project, stack: 'dev' }), 'succeeded');
    const drift = stacks.changeView(project, 'dev')!.groups.filter((g) => g.op !== 'same');
    assert.deepStrictEqual(drift, [], 'after the cancel the recorded state matches the files on disk');
    // Deploying again finishes whatever the cancel left undone (possibly nothing: the engine lets
    // steps in flight complete), and ends at the program's state.
    const again = await cmd<OpResult>('deploy', { project, stack: 'dev', confirm: { yes: true } });
    assert.ok(again.status === 'succeeded' || again.status === 'no-changes', JSON.stringify(again));
    assert.strictEqual(read(path.join(data, 'a.txt')), 'salut, world\n');
    assert.strictEqual(read(path.join(data, 'b.txt')), 'bee\n');
  });

  it('a production stack demands its name before deploy', async () => {
    const prodData = dataDir('files-prod');
    await newStack(project, 'prod', { dir: prodData });
    const refused = expectStatus(await cmd<OpResult>('deploy', { project, stack: 'prod', confirm: { yes: true } }), 'refused');
    assert.match(refused.reason, /production stack/);
    const wrong = expectStatus(
      await cmd<OpResult>('deploy', { project, stack: 'prod', confirm: { yes: true, typedName: 'dev' } }),
      'refused',
    );
    assert.match(wrong.reason, /not typed correctly/);
    assert.deepStrictEqual(fs.readdirSync(prodData), [], 'nothing deployed without the name');
    const st = await stacks.children(['opsdeck-files']);
    assert.match(st.find((s) => s.label === 'prod')!.description ?? '', /production/);
    expectStatus(await cmd<OpResult>('deploy', { project, stack: 'prod', confirm: { yes: true, typedName: 'prod' } }), 'succeeded');
    assert.strictEqual(read(path.join(prodData, 'a.txt')), 'hello, world\n');
  });

  it('asks before a destroy with what the state holds, and deletes nothing when the stack changes while it asks', async function () {
    // The rig clicks the question like a person would; without it there is no one to answer.
    if (!hasRig()) this.skip();
    this.timeout(240_000);
    // Asked as a notification: VS Code's test host refuses modal dialogs.
    const pending = cmd<OpResult>('destroy', { project, stack: 'dev', guardPrompt: 'notification' });
    const question = await waitFor(
      'the destroy question',
      async () => {
        const t = await domText('.notifications-toasts, .notifications-center');
        return /Destroy \(\d+ to delete\)/.test(t) ? t : undefined;
      },
      60_000,
    );
    // What the state holds: the site component, a, b and c, listed in the change view while it asks.
    assert.match(question, /Destroy \(4 to delete\)/, question);
    const view = stacks.changeView(project, 'dev')!;
    assert.strictEqual(view.status, 'awaiting confirmation');
    assert.deepStrictEqual(
      view.groups.map((g) => [g.op, g.resources.map((x) => x.name).sort()]),
      [['delete', ['a', 'b', 'c', 'site']]],
    );
    assert.strictEqual(view.route, undefined, 'a destroy runs no program: no program route line');
    // Meanwhile someone else deploys the stack from a terminal: b goes.
    const env = {
      ...process.env,
      ...vscode.workspace.getConfiguration('opsdeck.pulumi').get<Record<string, string>>('env'),
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      PULUMI_SKIP_UPDATE_CHECK: 'true',
    };
    const cli = (...args: string[]) =>
      promisify(execFile)(toolsPulumi(), [...args, '--stack', 'dev', '--non-interactive'], { cwd: project, env });
    await cli('config', 'set', 'withB', 'false');
    await cli('up', '--yes', '--skip-preview');
    const left = fs.readdirSync(data).sort();
    assert.ok(!left.includes('b.txt') && left.length === 2, left.join(' '));
    await vscode.commands.executeCommand('notifications.showList');
    await screenshot('stacks-destroy-question');
    await click('.notifications-center .notification-list-item .monaco-button:text-matches("^Destroy")');
    await vscode.commands.executeCommand('notifications.hideList');
    const r = expectStatus(await pending, 'refused');
    assert.match(r.reason, /changed since OpsDeck listed what Destroy deletes[\s\S]*Nothing was deleted/);
    assert.deepStrictEqual(fs.readdirSync(data).sort(), left, 'nothing deleted');
  });

  it('destroys after confirmation: files are gone and the tree shows no resources', async () => {
    const r = expectStatus(await cmd<OpResult>('destroy', { project, stack: 'dev', confirm: { yes: true } }), 'succeeded');
    assert.match(r.counts, /deleted/);
    assert.deepStrictEqual(fs.readdirSync(data).sort(), []);
    assert.deepStrictEqual(labels(await stacks.children(['opsdeck-files', 'dev', 'Resources'])), ['No resources (deploy to create them)']);
    assert.strictEqual(labels(await stacks.children(['opsdeck-files', 'dev', 'History']))[0]!.endsWith('destroy'), true);
  });
});

describe('Stacks: secrets, failures', function () {
  let stacks: StacksApi;

  before(async function () {
    if (!toolsHavePulumi()) this.skip();
    stacks = await api();
    await useFileBackend();
  });

  it('never shows or logs a secret config value or secret output in clear', async () => {
    const project = copyFixture('secrets');
    await cmd('refreshStacks');
    const token = 'tok-INTEGRATION-SECRET-4242';
    await newStack(project, 'dev', { dir: dataDir('secrets') }, { apiToken: token });
    expectStatus(await cmd<OpResult>('deploy', { project, stack: 'dev', confirm: { yes: true } }), 'succeeded');
    assert.strictEqual(
      read(path.join(dataDir('secrets'), 'credentials.txt')),
      `token=${token}\n`,
      'the program really received the secret',
    );
    const outs = await stacks.children(['opsdeck-secrets', 'dev', 'Outputs']);
    assert.deepStrictEqual(
      outs.map((o) => [o.label, o.description, o.contextValue]),
      [
        ['credentialsPath', JSON.stringify(path.join(dataDir('secrets'), 'credentials.txt')), 'output'],
        ['plain', '"visible"', 'output'],
        ['tokenOut', '[secret]', 'outputSecret'],
      ],
    );
    const cfg = await stacks.children(['opsdeck-secrets', 'dev', 'Config']);
    assert.deepStrictEqual(cfg.find((c) => c.label === 'opsdeck-secrets:apiToken')!.description, '[secret]');
    const everything = [
      stacks.logText(),
      JSON.stringify(stacks.changeView(project, 'dev')),
      JSON.stringify(outs),
      JSON.stringify(cfg),
      JSON.stringify(await stacks.children(['opsdeck-secrets', 'dev', 'History'])),
    ].join('\n');
    assert.ok(!everything.includes(token), 'the secret leaked into the log, change view or tree');
    assert.ok(!everything.includes('opsdeck integration passphrase'), 'the passphrase leaked');
    assert.match(stacks.logText(), /opsdeck-secrets:apiToken=.*\[secret\]/);
  });

  it('explains a resource that fails to create, errors first, and records the failed update', async () => {
    const project = copyFixture('failing-create');
    await cmd('refreshStacks');
    await newStack(project, 'dev', { dir: dataDir('failing-create') });
    const r = expectStatus(await cmd<OpResult>('deploy', { project, stack: 'dev', confirm: { yes: true } }), 'failed');
    assert.strictEqual(r.failure.kind, 'resource');
    assert.match(r.failure.message, /bad failed: quota exceeded/);
    const view = stacks.changeView(project, 'dev')!;
    assert.strictEqual(view.diagnostics[0]!.severity, 'error');
    assert.strictEqual(view.diagnostics[0]!.resource, 'bad');
    const bad = view.groups.flatMap((g) => g.resources).find((x) => x.name === 'bad')!;
    assert.strictEqual(bad.status, 'failed');
    assert.strictEqual(read(path.join(dataDir('failing-create'), 'good.txt')), 'ok\n', 'the good resource was created');
    const hist = await stacks.children(['opsdeck-failing-create', 'dev', 'History']);
    assert.match(hist[0]!.description ?? '', /^failed/);
    assert.deepStrictEqual(
      labels(await stacks.children(['opsdeck-failing-create', 'dev', 'Resources'])).filter((l) => l !== 'default'),
      ['good'],
    );
  });

  it('explains a program that does not compile, with file and line', async () => {
    const project = copyFixture('broken-compile');
    await cmd('refreshStacks');
    await newStack(project, 'dev', { dir: dataDir('broken-compile') });
    const r = expectStatus(await cmd<OpResult>('preview', { project, stack: 'dev' }), 'failed');
    assert.strictEqual(r.failure.kind, 'compile');
    assert.strictEqual(path.basename(r.failure.locations[0]!.file), 'index.ts');
    assert.strictEqual(r.failure.locations[0]!.line, 5);
    const view = stacks.changeView(project, 'dev')!;
    assert.match(view.failure!.message, /does not compile \(index\.ts:5\)/);
    // "failed", not "failed — no changes" and "No changes." beside the failure (issue 10 #6).
    assert.strictEqual(view.countsLine, '');
    assert.strictEqual(view.emptyText, undefined);
    if (hasRig()) {
      const text = await waitFor('the change view of the failed preview', async () => {
        const t = await webviewText('stacks-change-view-compile-failed');
        return /does not compile/.test(t) ? t : undefined;
      });
      assert.doesNotMatch(text, /no changes/i);
    }
  });

  it('explains a broken Pulumi.yaml in the tree without losing the other projects', async () => {
    const dir = path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'stacks', 'broken-yaml');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'Pulumi.yaml'), 'name: broken\nruntime: [nodejs\n');
    await cmd('refreshStacks');
    const roots = await stacks.children();
    const broken = roots.find((r) => r.contextValue === 'brokenProject');
    assert.ok(broken, labels(roots).join(', '));
    const msg = await stacks.children([broken.label]);
    assert.match(msg[0]!.label, /is not valid YAML \(line \d+\)/);
    assert.ok(labels(roots).includes('opsdeck-secrets'));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('Stacks: a stack locked by someone else', function () {
  before(async function () {
    if (!toolsHavePulumi()) this.skip();
    await useFileBackend();
  });

  it('says who holds the lock, and deploys once the lock is cleared', async () => {
    const project = copyFixture('files', 'locked');
    fs.writeFileSync(
      path.join(project, 'Pulumi.yaml'),
      fs.readFileSync(path.join(project, 'Pulumi.yaml'), 'utf8').replace('name: opsdeck-files', 'name: opsdeck-locked'),
    );
    await cmd('refreshStacks');
    const data = dataDir('locked');
    await newStack(project, 'dev', { dir: data });
    // Another machine's update, killed half way: its lock file stays in the backend.
    const locks = await putBackendLock('opsdeck-locked', 'dev', '0b7f6c1e-lock.json', {
      pid: 4242,
      username: 'dana',
      hostname: 'ci-runner-7',
      timestamp: '2026-11-23T10:00:00Z',
    });
    const r = expectStatus(await cmd<OpResult>('deploy', { project, stack: 'dev', confirm: { yes: true } }), 'failed');
    assert.strictEqual(r.failure.kind, 'locked');
    assert.match(r.failure.message, /locked by another update \(dana@ci-runner-7, pid 4242/);
    assert.match(r.failure.remedy, /Clear Pulumi Stack Lock/);
    assert.deepStrictEqual(fs.readdirSync(data), [], 'nothing deployed while locked');
    assert.strictEqual(await cmd<boolean>('clearStackLock', { project, stack: 'dev', confirm: { yes: true } }), true);
    assert.deepStrictEqual(await locks(), []);
    expectStatus(await cmd<OpResult>('deploy', { project, stack: 'dev', confirm: { yes: true } }), 'succeeded');
    assert.strictEqual(read(path.join(data, 'a.txt')), 'hello, world\n');
  });
});
