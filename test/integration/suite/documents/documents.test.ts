// Documents from commands, end to end in the real VS Code host: each command creates its file where
// the settings say, opens it with live tab stops, and the living-document commands change it.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { parseDocument } from 'yaml';
import { hasRig, pressKeys, screenshot, waitFor, domQuery, domText } from '../../rig';
import { readSnippet, templatesDir } from '../../../unit/documents/helpers';
import { parseTemplate } from '../../../../src/documents/template';
import { clockFacts } from '../../../../src/documents/clock';
import { planDocument } from '../../../../src/documents/values';

interface DocumentsApi {
  kinds(): Promise<Array<{ kind: string; title: string; origin: string; source: string; folder: string; overrides: boolean }>>;
  readonly checklist: { file: string; done: number; total: number } | undefined;
}

const root = () => vscode.workspace.workspaceFolders![0].uri.fsPath;

async function api(): Promise<{ documents: DocumentsApi; stacks?: { selected?: { project: string; stack: string } } }> {
  const ext = vscode.extensions.getExtension<Record<string, unknown>>('opsdeck.opsdeck')!;
  const exports = await ext.activate();
  return exports as unknown as { documents: DocumentsApi };
}

/** The placeholder defaults Tab walks through, in order, as the template renders in this workspace. */
async function expectedStops(kind: string, answers: Record<string, string>): Promise<string[]> {
  const file = path.join(templatesDir, `${kind}.md`);
  const spec = parseTemplate(fs.readFileSync(file, 'utf8'), file);
  if (!spec.ok) throw new Error(spec.error.message);
  const selected = (await api()).stacks?.selected;
  const plan = planDocument(
    spec.value,
    { clock: clockFacts(new Date(), 'UTC'), operator: 'x', workspace: path.basename(root()), stack: selected },
    answers,
  );
  return readSnippet(plan.rendered.snippet)
    .stops.filter((s) => !s.mirror)
    .map((s) => s.text);
}

function selectedText(): string {
  const e = vscode.window.activeTextEditor!;
  return e.document.getText(e.selection);
}

function gitUser(): string {
  try {
    return execFileSync('git', ['config', 'user.name'], { cwd: root(), encoding: 'utf8' }).trim() || os.userInfo().username;
  } catch {
    return os.userInfo().username;
  }
}

const CASES: Array<{
  command: string;
  kind: string;
  args: Record<string, unknown>;
  answers: Record<string, string>;
  folder: string;
  name: RegExp;
  heading: RegExp;
}> = [
  {
    command: 'opsdeck.newDevelopmentSession',
    kind: 'session',
    args: { title: 'API gateway blue/green' },
    answers: { title: 'API gateway blue/green' },
    folder: 'docs/sessions',
    name: /^\d{4}-\d\d-\d\d-api-gateway-blue-green\.md$/,
    heading: /^# Development Session - \d{4}-\d\d-\d\d \d\d:\d\d - infrastructure - api-gateway-blue-green\n/,
  },
  {
    command: 'opsdeck.newInfrastructureOperation',
    kind: 'operation',
    args: { title: 'Rotate RDS credentials' },
    answers: { title: 'Rotate RDS credentials' },
    folder: 'docs/operations',
    name: /^\d{4}-\d\d-\d\d-rotate-rds-credentials\.md$/,
    heading:
      /^# Infrastructure Operation: Rotate RDS credentials\n\n\*\*Operation ID\*\*: `\d{4}-\d\d-\d\d-infrastructure-rotate-rds-credentials`\n/,
  },
  {
    command: 'opsdeck.newFeatureImplementationSummary',
    kind: 'implementation',
    args: { title: 'Multi-region failover' },
    answers: { title: 'Multi-region failover' },
    folder: 'docs/implementations',
    name: /^\d{4}-\d\d-\d\d-multi-region-failover\.md$/,
    heading: /^# Multi-region failover - Infrastructure Implementation\n/,
  },
  {
    command: 'opsdeck.newInfrastructureIssueTemplate',
    kind: 'issue-template',
    args: { title: 'Infrastructure/DevOps' },
    answers: { title: 'Infrastructure/DevOps' },
    folder: '.github/ISSUE_TEMPLATE',
    name: /^infrastructure-devops\.md$/,
    heading: /^---\nname: 🔧 Infrastructure\/DevOps\n/,
  },
  {
    command: 'opsdeck.newSprintWeekPlan',
    kind: 'sprint',
    args: { values: { sprint: '6', week: '2', title: 'Infrastructure Automation' } },
    answers: { sprint: '6', week: '2', title: 'Infrastructure Automation' },
    folder: 'docs/sprints',
    name: /^\d{4}-\d\d-\d\d-sprint-6-week-2\.md$/,
    heading:
      /^# Sprint 6 Week 2 Kickoff - Infrastructure Automation\n\*Date: \d{4}-\d\d-\d\d-\d\d_\d\d_\d\d\*\n\*Duration: Week 2 \(Days 6-10\)/,
  },
];

