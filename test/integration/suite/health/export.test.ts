// "OpsDeck: Export Health Checks to Pulumi" in the real host (issue 13 #1): a health.yaml with public
// HTTP(S) and TCP endpoints and a loopback one (a real loopback server), a TypeScript Pulumi project in
// the workspace, and the command run through executeCommand with the request a scripted caller passes
// (the project, and the answer to "Write …?" that the palette asks in a modal, which the test host
// refuses to show). The diffs open either way; what is written is checked on disk.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { LoopbackHttp } from '../../../unit/health/loopbackServers';
import type { ExportResult } from '../../../../src/health/exportCommand';

const folder = () => vscode.workspace.workspaceFolders![0]!;
const configPath = () => path.join(folder().uri.fsPath, '.opsdeck', 'health.yaml');

/** The diff editors the export opened: [title, file the proposal is for]. */
function exportDiffTabs(): Array<[string, string]> {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === 'opsdeck-export')
    .map((t) => [t.label, path.basename((t.input as vscode.TabInputTextDiff).modified.path)]);
}

describe('Health: Export Health Checks to Pulumi in the extension host', function () {
  this.timeout(60_000);
  let local: LoopbackHttp;
  let project: string;
  let moduleFile: string;
  let entryFile: string;

  const run = (req: unknown) => vscode.commands.executeCommand<ExportResult>('opsdeck.exportHealthChecksToPulumi', req);

  async function writeConfig(extra = ''): Promise<void> {
    fs.mkdirSync(path.dirname(configPath()), { recursive: true });
    fs.writeFileSync(
      configPath(),
      `version: 1
# Long intervals: the public names do not resolve offline, and this test is about the export.
defaults: { interval: 10m, failureThreshold: 3 }
alarms: { prefixes: [prod-] }
endpoints:
  - name: api
    url: https://api.example.com/health
    bodyMatch: '"status":"ok"'
  - name: db
    tcp: db.example.com:5432
  - name: local
    url: ${local.url}
${extra}`,
    );
    await vscode.commands.executeCommand('opsdeck.refreshHealth');
  }

  before(async () => {
    local = await new LoopbackHttp().start();
    project = path.join(folder().uri.fsPath, 'stacks', 'export-target');
    fs.rmSync(project, { recursive: true, force: true });
    fs.cpSync(path.join(process.env.OPSDECK_REPO!, 'test', 'fixtures', 'pulumi', 'files'), project, { recursive: true });
    moduleFile = path.join(project, 'opsdeckHealthChecks.ts');
    entryFile = path.join(project, 'index.ts');
    await writeConfig();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(configPath(), { force: true });
    await vscode.commands.executeCommand('opsdeck.refreshHealth');
    fs.rmSync(project, { recursive: true, force: true });
    await local?.stop();
  });

  it('shows the diffs and writes nothing when the answer is no', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const entryBefore = fs.readFileSync(entryFile, 'utf8');
    const r = await run({ project, confirm: { yes: false } });
    assert.deepStrictEqual(r, { kind: 'declined' });
    assert.deepStrictEqual(exportDiffTabs(), [
      ['opsdeckHealthChecks.ts (export to Pulumi)', 'opsdeckHealthChecks.ts'],
      ['index.ts (export to Pulumi)', 'index.ts'],
    ]);
    assert.strictEqual(fs.existsSync(moduleFile), false);
    assert.strictEqual(fs.readFileSync(entryFile, 'utf8'), entryBefore);
  });

  it('writes a Route 53 check and alarm per public endpoint, lists the loopback one as not probeable, and imports the module', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const r = await run({ project, confirm: { yes: true } });
    assert.strictEqual(r?.kind, 'written', JSON.stringify(r));
    assert.deepStrictEqual(r.files, [moduleFile, entryFile]);
    assert.deepStrictEqual(r.exported, ['api', 'db']);
    assert.deepStrictEqual(
      r.skipped.map((s) => s.name),
      ['local'],
    );
    assert.strictEqual(exportDiffTabs().length, 2, 'both diffs were shown before writing');

    const mod = fs.readFileSync(moduleFile, 'utf8');
    for (const name of ['api', 'db']) {
      assert.match(mod, new RegExp(`this\\.checks\\['${name}'\\] = new aws\\.route53\\.HealthCheck\\(`));
      assert.match(mod, new RegExp(`this\\.alarms\\['${name}'\\] = new aws\\.cloudwatch\\.MetricAlarm\\(`));
      assert.match(mod, new RegExp(`tags: \\{ 'opsdeck:endpoint': '${name}', 'opsdeck:workspace': '${folder().name}' \\}`));
    }
    assert.match(mod, /type: 'HTTPS_STR_MATCH'/);
    assert.match(mod, /fqdn: 'api\.example\.com'/);
    assert.match(mod, /searchString: '"status":"ok"'/);
    assert.match(mod, /type: 'TCP'/);
    assert.match(mod, /port: 5432/);
    assert.match(mod, /name: 'prod-opsdeck-api-health'/);
    assert.doesNotMatch(mod, /checks\['local'\]/);
    assert.match(mod, /\/\/ Not exported: Route 53 cannot probe these endpoints\.\n\s*\/\/ - local: loopback address 127\.0\.0\.1/);

    const entry = fs.readFileSync(entryFile, 'utf8');
    assert.match(entry, /^import \{ OpsDeckHealthChecks \} from '\.\/opsdeckHealthChecks';$/m);
  });

  it('after health.yaml changes, a second export rewrites only the generated region: a user edit outside it survives', async () => {
    const edited =
      fs.readFileSync(moduleFile, 'utf8') +
      '\n// Added by hand: the on-call topic.\nexport const onCallTopic = "arn:aws:sns:us-east-1:123456789012:on-call";\n';
    fs.writeFileSync(moduleFile, edited);
    await writeConfig('  - name: www\n    url: http://www.example.com/\n');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');

    const r = await run({ project, confirm: { yes: true } });
    assert.strictEqual(r?.kind, 'written', JSON.stringify(r));
    assert.deepStrictEqual(r.files, [moduleFile], 'the entry file already imports the module');
    assert.deepStrictEqual(r.exported, ['api', 'db', 'www']);
    assert.deepStrictEqual(exportDiffTabs(), [['opsdeckHealthChecks.ts (export to Pulumi)', 'opsdeckHealthChecks.ts']]);

    const mod = fs.readFileSync(moduleFile, 'utf8');
    assert.match(mod, /this\.checks\['www'\] = new aws\.route53\.HealthCheck\(/);
    assert.match(mod, /type: 'HTTP'/);
    assert.ok(mod.endsWith('export const onCallTopic = "arn:aws:sns:us-east-1:123456789012:on-call";\n'), mod.slice(-300));
    assert.strictEqual(mod.match(/^\s*\/\/ region opsdeck:generated/gm)?.length, 1, 'one generated region');
    const imports = fs.readFileSync(entryFile, 'utf8').match(/from '\.\/opsdeckHealthChecks'/g);
    assert.strictEqual(imports?.length, 1, 'imported once');

    // Nothing changed since: nothing to write, no question.
    assert.deepStrictEqual(await run({ project, confirm: { yes: true } }), { kind: 'unchanged', file: moduleFile });
  });

  it('names the folder when the project asked for is not a Pulumi TypeScript project', async () => {
    const r = await run({ project: path.join(folder().uri.fsPath, 'nowhere'), confirm: { yes: true } });
    assert.strictEqual(r?.kind, 'failed');
    assert.match(r.message, /nowhere is not a Pulumi TypeScript project of this workspace/);
  });
});
