// Stacks commands that once ran before any trust check, in an UNTRUSTED workspace: Show Resource
// State and Go to Resource Source (they could load the project's own @pulumi/pulumi or its
// TypeScript) and Roll Back (`git worktree add` runs the repository's hooks) are refused and run
// nothing; the documents' operator lookup runs no git. The project here carries booby traps: its
// node_modules/@pulumi/pulumi and node_modules/typescript, a git hook and a `git` in the workspace
// each leave a marker file when they run.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { StacksApi } from '../../../src/stacks';
import type { OpResult } from '../suite/stacks/support';

const root = (): string => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
const out = (...p: string[]): string => path.join(process.env.OPSDECK_TEST_OUTPUT!, 'untrusted-stacks', ...p);

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=OpsDeck Test', '-c', 'user.email=test@opsdeck.invalid', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();
}

/** A module that leaves `marker` when it is loaded. */
function trap(file: string, marker: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    `require('fs').appendFileSync(${JSON.stringify(marker)}, ${JSON.stringify(file)} + '\\n');\nmodule.exports = {};\n`,
  );
}

describe('Untrusted Stacks: resource state, resource source and rollback are refused and run nothing', function () {
  this.timeout(120_000);
  let stacks: StacksApi;
  let project: string;
  let markers: string;
  const ran = (): string[] =>
    fs.existsSync(markers) ? fs.readdirSync(markers).map((f) => fs.readFileSync(path.join(markers, f), 'utf8')) : [];
  const rollbackDirs = () => new Set(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('opsdeck-rollback-')));

  before(async () => {
    const ext = vscode.extensions.getExtension<Record<string, unknown>>('opsdeck.opsdeck')!;
    stacks = (await ext.activate()).stacks as StacksApi;
    markers = out('markers');
    fs.rmSync(out(), { recursive: true, force: true });
    fs.mkdirSync(markers, { recursive: true });
    project = path.join(root(), 'stacks', 'trapped');
    fs.rmSync(project, { recursive: true, force: true });
    fs.cpSync(path.join(process.env.OPSDECK_REPO!, 'test', 'fixtures', 'pulumi', 'files'), project, { recursive: true });
    // The project's own @pulumi/pulumi (its Automation API) and TypeScript: loading either is running workspace code.
    const nm = path.join(project, 'node_modules');
    fs.mkdirSync(path.join(nm, '@pulumi', 'pulumi'), { recursive: true });
    fs.writeFileSync(
      path.join(nm, '@pulumi', 'pulumi', 'package.json'),
      JSON.stringify({ name: '@pulumi/pulumi', version: '3.259.0', main: 'index.js' }),
    );
    for (const f of ['index.js', 'automation/index.js', 'automation.js'])
      trap(path.join(nm, '@pulumi', 'pulumi', f), path.join(markers, 'pulumi'));
    fs.mkdirSync(path.join(nm, 'typescript'), { recursive: true });
    fs.writeFileSync(path.join(nm, 'typescript', 'package.json'), JSON.stringify({ name: 'typescript', main: 'index.js' }));
    trap(path.join(nm, 'typescript', 'index.js'), path.join(markers, 'typescript'));
    // A repository with a recorded commit and a hook that `git worktree add` would run.
    git(project, 'init', '-q');
    git(project, 'add', '-A');
    git(project, 'commit', '-qm', 'trapped');
    fs.writeFileSync(path.join(project, '.git', 'hooks', 'post-checkout'), `#!/bin/sh\necho hook >> '${path.join(markers, 'hook')}'\n`, {
      mode: 0o755,
    });
    // The workspace folder itself is a repository whose config names its own user, and holds a `git`.
    git(root(), 'init', '-q');
    git(root(), 'config', 'user.name', 'Workspace Git User');
    fs.writeFileSync(path.join(root(), 'git'), `#!/bin/sh\necho "$@" >> '${path.join(markers, 'workspace-git')}'\necho Planted Git\n`, {
      mode: 0o755,
    });
    await vscode.commands.executeCommand('opsdeck.refreshStacks');
  });

  after(() => {
    fs.rmSync(path.join(root(), '.git'), { recursive: true, force: true });
    fs.rmSync(path.join(root(), 'git'), { force: true });
    fs.rmSync(project, { recursive: true, force: true });
  });

  it('runs untrusted', () => assert.strictEqual(vscode.workspace.isTrusted, false));

  it('Show Resource State is refused and loads nothing', async () => {
    const node = {
      kind: 'resource',
      project: {
        dir: project,
        fileUri: vscode.Uri.file(path.join(project, 'Pulumi.yaml')),
        parsed: { ok: true, value: { name: 'opsdeck-files', runtime: 'nodejs', typescript: true } },
      },
      stack: 'dev',
      node: {
        urn: 'urn:pulumi:dev::opsdeck-files::pulumi-nodejs:dynamic:Resource::c',
        name: 'c',
        source: { file: 'project:///index.ts', line: 26 },
      },
    };
    const before = stacks.logText();
    assert.strictEqual(await vscode.commands.executeCommand('opsdeck.showResourceState', node), undefined);
    assert.deepStrictEqual(ran(), [], 'workspace code ran');
    assert.strictEqual(stacks.logText(), before, 'nothing about the stack was logged');
    // The source link from a tree node and from the change view ({ project, stack, urn }).
    assert.strictEqual(await vscode.commands.executeCommand('opsdeck.openResourceSource', node), undefined);
    assert.strictEqual(
      await vscode.commands.executeCommand('opsdeck.openResourceSource', { project, stack: 'dev', urn: node.node.urn }),
      undefined,
    );
    assert.deepStrictEqual(ran(), [], 'workspace code ran');
    assert.strictEqual(vscode.window.activeTextEditor, undefined, 'no editor was opened on the program');
  });

  it('Roll Back is refused with the reason: no git, no hook, no worktree', async () => {
    const before = rollbackDirs();
    const r = await vscode.commands.executeCommand<OpResult>('opsdeck.rollback', {
      project,
      stack: 'dev',
      version: 1,
      confirm: { yes: true },
    });
    assert.strictEqual(r?.status, 'refused', JSON.stringify(r));
    assert.match((r as { reason: string }).reason, /untrusted workspace.*Trust the folder/);
    assert.deepStrictEqual(ran(), [], 'a hook or workspace code ran');
    assert.strictEqual(git(project, 'worktree', 'list').split('\n').length, 1, 'a worktree was added');
    assert.deepStrictEqual(
      [...rollbackDirs()].filter((d) => !before.has(d)),
      [],
      'a rollback folder was created',
    );
    assert.deepStrictEqual(stacks.running(), []);
  });

  it("a new document's operator does not come from the workspace's git", async () => {
    const folder = path.join(root(), 'docs', 'operations');
    const beforeFiles = new Set(fs.existsSync(folder) ? fs.readdirSync(folder) : []);
    await vscode.commands.executeCommand('opsdeck.newInfrastructureOperation', { title: 'Untrusted operator' });
    const created = fs.readdirSync(folder).find((f) => !beforeFiles.has(f) && f.includes('untrusted-operator'));
    assert.ok(created, 'the document was created');
    const text = fs.readFileSync(path.join(folder, created), 'utf8');
    assert.ok(!text.includes('Workspace Git User'), "the operator came from the workspace's git config");
    assert.ok(!text.includes('Planted Git'));
    assert.match(text, new RegExp(`\\*\\*Operator\\*\\*: ${os.userInfo().username}`));
    assert.deepStrictEqual(ran(), [], "the workspace's git ran");
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
