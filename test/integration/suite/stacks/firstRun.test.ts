// A project opened for the first time, as a new user meets it (issue 10): its stacks were made with
// the CLI elsewhere, so OpsDeck does not know the passphrase. The passphrase is asked once, on the
// first expand that needs it, naming the project and the stack; Escape leaves an actionable row and
// no toast; after the passphrase is set the warning rows are gone. Select Pulumi Stack from the
// palette shows a picker of the stacks.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { domQuery, domText, hasRig, pressKeys, screenshot, typeText, waitFor } from '../../rig';
import { StacksApi, api, cmd, copyFixture, dataDir, toolsHavePulumi, toolsPulumi, until, useFileBackend } from './support';

const PASS = 'first-run passphrase';
const NAME = 'opsdeck-first-run';

async function quickInputTitle(): Promise<string | undefined> {
  const widget = await domQuery('.quick-input-widget');
  if (!widget.some((n) => n.visible)) return undefined;
  const t = (await domText('.quick-input-widget .quick-input-title')).trim();
  return t || undefined;
}

/** The visible rows of the open quick pick, top first, once two reads half a second apart agree. */
async function quickPickRows(what: string): Promise<string[]> {
  let last = '';
  return waitFor(what, async () => {
    const rows = (await domQuery('.quick-input-list .monaco-list-row'))
      .filter((r) => r.visible)
      .map((r) => (r.ariaLabel ?? r.text).replace(/\s+/g, ' ').trim());
    const key = rows.join('\n');
    const settled = rows.length > 0 && key === last;
    last = key;
    if (!settled) await new Promise((r) => setTimeout(r, 500));
    return settled ? rows : undefined;
  });
}

describe('Stacks: the first open of a project (passphrase, stack picker)', function () {
  let stacks: StacksApi;
  let project: string;

  before(async function () {
    if (!toolsHavePulumi() || !hasRig()) this.skip();
    this.timeout(180_000);
    stacks = await api();
    const backend = await useFileBackend();
    // The folder name differs from the project name: the prompt must name the project.
    project = copyFixture('files', 'fr-folder');
    const file = path.join(project, 'Pulumi.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^name: .*$/m, `name: ${NAME}`));
    const env = {
      ...process.env,
      PULUMI_BACKEND_URL: `file://${backend}`,
      PULUMI_CONFIG_PASSPHRASE: PASS,
      PATH: `${path.dirname(toolsPulumi())}${path.delimiter}${process.env.PATH}`,
    };
    const pulumi = (args: string[], input?: string) =>
      execFileSync(toolsPulumi(), [...args, '--non-interactive'], { cwd: project, env, input, stdio: ['pipe', 'pipe', 'pipe'] });
    pulumi(['stack', 'init', 'prod']);
    pulumi(['stack', 'init', 'dev']);
    pulumi(['config', 'set', 'dir', dataDir('fr-dev'), '--stack', 'dev']);
    pulumi(['config', 'set', '--secret', 'token', '--stack', 'dev'], 'fr-token-value');
    await cmd('refreshStacks');
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  afterEach(async () => {
    if (await quickInputTitle()) await pressKeys(['Escape']);
  });

  it('asks once, on the first expand of Config, naming project and stack; Escape leaves an actionable row and no toast', async () => {
    const first = await stacks.children([NAME, 'dev', 'Config']);
    assert.match(first[0]!.label, new RegExp(`^Waiting for the passphrase of ${NAME} \\(stack dev\\)`));
    const title = await waitFor('the passphrase prompt', quickInputTitle);
    await screenshot('stacks-passphrase-prompt');
    assert.match(title, new RegExp(NAME));
    assert.match(title, /\bdev\b/);
    assert.doesNotMatch(title, /fr-folder/);
    await pressKeys(['Escape']);
    const rows = await waitFor(
      'the Config failure row',
      async () => {
        const r = await stacks.children([NAME, 'dev', 'Config']);
        return /wrong or missing/.test(r[0]?.label ?? '') ? r : undefined;
      },
      60_000,
    );
    const click = rows[0]!.command as { id: string; argument: { project: string; stack: string } };
    assert.strictEqual(click.id, 'opsdeck.setPulumiPassphrase');
    assert.strictEqual(fs.realpathSync(click.argument.project), fs.realpathSync(project));
    assert.strictEqual(click.argument.stack, 'dev');
    // Asked once: Outputs does not ask again.
    await stacks.children([NAME, 'dev', 'Outputs']);
    await new Promise((r) => setTimeout(r, 1000));
    assert.strictEqual(await quickInputTitle(), undefined, 'a second prompt opened');
    // Escape left no toast behind (the row carries the action).
    assert.doesNotMatch(await domText('.notifications-toasts'), /passphrase/i);
  });

  it("a click on the row asks for that project's passphrase; once set, the warning rows are gone", async () => {
    const row = (await stacks.children([NAME, 'dev', 'Config']))[0]!;
    // What a click on the row runs: its command with its argument.
    const done = vscode.commands.executeCommand(row.command!.id, row.command!.argument);
    const title = await waitFor('the passphrase prompt', quickInputTitle);
    assert.match(title, new RegExp(`${NAME}.*dev`));
    await typeText(PASS);
    await pressKeys(['Enter']);
    await done;
    const cfg = await stacks.children([NAME, 'dev', 'Config']);
    assert.deepStrictEqual(
      cfg.map((c) => [c.label, c.description]),
      [
        [`${NAME}:dir`, dataDir('fr-dev')],
        [`${NAME}:token`, '[secret]'],
      ],
    );
    const outs = await stacks.children([NAME, 'dev', 'Outputs']);
    assert.ok(!outs.some((o) => /wrong or missing|Waiting/.test(o.label)), JSON.stringify(outs));
  });

  it('Select Pulumi Stack from the palette shows the stacks and selects the one picked', async () => {
    // The project in use (as after a click in the tree): the palette then asks only for the stack.
    await cmd('selectStack', { project, stack: 'dev' });
    await pressKeys(['F1']);
    await waitFor('the command palette', async () => (await domQuery('.quick-input-widget input')).some((n) => n.visible));
    await typeText('OpsDeck: Select Pulumi Stack');
    const commands = await quickPickRows('the palette rows');
    assert.match(commands[0]!, /^OpsDeck: Select Pulumi Stack/, commands.join('\n'));
    await pressKeys(['Enter']);
    const rows = await quickPickRows('the stack picker');
    await screenshot('stacks-select-stack-picker');
    assert.match((await quickInputTitle()) ?? '', new RegExp(`Select a stack of ${NAME}`));
    assert.deepStrictEqual(
      rows.map((r) => r.split(/[\s,]/)[0]),
      ['dev', 'prod'],
      rows.join('\n'),
    );
    await typeText('prod');
    await pressKeys(['Enter']);
    await until('prod selected', () => stacks.selected?.stack === 'prod');
    assert.strictEqual(fs.realpathSync(stacks.selected!.projectDir), fs.realpathSync(project));
  });
});
