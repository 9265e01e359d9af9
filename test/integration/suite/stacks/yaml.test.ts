// A Pulumi YAML project in the real host, run by Pulumi's own YAML language host (pulumi-language-yaml,
// provisioned beside the CLI): shown and operated like a TypeScript project. Preview, deploy, outputs
// (a secret one masked), a config change deployed, refresh, history, Go to Resource Source on a
// StackReference declared in Pulumi.yaml, the inline route setting explained, destroy.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { hasRig, screenshot } from '../../rig';
import {
  StacksApi,
  api,
  cmd,
  copyFixture,
  expectStatus,
  labels,
  newStack,
  pictureOfStacksTree,
  toolsHavePulumi,
  until,
  useFileBackend,
  OpResult,
} from './support';

const PROJECT = 'opsdeck-yaml';

function toolsHaveYaml(): boolean {
  const tools = JSON.parse(fs.readFileSync(process.env.OPSDECK_TOOLS_JSON!, 'utf8')) as { pulumi?: { yaml?: { languageHost?: string } } };
  const host = tools.pulumi?.yaml?.languageHost;
  return !!host && fs.existsSync(host);
}

describe('Stacks: a YAML project through Pulumi’s own language host', function () {
  let stacks: StacksApi;
  let project: string;
  let consumer: string;

  before(async function () {
    if (!toolsHavePulumi() || !toolsHaveYaml()) {
      console.log('Stacks: no Pulumi CLI or YAML host in .tools/tools.json: skipping');
      this.skip();
    }
    stacks = await api();
    await useFileBackend();
    project = copyFixture('yaml-basic');
    consumer = copyFixture('yaml-stackref');
    await cmd('refreshStacks');
  });

  it('is discovered with its stacks like a TypeScript project', async () => {
    await newStack(project, 'dev', {});
    const st = await stacks.children([PROJECT]);
    assert.deepStrictEqual(labels(st), ['dev']);
    assert.deepStrictEqual(labels(await stacks.children([PROJECT, 'dev'])), ['Resources', 'Outputs', 'Config', 'History']);
  });

  it('previews through pulumi-language-yaml, and deploys a stack whose only change is its outputs', async () => {
    expectStatus(await cmd<OpResult>('preview', { project, stack: 'dev' }), 'succeeded');
    assert.match(stacks.changeView(project, 'dev')!.route ?? '', /on disk .*pulumi-language-yaml/);
    expectStatus(await cmd<OpResult>('deploy', { project, stack: 'dev', confirm: { yes: true } }), 'succeeded');
    const outs = await stacks.children([PROJECT, 'dev', 'Outputs']);
    assert.deepStrictEqual(
      outs.map((o) => [o.label, o.description]),
      [
        ['apiKey', '"not-set"'],
        ['message', '"hello, world"'],
        ['replicas', '2'],
        ['stack', '"dev"'],
        ['token', '[secret]'],
      ],
    );
    assert.doesNotMatch(stacks.logText(), /tok-hello-dev/);
  });

  it('deploys a config change, refreshes, and lists the history newest first', async () => {
    await cmd('setConfig', { project, stack: 'dev', key: 'greeting', value: 'bonjour', secret: false });
    expectStatus(await cmd<OpResult>('deploy', { project, stack: 'dev', confirm: { yes: true } }), 'succeeded');
    const outs = await stacks.children([PROJECT, 'dev', 'Outputs']);
    assert.strictEqual(outs.find((o) => o.label === 'message')?.description, '"bonjour, world"');
    expectStatus(await cmd<OpResult>('refreshStack', { project, stack: 'dev', confirm: { yes: true } }), 'succeeded');
    const hist = await stacks.children([PROJECT, 'dev', 'History']);
    assert.deepStrictEqual(labels(hist), ['#3 refresh', '#2 update', '#1 update']);
    assert.match(hist[1]!.description ?? '', /^succeeded/);
    // The README's picture: the YAML stack opened in the tree as a user would, its Outputs (the secret
    // masked) and History rows. Taken where the tree has room (the whole suite lists ~20 projects).
    if (hasRig()) {
      const rows = await pictureOfStacksTree(
        [PROJECT, 'dev', 'Outputs', 'History'],
        (r) => r.some((x) => x.startsWith('message')) && r.some((x) => x.startsWith('#3 refresh')),
      );
      if (rows) {
        assert.ok(
          rows.some((r) => /^token\s*\[secret\]/.test(r)),
          rows.join('\n'),
        );
        await screenshot('stacks-yaml');
      }
    }
  });

  it('Go to Resource Source opens the resource’s declaration in Pulumi.yaml (the YAML host records its own Go source)', async () => {
    await newStack(consumer, 'dev', { upstream: 'organization/opsdeck-yaml/dev' });
    expectStatus(await cmd<OpResult>('deploy', { project: consumer, stack: 'dev', confirm: { yes: true } }), 'succeeded');
    const res = await stacks.children(['opsdeck-yaml-stackref', 'dev', 'Resources']);
    const ref = res.find((r) => r.label === 'upstreamStack');
    assert.ok(ref, `resources: ${labels(res).join(', ')}`);
    assert.strictEqual(ref.contextValue, 'resourceWithSource');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const urn = 'urn:pulumi:dev::opsdeck-yaml-stackref::pulumi:pulumi:StackReference::upstreamStack';
    assert.strictEqual(await cmd<boolean>('openResourceSource', { project: consumer, stack: 'dev', urn }), true);
    const ed = await until('an editor on Pulumi.yaml', () => vscode.window.activeTextEditor);
    assert.strictEqual(ed.document.uri.fsPath, path.join(consumer, 'Pulumi.yaml'));
    assert.strictEqual(ed.document.lineAt(ed.selection.active.line).text, '  upstreamStack:');
    expectStatus(await cmd<OpResult>('destroy', { project: consumer, stack: 'dev', confirm: { yes: true } }), 'succeeded');
  });

  it('with programRoute "inline", runs on disk anyway and says why in the change view', async () => {
    const cfg = vscode.workspace.getConfiguration('opsdeck.pulumi');
    const before = cfg.inspect('programRoute')?.workspaceValue;
    await cfg.update('programRoute', 'inline', vscode.ConfigurationTarget.Workspace);
    try {
      expectStatus(await cmd<OpResult>('preview', { project, stack: 'dev' }), 'succeeded');
      assert.match(
        stacks.changeView(project, 'dev')!.route ?? '',
        /"inline" applies to Node\.js programs only, and this is a yaml project/,
      );
    } finally {
      await cfg.update('programRoute', before, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('destroys: no outputs left, and the history records it', async () => {
    expectStatus(await cmd<OpResult>('destroy', { project, stack: 'dev', confirm: { yes: true } }), 'succeeded');
    const outs = await stacks.children([PROJECT, 'dev', 'Outputs']);
    assert.ok(!outs.some((o) => o.label === 'message'), `outputs: ${labels(outs).join(', ')}`);
    assert.strictEqual(labels(await stacks.children([PROJECT, 'dev', 'History']))[0], '#4 destroy');
  });
});
