// The inline route in the real host: the program runs in a forked Node process, never in the
// extension host. A normal program previews and deploys (and the source link opens the TypeScript
// line); a program that throws asynchronously or calls process.exit fails its operation with an
// explanation, while the host keeps its process-wide handlers and keeps working.
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
  newStack,
  read,
  toolsHavePulumi,
  until,
  useFileBackend,
  OpResult,
} from './support';

function project(name: string, index?: string): string {
  const dir = copyFixture('files', name);
  fs.writeFileSync(
    path.join(dir, 'Pulumi.yaml'),
    fs.readFileSync(path.join(dir, 'Pulumi.yaml'), 'utf8').replace('name: opsdeck-files', `name: opsdeck-${name}`),
  );
  if (index) fs.writeFileSync(path.join(dir, 'index.ts'), index);
  return dir;
}

describe('Stacks: the inline route runs programs in a separate process', function () {
  let stacks: StacksApi;
  const handlers = () => ['uncaughtException', 'unhandledRejection'].map((e) => process.listenerCount(e));

  before(async function () {
    if (!toolsHavePulumi()) this.skip();
    stacks = await api();
    await useFileBackend();
    await vscode.workspace.getConfiguration('opsdeck.pulumi').update('programRoute', 'inline', vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    const route = process.env.OPSDECK_STACKS_ROUTE;
    await vscode.workspace
      .getConfiguration('opsdeck.pulumi')
      .update('programRoute', route === 'inline' || route === 'onDisk' ? route : undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('previews and deploys a TypeScript program; the source link opens its TypeScript line', async () => {
    const dir = project('inline');
    await cmd('refreshStacks');
    const data = dataDir('inline');
    await newStack(dir, 'dev', { dir: data });
    const before = handlers();
    expectStatus(await cmd<OpResult>('preview', { project: dir, stack: 'dev' }), 'succeeded');
    assert.match(stacks.changeView(dir, 'dev')!.route ?? '', /inline \(Automation API program in a separate Node process\)/);
    expectStatus(await cmd<OpResult>('deploy', { project: dir, stack: 'dev', confirm: { yes: true } }), 'succeeded');
    assert.strictEqual(read(path.join(data, 'a.txt')), 'hello, world\n');
    assert.deepStrictEqual(handlers(), before, 'the runs added no process-wide handler to the host');
    const site = stacks
      .changeView(dir, 'dev')!
      .groups.flatMap((g) => g.resources)
      .find((r) => r.name === 'site');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.strictEqual(await cmd<boolean>('openResourceSource', { project: dir, stack: 'dev', urn: site!.urn }), true);
    const ed = await until('an editor on the program', () => vscode.window.activeTextEditor);
    assert.match(ed.document.lineAt(ed.selection.active.line).text, /new Site\('site'\)/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  for (const [name, body, expected] of [
    [
      'throws',
      "setTimeout(() => { throw new Error('async boom in the program'); }, 10);\nexport const x = 1;\n",
      /async boom in the program/,
    ],
    ['exits', 'process.exit(3);\n', /ended with exit code 3 before the preview of "dev" finished/],
  ] as const) {
    it(`a program that ${name === 'throws' ? 'throws asynchronously' : 'calls process.exit'} fails the preview; the host is unharmed`, async () => {
      const dir = project(`inline-${name}`, body);
      await cmd('refreshStacks');
      await newStack(dir, 'dev', { dir: dataDir(`inline-${name}`) });
      const before = handlers();
      const r = expectStatus(await cmd<OpResult>('preview', { project: dir, stack: 'dev' }), 'failed');
      assert.match(`${r.failure.message}\n${r.failure.detail}\n${stacks.logText()}`, expected);
      assert.deepStrictEqual(handlers(), before);
      await vscode.commands.executeCommand('notifications.clearAll');
      // The host still works: another command answers.
      assert.ok((await stacks.children()).length > 0);
    });
  }
});
