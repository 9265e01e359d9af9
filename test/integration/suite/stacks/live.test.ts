// Stacks while an operation runs and after it is killed: the Resources section fills in as the
// engine reports resources done; a CLI killed (SIGKILL, not a cancel) half way through an up is
// reported as killed, the tree shows what the state says (pending operations, a leftover lock), and
// refresh + up recover; the change view's link opens the program at the resource's line.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
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
  OpResult,
  PlainItem,
} from './support';

const PROJECT = 'opsdeck-live';

/** Pids of `pulumi … up …` processes for the stack (the CLI itself, not its plugins). */
function pulumiUpPids(stack: string): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let argv: string[];
    try {
      argv = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch {
      continue;
    }
    if (!argv.length || path.basename(argv[0]!) !== 'pulumi') continue;
    if (argv.includes('up') && argv.some((a) => a === stack || a.endsWith(`/${stack}`))) out.push(Number(d));
  }
  return out;
}

/** The process tree under `pid` (its children, theirs, …), read from /proc. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      /* gone */
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/** Which of the pids still run (zombies do not count), with their command lines. */
function alive(pids: number[]): string[] {
  const out: string[] = [];
  for (const p of pids) {
    try {
      const cmd = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8');
      if (cmd) out.push(`${p}: ${cmd.split('\0').join(' ')}`);
    } catch {
      /* gone */
    }
  }
  return out;
}

