// Rollback against the real CLI: a project in its own git repository, two deploys from two commits,
// then "Roll back to this update" on the first: the earlier files come back, the temporary
// worktree is gone, and History records the rollback deploy.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
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
  useFileBackend,
  OpResult,
} from './support';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=OpsDeck Test', '-c', 'user.email=test@opsdeck.invalid', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();
}

describe('Stacks: roll back to an earlier update', function () {
  let stacks: StacksApi;

  before(async function () {
    if (!toolsHavePulumi()) this.skip();
    stacks = await api();
    await useFileBackend();
  });

  it('checks the recorded commit out into a temporary worktree, deploys it, and removes the worktree', async () => {
    const project = copyFixture('files', 'rollback');
    fs.writeFileSync(
      path.join(project, 'Pulumi.yaml'),
      fs.readFileSync(path.join(project, 'Pulumi.yaml'), 'utf8').replace('name: opsdeck-files', 'name: opsdeck-rollback'),
    );
    const data = dataDir('rollback');
    git(project, 'init', '-q');
    await cmd('refreshStacks');
    await newStack(project, 'dev', { dir: data, greeting: 'first' });
    git(project, 'add', '-A');
    git(project, 'commit', '-qm', 'first');
    const first = git(project, 'rev-parse', 'HEAD');
    expectStatus(await cmd<OpResult>('deploy', { project, stack: 'dev', confirm: { yes: true } }), 'succeeded');
    assert.strictEqual(read(path.join(data, 'a.txt')), 'first, world\n');

    await cmd('setConfig', { project, stack: 'dev', key: 'greeting', value: 'second', secret: false });
    await cmd('setConfig', { project, stack: 'dev', key: 'cName', value: 'c-second.txt', secret: false });
    git(project, 'commit', '-qam', 'second');
    const second = git(project, 'rev-parse', 'HEAD');
    expectStatus(await cmd<OpResult>('deploy', { project, stack: 'dev', confirm: { yes: true } }), 'succeeded');
    assert.strictEqual(read(path.join(data, 'a.txt')), 'second, world\n');

    const hist = await stacks.children(['opsdeck-rollback', 'dev', 'History']);
    assert.deepStrictEqual(labels(hist), ['#2 update', '#1 update']);
    assert.strictEqual(hist[1]!.contextValue, 'historyEntryWithCommit', 'the first update recorded its commit');
    assert.match(hist[1]!.tooltip ?? '', new RegExp(`git ${first}`));

    const before = new Set(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('opsdeck-rollback-')));
    const started = Date.now();
    const rolling = cmd<OpResult>('rollback', { project, stack: 'dev', version: 1, confirm: { yes: true } });
    // While it runs: the worktree sits inside a private folder only this user can enter.
    let finished = false;
    void rolling.then(() => (finished = true));
    let seen: { mode: number; worktree: boolean } | undefined;
    while (!finished && !seen) {
      const dir = fs.readdirSync(os.tmpdir()).find((f) => f.startsWith('opsdeck-rollback-') && !before.has(f));
      const wt = dir && path.join(os.tmpdir(), dir, 'worktree');
      if (dir && wt && fs.existsSync(path.join(wt, '.git')))
        seen = { mode: fs.statSync(path.join(os.tmpdir(), dir)).mode & 0o777, worktree: fs.existsSync(path.join(wt, '.git')) };
      await new Promise((res) => setTimeout(res, 50));
    }
    assert.deepStrictEqual(seen, { mode: 0o700, worktree: true }, 'the worktree was not inside a private (0700) folder');
    const r = expectStatus(await rolling, 'succeeded');
    console.log(`Stacks: rollback took ${((Date.now() - started) / 1000).toFixed(1)} s (preview + deploy)`);
    assert.match(r.counts, /1 updated, 1 replaced/);
    assert.strictEqual(read(path.join(data, 'a.txt')), 'first, world\n');
    assert.strictEqual(read(path.join(data, 'c.txt')), 'sea\n');
    assert.strictEqual(read(path.join(data, 'c-second.txt')), undefined);
    // The worktree is gone, from git and from disk; the project's own checkout is untouched.
    assert.strictEqual(git(project, 'worktree', 'list').split('\n').length, 1);
    assert.deepStrictEqual(
      fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('opsdeck-rollback-') && !before.has(f)),
      [],
    );
    assert.strictEqual(git(project, 'rev-parse', 'HEAD'), second);
    assert.match(fs.readFileSync(path.join(project, 'Pulumi.dev.yaml'), 'utf8'), /second/);
    assert.strictEqual(labels(await stacks.children(['opsdeck-rollback', 'dev', 'History']))[0], '#3 update');
  });

  it('refuses an entry without a recorded commit, with a clear message', async () => {
    const project = copyFixture('files', 'no-git');
    fs.writeFileSync(
      path.join(project, 'Pulumi.yaml'),
      fs.readFileSync(path.join(project, 'Pulumi.yaml'), 'utf8').replace('name: opsdeck-files', 'name: opsdeck-nogit'),
    );
    await cmd('refreshStacks');
    await newStack(project, 'dev', { dir: dataDir('no-git') });
    // The workspace itself lives in the OpsDeck repository, but not in a commit: the update records
    // that repository's HEAD, where this project does not exist.
    expectStatus(await cmd<OpResult>('deploy', { project, stack: 'dev', confirm: { yes: true } }), 'succeeded');
    const r = await cmd<OpResult>('rollback', { project, stack: 'dev', version: 1, confirm: { yes: true } });
    assert.strictEqual(r.status, 'refused', JSON.stringify(r));
    assert.match((r as { reason: string }).reason, /no Pulumi project|no git commit/);
  });
});
