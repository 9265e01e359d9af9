// Policy packs in the real host against the real CLI: the fixture pack written with @pulumi/policy
// (test/fixtures/pulumi/policy-pack, started through the language host's RunPlugin) on the
// policy-target project, configured through opsdeck.pulumi.policyPacks. A mandatory violation blocks
// the deploy and nothing is created; an advisory one shows in the change view, in the Problems panel
// at the line Go to Resource Source opens, and in the log; a remediation is applied on disk.
import * as assert from 'assert';
import { hasRig, screenshot } from '../../rig';
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

const PROJECT = 'opsdeck-policy-target';

describe('Stacks: policy packs', function () {
  let stacks: StacksApi;
  let project: string;
  let data: string;
  const cfg = () => vscode.workspace.getConfiguration('opsdeck.pulumi');

  before(async function () {
    if (!toolsHavePulumi()) {
      console.log('Stacks: no Pulumi CLI in .tools/tools.json: skipping');
      this.skip();
    }
    stacks = await api();
    await useFileBackend();
    project = copyFixture('policy-target');
    copyFixture('policy-pack');
    data = dataDir('policy-dev');
    fs.rmSync(data, { recursive: true, force: true });
    // Relative to the workspace folder, as a team would write it in .vscode/settings.json.
    await cfg().update('policyPacks', ['stacks/policy-pack'], vscode.ConfigurationTarget.Workspace);
    await cmd('refreshStacks');
    await newStack(project, 'dev', { dir: data });
  });

  after(async () => {
    await cfg().update('policyPacks', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('a mandatory violation blocks the deploy, naming the policy and its resource; nothing is created', async () => {
    const r = expectStatus(await cmd<OpResult>('deploy', { project, stack: 'dev', confirm: { yes: true } }), 'failed');
    assert.strictEqual(r.failure.message, 'The deploy of "dev" is blocked by a mandatory policy: no-forbidden-files (blocked).');
    assert.ok(!fs.existsSync(data) || fs.readdirSync(data).length === 0, 'a blocked deploy created files');

    const view = stacks.changeView(project, 'dev')!;
    assert.deepStrictEqual(
      (view.policies ?? []).map((v) => [v.level, v.policy, v.resource]),
      [
        ['mandatory', 'no-forbidden-files', 'blocked'],
        ['advisory', 'content-ends-in-newline', 'notes'],
        ['remediated', 'unix-line-endings', 'crlf'],
      ],
    );
    assert.deepStrictEqual(view.policyPacks, [path.join(path.dirname(project), 'policy-pack')]);
    const blocked = view.groups.flatMap((g) => g.resources).find((x) => x.name === 'blocked');
    assert.deepStrictEqual(
      blocked?.policies?.map((v) => v.policy),
      ['no-forbidden-files'],
      'the violation sits beside its resource',
    );
    assert.match(view.failure?.message ?? '', /blocked by a mandatory policy: no-forbidden-files/);

    assert.match(
      stacks.logText(),
      /policy \[mandatory\] opsdeck-fixture-policies\/no-forbidden-files on blocked: Files must not be named forbidden\*\. File name "forbidden-report\.txt"/,
    );
    // Never deployed: the state has no source line yet, so the problem sits on Pulumi.yaml and says so.
    const problems = stacks.policyProblems();
    const mandatory = problems.find((p) => p.code === 'opsdeck-fixture-policies/no-forbidden-files');
    assert.ok(mandatory, JSON.stringify(problems));
    assert.strictEqual(mandatory.severity, 'Error');
    assert.strictEqual(mandatory.file, path.join(project, 'Pulumi.yaml'));
    assert.match(
      mandatory.message,
      /^blocked: File name "forbidden-report.txt" starts with "forbidden"; choose another name\. \[mandatory, stack dev\] \(not deployed yet/,
    );
  });

  it('once fixed, the deploy goes ahead with the remediation applied, and the advisory violation is in Problems at the resource source line', async () => {
    await cmd('setConfig', { project, stack: 'dev', key: 'blockedName', value: 'report.txt', secret: false });
    const r = expectStatus(await cmd<OpResult>('deploy', { project, stack: 'dev', confirm: { yes: true } }), 'succeeded');
    assert.match(r.counts, /^3 created/);
    assert.strictEqual(read(path.join(data, 'report.txt')), 'quarterly numbers\n');
    // The remediate policy rewrote "\r\n" before the resource was created.
    assert.strictEqual(read(path.join(data, 'crlf.txt')), 'one\ntwo\n');

    const view = stacks.changeView(project, 'dev')!;
    assert.deepStrictEqual(
      (view.policies ?? []).map((v) => [v.level, v.policy, v.resource]),
      [
        ['advisory', 'content-ends-in-newline', 'notes'],
        ['remediated', 'unix-line-endings', 'crlf'],
      ],
    );

    const problems = await until('the advisory violation at a source line', () => {
      const ps = stacks.policyProblems().filter((p) => p.code === 'opsdeck-fixture-policies/content-ends-in-newline');
      return ps.length === 1 && !ps[0]!.file.endsWith('Pulumi.yaml') ? ps : undefined;
    });
    assert.strictEqual(problems[0]!.severity, 'Warning');
    assert.strictEqual(problems[0]!.message, 'notes: Content of "notes.txt" does not end with a newline. [advisory, stack dev]');
    assert.ok(!stacks.policyProblems().some((p) => p.severity === 'Error'), 'the fixed mandatory violation is gone from Problems');

    // The same place Go to Resource Source opens for that resource.
    const notes = `urn:pulumi:dev::${PROJECT}::pulumi-nodejs:dynamic:Resource::notes`;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.strictEqual(await cmd<boolean>('openResourceSource', { project, stack: 'dev', urn: notes }), true);
    const ed = await until('an editor on the program', () => vscode.window.activeTextEditor);
    assert.strictEqual(problems[0]!.file, ed.document.uri.fsPath);
    assert.strictEqual(problems[0]!.line, ed.selection.active.line + 1);
    // The README's picture: the advisory violation at its line, in the editor and in Problems.
    if (hasRig()) {
      await vscode.commands.executeCommand('workbench.actions.view.problems');
      await screenshot('stacks-policy-problems');
    }
    // And VS Code's own diagnostics for that file hold it.
    const diags = vscode.languages
      .getDiagnostics(ed.document.uri)
      .filter((d) => d.source === 'OpsDeck policy' && d.code === 'opsdeck-fixture-policies/content-ends-in-newline');
    assert.deepStrictEqual(
      diags.map((d) => [d.range.start.line + 1, d.severity]),
      [[problems[0]!.line, vscode.DiagnosticSeverity.Warning]],
    );
  });

  it('a pack limited to other stacks does not run; a bad entry stops the preview naming the setting', async () => {
    await cfg().update('policyPacks', [{ path: 'stacks/policy-pack', stacks: ['prod*'] }], vscode.ConfigurationTarget.Workspace);
    await cmd('setConfig', { project, stack: 'dev', key: 'blockedName', value: 'forbidden-again.txt', secret: false });
    expectStatus(await cmd<OpResult>('preview', { project, stack: 'dev' }), 'succeeded');
    assert.deepStrictEqual(stacks.changeView(project, 'dev')!.policies, []);

    await cfg().update('policyPacks', ['stacks/no-such-pack'], vscode.ConfigurationTarget.Workspace);
    const r = expectStatus(await cmd<OpResult>('preview', { project, stack: 'dev' }), 'refused');
    assert.match(
      r.reason,
      /opsdeck\.pulumi\.policyPacks names "stacks\/no-such-pack", but .*no-such-pack is not a policy pack \(it has no PulumiPolicy\.yaml\)/,
    );
    await cmd('setConfig', { project, stack: 'dev', key: 'blockedName', value: 'report.txt', secret: false });
  });
});