async function allGone(what: string, pids: number[], ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (alive(pids).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.deepStrictEqual(alive(pids), [], `${what} are still running`);
}

describe('Stacks: live Resources, a killed deploy, the change view source link', function () {
  let stacks: StacksApi;
  let project: string;

  before(async function () {
    if (!toolsHavePulumi()) this.skip();
    stacks = await api();
    await useFileBackend();
    project = copyFixture('files', 'live');
    fs.writeFileSync(
      path.join(project, 'Pulumi.yaml'),
      fs.readFileSync(path.join(project, 'Pulumi.yaml'), 'utf8').replace('name: opsdeck-files', `name: ${PROJECT}`),
    );
    await cmd('refreshStacks');
  });

  const running = (stack: string) => stacks.running().some((r) => r.stack === `${project}#${stack}`);

  it('shows resources in the Resources section while the up is still running', async () => {
    const data = dataDir('live-dev');
    await newStack(project, 'dev', { dir: data, delayMs: '2500' });
    assert.deepStrictEqual(labels(await stacks.children([PROJECT, 'dev', 'Resources'])), ['No resources (deploy to create them)']);
    const up = cmd<OpResult>('deploy', { project, stack: 'dev', confirm: { yes: true } });
    let finished = false;
    void up.then(() => (finished = true));
    await until('the update to start', () => running('dev'));
    const seenWhileRunning = new Set<string>();
    while (!finished) {
      const items: PlainItem[] = await stacks.children([PROJECT, 'dev', 'Resources']);
      if (running('dev') && !finished) for (const i of items) if (i.contextValue?.startsWith('resource')) seenWhileRunning.add(i.label);
      await new Promise((r) => setTimeout(r, 150));
    }
    expectStatus(await up, 'succeeded');
    // The component is created at once; its file resources take 2.5 s each: it shows before the end.
    assert.ok(
      seenWhileRunning.has('site'),
      `Resources showed nothing while the up ran (saw: ${[...seenWhileRunning].join(', ') || 'none'})`,
    );
    assert.deepStrictEqual(labels(await stacks.children([PROJECT, 'dev', 'Resources'])), ['c', 'site', 'default']);
    assert.deepStrictEqual(labels(await stacks.children([PROJECT, 'dev', 'Resources', 'site'])), ['a', 'b']);
    assert.strictEqual(read(path.join(data, 'c.txt')), 'sea\n');
  });

  it('the change view links a resource to the program line that declared it', async () => {
    const view = stacks.changeView(project, 'dev')!;
    const res = view.groups.flatMap((g) => g.resources).find((r) => r.name === 'site');
    assert.ok(res?.urn, 'the change view lists site with its URN');
    assert.strictEqual(res.hasSource, true, 'the change view offers the link for site');
    // The extension side of the webview's { type: 'openSource', urn } message runs this command.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.strictEqual(await cmd<boolean>('openResourceSource', { project, stack: 'dev', urn: res.urn }), true);
    const ed = await until('an editor on the program', () => vscode.window.activeTextEditor);
    // `const site = new Site('site');` in the program's index.ts.
    const program = path.join(project, 'index.ts');
    const expected = fs
      .readFileSync(program, 'utf8')
      .split('\n')
      .findIndex((l) => l.includes("new Site('site')"));
    assert.strictEqual(ed.document.uri.fsPath, program);
    assert.strictEqual(ed.selection.active.line, expected, `the cursor is on line ${expected + 1}`);
    assert.match(ed.document.lineAt(ed.selection.active.line).text, /new Site\('site'\)/);
  });

  it('a CLI killed half way through an up is reported as killed; after a refresh the tree shows the truth and refresh + up recover', async () => {
    const data = dataDir('live-halfway');
    await newStack(project, 'halfway', { dir: data, delayMs: '8000' });
    const up = cmd<OpResult>('deploy', { project, stack: 'halfway', confirm: { yes: true } });
    // Wait until the engine has created the component (it is in the checkpoint) and the files are in flight.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const items = await stacks.children([PROJECT, 'halfway', 'Resources']);
      if (items.some((i) => i.label === 'site')) break;
      if (Date.now() > deadline) throw new Error('site never appeared');
      await new Promise((r) => setTimeout(r, 150));
    }
    const pids = pulumiUpPids('halfway');
    assert.strictEqual(pids.length, 1, `one pulumi up process for the stack (found ${pids.join(', ') || 'none'})`);
    // The plugins this CLI started (language host, dynamic provider and their node processes).
    const plugins = descendants(pids[0]!);
    assert.ok(
      alive(plugins).some((c) => /pulumi-language-nodejs|pulumi-resource-pulumi-nodejs/.test(c)),
      alive(plugins).join('\n'),
    );
    process.kill(pids[0]!, 'SIGKILL');
    const r = expectStatus(await up, 'failed');
    // Orphaned by the kill (re-parented to init), they are still ended by OpsDeck.
    await allGone("the killed CLI's plugins", plugins);
    assert.strictEqual(r.failure.kind, 'killed', JSON.stringify(r.failure));
    assert.match(r.failure.message, /killed \(SIGKILL\)/);
    assert.match(r.failure.remedy, /Refresh/);
    assert.match(stacks.logText(), /#halfway\] up failed: The Pulumi CLI was killed \(SIGKILL\)/);
    assert.strictEqual(stacks.changeView(project, 'halfway')!.status, 'failed');
    assert.ok(!running('halfway'), 'OpsDeck no longer counts the up as running');

    // The tree after a refresh of the view: what the state says, read from the backend.
    await cmd('refreshStacks');
    const after = await stacks.children([PROJECT, 'halfway', 'Resources']);
    const texts = labels(after);
    assert.ok(texts.includes('site'), `the component created before the kill is shown (${texts.join(' | ')})`);
    for (const name of ['a', 'b', 'c']) {
      assert.ok(
        texts.some((t) => new RegExp(`^Pending creating: ${name} — run Refresh$`).test(t)),
        `pending create of ${name} is shown with the advice to refresh (${texts.join(' | ')})`,
      );
    }
    const lock = after.find((i) => i.contextValue === 'stackLocked');
    console.log(`Stacks: after the kill the Resources section shows: ${texts.join(' | ')}`);

    // Refresh: if the killed CLI left its lock, OpsDeck says so and offers clearing it. The pending
    // creates are the user's call (asked in a modal; answered here): cleared, the up creates them.
    const refreshArg = { project, stack: 'halfway', confirm: { yes: true, clearPendingCreates: true } };
    let refreshed = await cmd<OpResult>('refreshStack', refreshArg);
    if (refreshed.status === 'failed') {
      assert.strictEqual(refreshed.failure.kind, 'locked', JSON.stringify(refreshed));
      assert.ok(lock, 'the tree shows the leftover lock with Clear Lock');
      assert.match(refreshed.failure.remedy, /Clear Pulumi Stack Lock/);
      assert.strictEqual(await cmd<boolean>('clearStackLock', { project, stack: 'halfway', confirm: { yes: true } }), true);
      refreshed = await cmd<OpResult>('refreshStack', refreshArg);
    } else {
      assert.ok(!lock, 'no lock shown when the backend holds none');
    }
    expectStatus(refreshed, 'succeeded');
    assert.match(stacks.logText(), /#halfway\] 3 pending create\(s\) \([abc], [abc], [abc]\): cleared from the state by this refresh/);
    const afterRefresh = labels(await stacks.children([PROJECT, 'halfway', 'Resources']));
    assert.ok(
      !afterRefresh.some((t) => t.startsWith('Pending') || t.startsWith('Locked')),
      `refresh reconciled the pending operations (${afterRefresh.join(' | ')})`,
    );

    await cmd('setConfig', { project, stack: 'halfway', key: 'delayMs', value: '0', secret: false });
    const again = await cmd<OpResult>('deploy', { project, stack: 'halfway', confirm: { yes: true } });
    assert.ok(again.status === 'succeeded' || again.status === 'no-changes', JSON.stringify(again));
    assert.strictEqual(read(path.join(data, 'a.txt')), 'hello, world\n');
    assert.strictEqual(read(path.join(data, 'b.txt')), 'bee\n');
    assert.strictEqual(read(path.join(data, 'c.txt')), 'sea\n');
    assert.deepStrictEqual(labels(await stacks.children([PROJECT, 'halfway', 'Resources'])), ['c', 'site', 'default']);
  });

  it('a second Cancel ends the CLI and every process it started at once', async () => {
    const data = dataDir('live-cancel-twice');
    await newStack(project, 'twice', { dir: data, delayMs: '60000' });
    const up = cmd<OpResult>('deploy', { project, stack: 'twice', confirm: { yes: true } });
    const deadline = Date.now() + 60_000;
    while (!(await stacks.children([PROJECT, 'twice', 'Resources'])).some((i) => i.label === 'site')) {
      if (Date.now() > deadline) throw new Error('site never appeared');
      await new Promise((r) => setTimeout(r, 150));
    }
    const cli = pulumiUpPids('twice');
    assert.strictEqual(cli.length, 1);
    const tree = [cli[0]!, ...descendants(cli[0]!)];
    const started = Date.now();
    assert.strictEqual(await cmd<boolean>('cancel', { project, stack: 'twice' }), true);
    await new Promise((r) => setTimeout(r, 1000));
    // The engine waits for the 60 s creates in flight; the user does not want to.
    assert.ok(running('twice'), 'the first cancel is still waiting for the steps in flight');
    assert.strictEqual(await cmd<boolean>('cancel', { project, stack: 'twice' }), true);
    expectStatus(await up, 'cancelled');
    assert.ok(Date.now() - started < 30_000, `the second cancel took ${Date.now() - started} ms`);
    await allGone('the CLI and its plugins', tree);
    assert.match(stacks.logText(), /#twice\] cancel requested again: ending the Pulumi CLI and the processes it started/);
  });
});