describe('Documents: scaffolding commands in the real host', function () {
  this.timeout(120_000);

  before(async () => {
    await api();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  for (const c of CASES) {
    it(`${c.command} creates ${c.folder}/…, opens it filled in, and Tab walks its fields`, async () => {
      const uri = (await vscode.commands.executeCommand(c.command, c.args)) as vscode.Uri | undefined;
      assert.ok(uri, 'the command returned no file');
      const file = uri.fsPath;
      assert.strictEqual(path.relative(root(), path.dirname(file)).split(path.sep).join('/'), c.folder);
      assert.match(path.basename(file), c.name);
      assert.ok(fs.existsSync(file), 'the file is on disk');

      const editor = vscode.window.activeTextEditor;
      assert.ok(editor, 'no active editor');
      assert.strictEqual(editor.document.uri.fsPath, file, 'the new document is the active editor');
      const text = editor.document.getText();
      assert.match(text, c.heading);
      assert.strictEqual(fs.readFileSync(file, 'utf8'), text, 'the file on disk holds the whole document');
      await waitFor('the editor to show the document as saved', () => !editor.document.isDirty, 10_000);
      if (c.kind === 'operation' || c.kind === 'implementation') {
        assert.ok(text.includes(gitUser()), `the operator (${gitUser()}) is filled in`);
      }

      const stops = await expectedStops(c.kind, c.answers);
      assert.ok(stops.length >= 1, 'the template has tab stops');
      assert.strictEqual(selectedText(), stops[0], 'the first field is selected');
      for (let i = 1; i < 4 && i < stops.length; i++) {
        await vscode.commands.executeCommand('jumpToNextSnippetPlaceholder');
        await waitFor(`Tab to field ${i + 1} (${JSON.stringify(stops[i])})`, () => selectedText() === stops[i], 5000);
      }
      // typing over a field replaces the placeholder text only
      const before = editor.document.lineCount;
      await editor.edit((b) => b.replace(editor.selection, 'typed by the test'));
      assert.ok(editor.document.getText().includes('typed by the test'));
      assert.strictEqual(editor.document.lineCount, before);
    });
  }

  it('the issue template lands where GitHub looks, with valid front matter', async () => {
    const file = path.join(root(), '.github', 'ISSUE_TEMPLATE', 'infrastructure-devops.md');
    assert.ok(fs.existsSync(file), 'created by the previous test');
    const fm = /^---\n([\s\S]*?)\n---\n/.exec(fs.readFileSync(file, 'utf8'));
    assert.ok(fm);
    const data = parseDocument(fm[1]).toJS() as Record<string, unknown>;
    assert.deepStrictEqual(Object.keys(data), ['name', 'about', 'title', 'labels', 'assignees']);
    assert.deepStrictEqual(data.labels, ['infrastructure', 'devops', 'task']);
  });

  it('never overwrites: the same title twice gives a second file with a suffix', async () => {
    const a = (await vscode.commands.executeCommand('opsdeck.newInfrastructureOperation', { title: 'Same name' })) as vscode.Uri;
    const firstText = fs.readFileSync(a.fsPath, 'utf8');
    const b = (await vscode.commands.executeCommand('opsdeck.newInfrastructureOperation', { title: 'Same name' })) as vscode.Uri;
    assert.notStrictEqual(a.fsPath, b.fsPath);
    assert.match(path.basename(b.fsPath), /-same-name-2\.md$/);
    assert.strictEqual(fs.readFileSync(a.fsPath, 'utf8'), firstText, 'the first document is untouched');
  });

  it('keeps a hostile title inside the documents folder', async () => {
    const uri = (await vscode.commands.executeCommand('opsdeck.newInfrastructureOperation', {
      title: '../../../etc/passwd',
    })) as vscode.Uri;
    assert.strictEqual(path.dirname(uri.fsPath), path.join(root(), 'docs', 'operations'));
    assert.match(path.basename(uri.fsPath), /^\d{4}-\d\d-\d\d-etc-passwd\.md$/);
  });

  it('a folder that cannot be written, or lies outside the workspace, gives a clear error and writes nothing', async () => {
    const config = vscode.workspace.getConfiguration('opsdeck.documents');
    const readme = path.join(root(), 'README.md');
    const readmeBefore = fs.readFileSync(readme, 'utf8');
    const listing = () => fs.readdirSync(root()).sort().join(',');
    try {
      for (const [folder, message] of [
        ['README.md/operations', /Could not write the document into README\.md[/\\]operations/],
        ['../outside', /points outside the workspace/],
      ] as const) {
        await config.update('folders', { operation: folder }, vscode.ConfigurationTarget.Workspace);
        const before = listing(); // after the update, which writes .vscode/settings.json
        const result = await vscode.commands.executeCommand('opsdeck.newInfrastructureOperation', { title: 'should not exist' });
        assert.strictEqual(result, undefined);
        assert.strictEqual(listing(), before, 'nothing was added to the workspace');
        assert.ok(!fs.existsSync(path.join(path.dirname(root()), 'outside')), 'nothing was written outside the workspace');
        if (hasRig()) {
          await waitFor(`the error notification (${message})`, async () => message.test(await domText('.notifications-toasts')), 10_000);
          await vscode.commands.executeCommand('notifications.clearAll');
        }
      }
      assert.strictEqual(fs.readFileSync(readme, 'utf8'), readmeBefore);
    } finally {
      await config.update('folders', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('Escape in the input flow creates nothing', async () => {
    const folder = path.join(root(), 'docs', 'implementations');
    const before = fs.existsSync(folder) ? fs.readdirSync(folder).sort() : [];
    const pending = vscode.commands.executeCommand('opsdeck.newFeatureImplementationSummary');
    if (hasRig()) {
      await waitFor('the input box', async () => (await domQuery('.quick-input-widget')).some((n) => n.visible), 15_000);
      await pressKeys(['Escape']);
    } else {
      await new Promise((r) => setTimeout(r, 1000));
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    }
    assert.strictEqual(await pending, undefined);
    const after = fs.existsSync(folder) ? fs.readdirSync(folder).sort() : [];
    assert.deepStrictEqual(after, before, 'no file was created');
  });

  const keysFor = (text: string) => text.split('').map((ch) => (ch === ' ' ? 'Space' : ch));
  const inputVisible = async () => (await domQuery('.quick-input-widget')).some((n) => n.visible);
  const inputTitle = async () =>
    (await domQuery('.quick-input-widget .quick-input-title'))
      .filter((n) => n.visible)
      .map((n) => n.text)
      .join('');

  it('Escape at a later step of the input flow creates nothing either', async function () {
    if (!hasRig()) this.skip();
    const folder = path.join(root(), 'docs', 'sprints');
    const before = fs.existsSync(folder) ? fs.readdirSync(folder).sort() : [];
    const pending = vscode.commands.executeCommand('opsdeck.newSprintWeekPlan');
    await waitFor('step 1 of the sprint flow', async () => (await inputVisible()) && /\(1\/3\)/.test(await inputTitle()), 15_000);
    await pressKeys(['Control+a', '7', 'Enter']);
    await waitFor('step 2 of the sprint flow', async () => /\(2\/3\)/.test(await inputTitle()), 15_000);
    await pressKeys(['Escape']);
    assert.strictEqual(await pending, undefined);
    const after = fs.existsSync(folder) ? fs.readdirSync(folder).sort() : [];
    assert.deepStrictEqual(after, before, 'no file was created');
  });

  it('the interactive flow: a title typed on the keyboard names the document', async function () {
    if (!hasRig()) this.skip();
    const pending = vscode.commands.executeCommand('opsdeck.newInfrastructureOperation');
    await waitFor('the input box', inputVisible, 15_000);
    await pressKeys([...keysFor('Typed at the keyboard'), 'Enter']);
    const uri = (await pending) as vscode.Uri;
    assert.match(path.basename(uri.fsPath), /^\d{4}-\d\d-\d\d-typed-at-the-keyboard\.md$/);
    assert.ok(vscode.window.activeTextEditor!.document.getText().startsWith('# Infrastructure Operation: Typed at the keyboard\n'));
  });

  it('takes a screenshot of a scaffolded operation record', async function () {
    if (!hasRig()) this.skip();
    await vscode.commands.executeCommand('opsdeck.newInfrastructureOperation', { title: 'Migrate API to blue-green deployment' });
    // Tab to the Risk Level choice, so the picture shows a choice field with its options open.
    for (let i = 0; i < 8 && selectedText() !== 'Low'; i++) await vscode.commands.executeCommand('jumpToNextSnippetPlaceholder');
    assert.strictEqual(selectedText(), 'Low');
    await waitFor('the choice list', async () => /Critical/.test(await domText('.editor-widget.suggest-widget')), 10_000).catch(
      () => undefined,
    );
    const shot = await screenshot('operation-record');
    assert.ok(fs.statSync(shot).size > 10_000, 'a real PNG');
  });
});

describe('Documents: living documents in the real host', function () {
  this.timeout(120_000);

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Add Progress Log Entry appends "### HH:MM - phase" under Progress Log and puts the cursor there', async () => {
    await vscode.commands.executeCommand('opsdeck.newDevelopmentSession', { title: 'progress log test' });
    const editor = vscode.window.activeTextEditor!;
    const done = await vscode.commands.executeCommand('opsdeck.addProgressLogEntry', { phase: 'Deployment Phase' });
    assert.strictEqual(done, true);
    const text = editor.document.getText();
    const log = text.slice(text.indexOf('## Progress Log'), text.indexOf('## Testing & Validation'));
    assert.match(log, /\[Testing results and findings\]\n\n### \d\d:\d\d - Deployment Phase\n/);
    const cursor = editor.selection.active;
    assert.match(editor.document.lineAt(cursor.line - 1).text, /^### \d\d:\d\d - Deployment Phase$/);
    assert.strictEqual(editor.document.lineAt(cursor.line).text, '');
  });

  it('Add Progress Log Entry creates the section when a document has none', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: '# Notes\n\nText.\n' });
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('opsdeck.addProgressLogEntry', { phase: 'Setup' });
    assert.match(doc.getText(), /^# Notes\n\nText\.\n\n## Progress Log\n\n### \d\d:\d\d - Setup\n/);
  });

  it('Set Operation Status updates the status line and stamps the completion time', async () => {
    await vscode.commands.executeCommand('opsdeck.newInfrastructureOperation', { title: 'status test' });
    const editor = vscode.window.activeTextEditor!;
    assert.ok(editor.document.getText().includes('**Operation Status**: 🔄 IN PROGRESS\n'));
    assert.strictEqual(await vscode.commands.executeCommand('opsdeck.setOperationStatus', { status: '🔁 ROLLED BACK' }), true);
    const text = editor.document.getText();
    assert.ok(text.includes('**Operation Status**: 🔁 ROLLED BACK\n'));
    assert.match(text, /\*\*Completion Time\*\*: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+\n/);
    assert.ok(!text.includes('YYYY-MM-DD HH:MM:SS TZ'));
  });

  it('checklist progress: CodeLens per section and the status bar total follow the typing', async () => {
    await vscode.commands.executeCommand('opsdeck.newDevelopmentSession', { title: 'checklist test' });
    const editor = vscode.window.activeTextEditor!;
    const doc = editor.document;
    const total = (doc.getText().match(/^- \[ \]/gm) ?? []).length;
    const documents = (await api()).documents;
    await waitFor('the status bar total', () => documents.checklist?.total === total && documents.checklist.done === 0, 10_000);

    const lensFor = async (heading: string) => {
      const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri)) ?? [];
      const line = doc.getText().split('\n').indexOf(heading);
      return lenses.filter((l) => l.range.start.line === line).map((l) => l.command?.title ?? '');
    };
    assert.deepStrictEqual(await lensFor('## Pre-Implementation Checklist'), ['$(checklist) 0/5 checked']);

    // tick two boxes of that section, as a user typing an x would
    const lines = doc.getText().split('\n');
    const start = lines.indexOf('## Pre-Implementation Checklist');
    await editor.edit((b) => {
      for (const n of [start + 1, start + 2]) b.replace(new vscode.Range(n, 3, n, 4), 'x');
    });
    assert.deepStrictEqual(await lensFor('## Pre-Implementation Checklist'), ['$(checklist) 2/5 checked']);
    await waitFor('the status bar to count the ticks', () => documents.checklist?.done === 2, 10_000);
    assert.strictEqual(documents.checklist?.total, total);
  });
});

describe('Documents: team templates', function () {
  this.timeout(120_000);
  const dir = () => path.join(root(), '.opsdeck', 'templates');

  after(async () => {
    fs.rmSync(dir(), { recursive: true, force: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('adds new kinds, overrides built-ins, and reports a malformed template with file and line', async () => {
    fs.mkdirSync(dir(), { recursive: true });
    fs.writeFileSync(
      path.join(dir(), 'postmortem.md'),
      '---\nkind: postmortem\ntitle: Postmortem\nfolder: docs/postmortems\nvariables:\n  title:\n    prompt: What broke?\n    ask: true\n  severity:\n    choices: [SEV1, SEV2]\n---\n# Postmortem: {{title}}\n**Severity**: {{severity}}\n**Author**: {{operator}}\n## Timeline\n- [ ] [First alert]\n',
    );
    fs.writeFileSync(path.join(dir(), 'operation.md'), '---\nkind: operation\ntitle: Our Operation\n---\n# Our operation: {{title}}\n');
    fs.writeFileSync(path.join(dir(), 'broken.md'), '---\nkind: broken\n---\n# Fine line\n\nUses {{undeclared}} here\n');

    const kinds = await (await api()).documents.kinds();
    const byKind = new Map(kinds.map((k) => [k.kind, k]));
    assert.strictEqual(byKind.get('postmortem')?.origin, 'team');
    assert.strictEqual(byKind.get('operation')?.overrides, true);
    assert.strictEqual(byKind.get('session')?.origin, 'built-in');
    assert.ok(!byKind.has('broken'), 'the malformed template is skipped');

    const brokenUri = vscode.Uri.file(path.join(dir(), 'broken.md'));
    const diags = await waitFor('a diagnostic on broken.md', () => {
      const d = vscode.languages.getDiagnostics(brokenUri);
      return d.length ? d : undefined;
    });
    assert.strictEqual(diags[0].range.start.line, 5, 'reported on line 6, where {{undeclared}} is');
    assert.match(diags[0].message, /undeclared/);

    const uri = (await vscode.commands.executeCommand('opsdeck.newDocument', { kind: 'postmortem', title: 'DNS outage' })) as vscode.Uri;
    assert.strictEqual(path.relative(root(), path.dirname(uri.fsPath)).split(path.sep).join('/'), 'docs/postmortems');
    const text = vscode.window.activeTextEditor!.document.getText();
    assert.match(text, /^# Postmortem: DNS outage\n\*\*Severity\*\*: SEV1\n\*\*Author\*\*: .+\n## Timeline\n- \[ \] \[First alert\]\n/);
    assert.strictEqual(selectedText(), 'SEV1', 'the choice is the first field');

    const op = (await vscode.commands.executeCommand('opsdeck.newInfrastructureOperation', { title: 'overridden' })) as vscode.Uri;
    assert.strictEqual(fs.readFileSync(op.fsPath, 'utf8'), '# Our operation: overridden\n');

    // "List Document Kinds" shows every kind and where it comes from, and the skipped template
    if (hasRig()) {
      const pending = vscode.commands.executeCommand('opsdeck.listDocumentKinds');
      const listed = await waitFor(
        'the list of kinds',
        async () => {
          const t = await domText('.quick-input-widget .quick-input-list');
          return t.includes('postmortem') ? t : undefined;
        },
        15_000,
      );
      assert.match(listed, /postmortem · \.opsdeck\/templates\/postmortem\.md/);
      assert.match(listed, /operation · \.opsdeck\/templates\/operation\.md \(overrides the built-in\)/);
      assert.match(listed, /session · built-in/);
      assert.match(listed, /\.opsdeck\/templates\/broken\.md:6/);
      await pressKeys(['Escape']);
      assert.strictEqual(await pending, undefined);
    }

    // the built-ins keep working while a team template is broken
    const s = (await vscode.commands.executeCommand('opsdeck.newDevelopmentSession', { title: 'still works' })) as vscode.Uri;
    assert.ok(fs.existsSync(s.fsPath));
  });
});
