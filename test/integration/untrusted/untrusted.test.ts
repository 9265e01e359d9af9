// OpsDeck in an UNTRUSTED workspace (the rig's `--suite untrusted` pass: workspace trust on, the folder
// never trusted). package.json promises "limited" support: documents and health work; Pulumi previews
// and deployments are off with a message saying why; opsdeck.pulumi.cliPath and opsdeck.pulumi.env are
// restricted settings, so a workspace value of them is ignored.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { domText, hasRig, screenshot, waitFor } from '../rig';
import type { HealthApi } from '../../../src/health';
import type { OpResult, PlainItem } from '../suite/stacks/support';

const EXTENSION_ID = 'opsdeck.opsdeck';
const UNTRUSTED_WELCOME = 'Pulumi previews and deployments run your program, so the Stacks view stays off in an untrusted workspace.';

interface StacksApi {
  children(path?: string[]): Promise<PlainItem[]>;
  logText(): string;
  running(): Array<{ stack: string; operation: string }>;
}

const root = (): string => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
const out = (...p: string[]): string => path.join(process.env.OPSDECK_TEST_OUTPUT!, 'untrusted', ...p);

async function exportsOf(): Promise<Record<string, unknown>> {
  const ext = vscode.extensions.getExtension<Record<string, unknown>>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded in this host`);
  return ext.activate();
}

/** Every file under a folder, relative to it (empty when it does not exist). */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name)))
    .sort();
}

describe('Untrusted workspace: the pass really runs untrusted', () => {
  it('has an untrusted workspace (trust enabled, the folder not trusted)', () => {
    assert.strictEqual(
      vscode.workspace.isTrusted,
      false,
      'the untrusted pass is running in a TRUSTED workspace: the rig did not open it untrusted',
    );
    assert.ok(vscode.workspace.workspaceFolders?.length, 'the rig opens a workspace folder');
  });

  it('still activates OpsDeck and exports its API', async () => {
    const api = await exportsOf();
    assert.strictEqual(vscode.extensions.getExtension(EXTENSION_ID)!.isActive, true);
    assert.ok(api.stacks, 'ctx.api.stacks is exported');
    assert.ok(api.health, 'ctx.api.health is exported');
  });
});

describe('Untrusted Stacks: previews and deployments stay off', function () {
  this.timeout(120_000);
  let stacks: StacksApi;
  let project: string;
  let backend: string;
  let marker: string;
  let fakeCli: string;
  let fixtureFiles: string[];

  before(async () => {
    stacks = (await exportsOf()).stacks as StacksApi;
    // The fixture program writes files into the folder named by its `dir` config: a real project.
    project = path.join(root(), 'stacks', 'files');
    fs.rmSync(project, { recursive: true, force: true });
    fs.cpSync(path.join(process.env.OPSDECK_REPO!, 'test', 'fixtures', 'pulumi', 'files'), project, { recursive: true });
    fs.writeFileSync(path.join(project, 'Pulumi.dev.yaml'), `config:\n  opsdeck-files:dir: ${out('program-files')}\n`);
    fixtureFiles = filesUnder(project);
    backend = out('backend');
    fs.mkdirSync(backend, { recursive: true });
    // A "CLI" the workspace names: if OpsDeck ever ran it, the marker file would appear.
    marker = out('fake-cli-ran');
    fakeCli = out('fake-pulumi');
    fs.writeFileSync(fakeCli, `#!/bin/sh\necho "$@" >> '${marker}'\nexit 1\n`, { mode: 0o755 });
    const cfg = vscode.workspace.getConfiguration('opsdeck.pulumi');
    await cfg.update('cliPath', fakeCli, vscode.ConfigurationTarget.Workspace);
    await cfg.update(
      'env',
      { PULUMI_BACKEND_URL: `file://${backend}`, PULUMI_CONFIG_PASSPHRASE: 'x' },
      vscode.ConfigurationTarget.Workspace,
    );
    await vscode.commands.executeCommand('opsdeck.refreshStacks');
  });

  after(async () => {
    const cfg = vscode.workspace.getConfiguration('opsdeck.pulumi');
    await cfg.update('cliPath', undefined, vscode.ConfigurationTarget.Workspace);
    await cfg.update('env', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('shows the untrusted message in the Stacks view, and no stacks', async () => {
    assert.deepStrictEqual(await stacks.children(), [], 'the Stacks tree lists nothing in an untrusted workspace');
    if (!hasRig()) return;
    await vscode.commands.executeCommand('workbench.view.extension.opsdeck');
    await vscode.commands.executeCommand('opsdeck.stacks.focus');
    const text = await waitFor('the untrusted welcome in the Stacks view', async () => {
      const t = await domText('.welcome-view-content');
      return t.includes(UNTRUSTED_WELCOME) ? t : undefined;
    });
    assert.match(text, /Manage Workspace Trust/, 'the welcome offers the way to trust the folder');
    assert.doesNotMatch(text, /No Pulumi project found|Pulumi CLI was not found/, 'the trusted-only empty states stay hidden');
    await screenshot('untrusted-stacks');
    assert.ok(fs.existsSync(path.join(process.env.OPSDECK_TEST_OUTPUT!, 'untrusted-stacks.png')));
  });

  for (const [command, operation] of [
    ['preview', 'preview'],
    ['deploy', 'up'],
    ['checkDrift', 'drift check'],
    ['acceptDrift', 'refresh'],
    ['revertDrift', 'up'],
  ] as const) {
    it(`refuses opsdeck.${command} with the reason, and runs nothing`, async () => {
      const logBefore = stacks.logText().length;
      const r = await vscode.commands.executeCommand<OpResult | undefined>(`opsdeck.${command}`, {
        project,
        stack: 'dev',
        confirm: { yes: true, typedName: 'dev' },
      });
      assert.ok(r, `opsdeck.${command} returned nothing`);
      assert.strictEqual(r.status, 'refused', `expected refused, got ${JSON.stringify(r)}`);
      assert.match((r as { reason: string }).reason, /untrusted workspace.*Trust the folder/);
      // The explanation also reaches the OpsDeck log the user can open.
      const log = stacks.logText().slice(logBefore);
      assert.match(log, /refused: Pulumi operations run the workspace's program, so they are off in an untrusted workspace/);
      assert.doesNotMatch(log, new RegExp(`\\b${operation}\\b.*(started|running|succeeded)`, 'i'));
      assert.deepStrictEqual(stacks.running(), [], 'nothing is running');
      // Nothing happened: no state in the backend, no files from the program, no CLI run, project untouched.
      assert.deepStrictEqual(filesUnder(backend), [], 'the file backend stays empty');
      assert.strictEqual(fs.existsSync(out('program-files')), false, 'the program wrote files');
      assert.strictEqual(
        fs.existsSync(marker),
        false,
        `the workspace's cliPath was run: ${fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8') : ''}`,
      );
      assert.deepStrictEqual(filesUnder(project), fixtureFiles, 'files appeared in the project folder');
    });
  }

  it('refuses opsdeck.showResourceGraph (reading the state runs the CLI): no graph, no CLI run', async () => {
    const r = await vscode.commands.executeCommand('opsdeck.showResourceGraph', { project, stack: 'dev' });
    assert.strictEqual(r, undefined, `the command returned ${JSON.stringify(r)}`);
    assert.strictEqual(
      fs.existsSync(marker),
      false,
      `the workspace's cliPath was run: ${fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8') : ''}`,
    );
    assert.deepStrictEqual(filesUnder(backend), [], 'the file backend stays empty');
    // The reason, as the user reads it (the notification and the OpsDeck log carry the same words).
    const logs = process.env.OPSDECK_HOST_LOGS;
    assert.ok(logs && fs.existsSync(logs), 'the rig names the host log folder');
    const opsdeckLog = await waitFor('the refusal in the OpsDeck log', () => {
      const text = filesUnder(logs)
        .filter((f) => f.endsWith('OpsDeck.log'))
        .map((f) => fs.readFileSync(path.join(logs, f), 'utf8'))
        .join('\n');
      return /opsdeck\.showResourceGraph failed: Error: Pulumi commands are off in an untrusted workspace/.test(text) ? text : undefined;
    });
    assert.match(opsdeckLog, /Trust the folder/);
    // (Checked after the log: the host learns of new tabs a moment after a panel is created.)
    const graphTabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.label.startsWith('Graph:'));
    assert.deepStrictEqual(
      graphTabs.map((t) => t.label),
      [],
      'no graph panel opened',
    );
  });

  it("ignores the workspace's opsdeck.pulumi.cliPath and opsdeck.pulumi.env (restricted settings)", async () => {
    const cfg = vscode.workspace.getConfiguration('opsdeck.pulumi');
    // The value is in the workspace's settings file (VS Code hides it from inspect() while untrusted).
    const written = JSON.parse(fs.readFileSync(path.join(root(), '.vscode', 'settings.json'), 'utf8')) as Record<string, unknown>;
    assert.strictEqual(written['opsdeck.pulumi.cliPath'], fakeCli, 'the workspace value is written');
    // What OpsDeck reads (ConfigSection → getConfiguration().get) is not the workspace's value.
    assert.notStrictEqual(cfg.get<string>('cliPath'), fakeCli);
    assert.strictEqual(JSON.stringify(cfg.get('env')).includes(backend), false, 'the workspace env reaches OpsDeck');
    // A command that does use the CLI (creating a stack) must not run the workspace's CLI.
    await vscode.commands.executeCommand('opsdeck.newStack', { project, name: 'dev' }).then(
      (r) => console.log(`Untrusted: newStack returned ${JSON.stringify(r)}`),
      (e: Error) => console.log(`Untrusted: newStack failed: ${e.message}`),
    );
    assert.strictEqual(
      fs.existsSync(marker),
      false,
      `the workspace's cliPath was run: ${fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8') : ''}`,
    );
    assert.deepStrictEqual(filesUnder(backend), [], 'the workspace env (backend) was used');
    // What the user reads in the OpsDeck log never names the workspace's CLI (e.g. "not found at <fake>").
    const logs = process.env.OPSDECK_HOST_LOGS;
    if (logs && fs.existsSync(logs)) {
      const opsdeckLog = filesUnder(logs)
        .filter((f) => f.endsWith('OpsDeck.log'))
        .map((f) => fs.readFileSync(path.join(logs, f), 'utf8'))
        .join('\n');
      assert.ok(!opsdeckLog.includes(fakeCli), `the OpsDeck log names the workspace's cliPath:\n${opsdeckLog}`);
    }
  });
});

describe('Untrusted Documents: scaffolding still works', () => {
  it('creates a development session document from opsdeck.newDevelopmentSession', async () => {
    await exportsOf();
    const folder = path.join(root(), 'docs', 'sessions');
    const before = new Set(filesUnder(folder));
    await vscode.commands.executeCommand('opsdeck.newDevelopmentSession', { title: 'Untrusted check' });
    const created = await waitFor('a new session file', () =>
      filesUnder(folder).find((f) => !before.has(f) && /untrusted-check\.md$/.test(f)),
    );
    const text = fs.readFileSync(path.join(folder, created), 'utf8');
    assert.match(text, /^# Development Session - .*untrusted-check/m);
    assert.strictEqual(
      path.basename(vscode.window.activeTextEditor?.document.uri.fsPath ?? ''),
      path.basename(created),
      'the new document is open',
    );
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});

describe('Untrusted Health: configuration still loads', function () {
  this.timeout(60_000);
  const configPath = (): string => path.join(root(), '.opsdeck', 'health.yaml');

  after(async () => {
    fs.rmSync(configPath(), { force: true });
    await vscode.commands.executeCommand('opsdeck.refreshHealth');
  });

  it('loads .opsdeck/health.yaml and lists its endpoints; AWS stays off with a reason', async () => {
    const health = (await exportsOf()).health as HealthApi;
    fs.mkdirSync(path.dirname(configPath()), { recursive: true });
    // A closed loopback port: no network needed, the check simply reports down.
    fs.writeFileSync(
      configPath(),
      'defaults: { interval: 500ms, timeout: 300ms, failureThreshold: 1, retries: 0 }\nendpoints:\n  - { name: local-db, tcp: "127.0.0.1:9" }\n',
    );
    await vscode.commands.executeCommand('opsdeck.refreshHealth');
    const s = await waitFor('the health config loaded', () => {
      const snap = health.snapshot();
      return snap.configFile && snap.endpoints.some((e) => e.name === 'local-db') ? snap : undefined;
    });
    assert.strictEqual(s.configProblem, undefined, `config problem: ${s.configProblem}`);
    if (s.awsProblem) assert.match(s.awsProblem.message, /untrusted/);
    if (hasRig()) {
      await vscode.commands.executeCommand('workbench.view.extension.opsdeck');
      await waitFor('local-db in the Health tree', async () => (await domText('.monaco-list-row')).includes('local-db'));
    }
  });
});
