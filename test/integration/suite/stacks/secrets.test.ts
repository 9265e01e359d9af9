// Secrets in the real host:
// - a secret set in another window (here: with the CLI directly, so OpsDeck never saw it) and used
//   by a program that prints it and fails with it in the error message: after a deploy (with its
//   failure notification) from this "fresh window", with nothing expanded, the secret
//   is in no log line, not in the change view (state and rendered text), no notification, and no
//   file OpsDeck writes (the output channel's log file, global storage);
// - a short passphrase and secret (`demo`) that occur in the project name and paths garble nothing.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { domText, hasRig, webviewText } from '../../rig';
import {
  PASSPHRASE,
  StacksApi,
  api,
  cmd,
  copyFixture,
  dataDir,
  expectStatus,
  toolsHavePulumi,
  toolsPulumi,
  useFileBackend,
  planFiles,
  OpResult,
} from './support';

/** Every file under a folder (recursively), with its text. */
function filesUnder(dir: string): Array<[string, string]> {
  if (!fs.existsSync(dir)) return [];
  const out: Array<[string, string]> = [];
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[]) {
    if (!e.isFile()) continue;
    const p = path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name);
    try {
      out.push([p, fs.readFileSync(p, 'latin1')]);
    } catch {
      /* gone */
    }
  }
  return out;
}

describe('Stacks: secrets from a fresh window, and short secrets', function () {
  let stacks: StacksApi;
  let backend: string;

  before(async function () {
    if (!toolsHavePulumi()) this.skip();
    stacks = await api();
    backend = await useFileBackend();
  });

  it('a secret set elsewhere and printed by the program never reaches the log, the change view, a notification or a file', async function () {
    this.timeout(360_000);
    const secret = 'fresh-Window-Secret-9d8c7b6a';
    const project = copyFixture('secrets', 'fresh');
    fs.writeFileSync(
      path.join(project, 'Pulumi.yaml'),
      fs.readFileSync(path.join(project, 'Pulumi.yaml'), 'utf8').replace('name: opsdeck-secrets', 'name: opsdeck-fresh'),
    );
    fs.writeFileSync(
      path.join(project, 'index.ts'),
      [
        "import * as pulumi from '@pulumi/pulumi';",
        '// Reads the secret in clear, prints it, logs it and fails with it in the message.',
        'export = async () => {',
        '  const token = new pulumi.Config().require("apiToken");',
        '  console.log(`token is ${token}`);',
        '  await pulumi.log.warn(`calling the API with apiToken=${token}`);',
        '  throw new Error(`the API rejected ${token}`);',
        '};',
        '',
      ].join('\n'),
    );
    // The other window: stack and secret set with the CLI, the value on stdin.
    const env = {
      ...process.env,
      PULUMI_BACKEND_URL: `file://${backend}`,
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      PATH: `${path.dirname(toolsPulumi())}${path.delimiter}${process.env.PATH}`,
    };
    const pulumi = (args: string[], input?: string) =>
      execFileSync(toolsPulumi(), [...args, '--non-interactive'], { cwd: project, env, input, stdio: ['pipe', 'pipe', 'pipe'] });
    pulumi(['stack', 'init', 'dev']);
    pulumi(['config', 'set', '--secret', 'apiToken', '--stack', 'dev'], secret);
    // This window: knows the passphrase (the user's), has never expanded anything of the stack.
    await cmd('refreshStacks');
    await cmd('setPulumiPassphrase', { project, passphrase: PASSPHRASE });
    await vscode.commands.executeCommand('notifications.clearAll');

    // A deploy without `confirm` shows its failure as a notification, as for a user. (A program
    // that fails with an unhandled exception takes over a minute on the test rig's language host,
    // so this is the one run.)
    const d = expectStatus(await cmd<OpResult>('deploy', { project, stack: 'dev' }), 'failed');
    assert.deepStrictEqual(planFiles(project, 'dev'), [], 'the failed preview left its update plan behind');
    const log = stacks.logText();
    // The run really printed and failed with the secret (masked), so the checks below are not vacuous.
    assert.match(log, /rejected \[secret\]/, 'the failure with the (masked) secret is in the log');
    assert.match(log, /apiToken=\[secret\]/);
    const seen: Array<[string, string]> = [
      ['log', log],
      ['result', JSON.stringify(d)],
      ['change view state', JSON.stringify(stacks.changeView(project, 'dev'))],
    ];
    if (hasRig()) {
      await vscode.commands.executeCommand('opsdeck.stacks.focus');
      await new Promise((r) => setTimeout(r, 2000));
      seen.push(['change view text', await webviewText('stacks-fresh-window')]);
      seen.push(['notifications', await domText('.notifications-toasts')]);
      seen.push(['notification center', await domText('.notifications-center')]);
    }
    const logs = process.env.OPSDECK_HOST_LOGS;
    if (logs) {
      const userData = path.dirname(logs);
      for (const [f, t] of [...filesUnder(logs), ...filesUnder(path.join(userData, 'User', 'globalStorage'))]) seen.push([f, t]);
      assert.ok(
        filesUnder(logs).some(([f, t]) => f.endsWith('OpsDeck.log') && t.includes('rejected [secret]')),
        "the output channel's log file was found and holds the run",
      );
    }
    for (const [where, text] of seen) assert.ok(!text.includes(secret), `the secret is in ${where}`);
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  it('a short passphrase and secret that occur in the project name and paths change nothing there', async () => {
    const project = copyFixture('files', 'demo');
    fs.writeFileSync(
      path.join(project, 'Pulumi.yaml'),
      fs.readFileSync(path.join(project, 'Pulumi.yaml'), 'utf8').replace('name: opsdeck-files', 'name: opsdeck-demo'),
    );
    await cmd('refreshStacks');
    const data = dataDir('demo');
    await cmd('setPulumiPassphrase', { project, passphrase: 'demo' });
    const created = await cmd<{ stack: string } | undefined>('newStack', { project, name: 'dev' });
    assert.strictEqual(created?.stack, 'dev');
    await cmd('setConfig', { project, stack: 'dev', key: 'dir', value: data, secret: false });
    await cmd('setConfig', { project, stack: 'dev', key: 'dbPassword', value: 'demo', secret: true });
    expectStatus(await cmd<OpResult>('preview', { project, stack: 'dev' }), 'succeeded');
    const lines = stacks
      .logText()
      .split('\n')
      .filter((l) => l.includes(`${project}#dev]`) || l.startsWith('[dev]'));
    const text = lines.join('\n');
    assert.ok(text.includes(`[${project}#dev]`), `the project path is intact:\n${text}`);
    assert.match(text, /opsdeck-demo:dir="[^"]*\/demo"/, 'the config path keeps its "demo"');
    assert.match(text, /opsdeck-demo:dbPassword="?\[secret\]/, 'the secret config value is masked');
    assert.doesNotMatch(text, /opsdeck-\[secret\]|\/\[secret\]|\[secret\]-dev/, `masking garbled the log:\n${text}`);
    assert.strictEqual(stacks.changeView(project, 'dev')!.project, 'opsdeck-demo');
    const cfg = await stacks.children(['opsdeck-demo', 'dev', 'Config']);
    assert.deepStrictEqual(
      cfg.map((c) => [c.label, c.description]),
      [
        ['opsdeck-demo:dbPassword', '[secret]'],
        ['opsdeck-demo:dir', data],
      ],
    );
  });
});
