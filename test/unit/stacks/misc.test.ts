import * as assert from 'assert';
import { parseProjectFile } from '../../../src/stacks/model/projectFile';
import { buildPulumiEnv, needsPassphrase, secretEnvValues, sharedBackendLabel } from '../../../src/stacks/model/pulumiEnv';
import { OperationGate } from '../../../src/stacks/model/operationGate';
import { chooseRoute } from '../../../src/stacks/runner/session';

describe('stacks: project files, environment, one operation per stack', () => {
  it('reads a Pulumi.yaml with a runtime mapping', () => {
    const r = parseProjectFile(
      'name: web\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nbackend:\n  url: file://~/state\n',
      'Pulumi.yaml',
    );
    assert.ok(r.ok);
    assert.deepStrictEqual([r.value.name, r.value.runtime, r.value.backendUrl], ['web', 'nodejs', 'file://~/state']);
  });

  it('explains a broken Pulumi.yaml with its line', () => {
    const r = parseProjectFile('name: web\nruntime: [nodejs\n', 'infra/Pulumi.yaml');
    assert.ok(!r.ok);
    assert.match(r.error.message, /infra\/Pulumi\.yaml is not valid YAML/);
    const noRuntime = parseProjectFile('name: web\n', 'Pulumi.yaml');
    assert.ok(!noRuntime.ok);
    assert.match(noRuntime.error.message, /no runtime/);
  });

  it('names a shared backend for the tree without its query options; a local folder is not named', () => {
    assert.strictEqual(
      sharedBackendLabel('s3://team-state/infra?endpoint=http://127.0.0.1:5000&use_path_style=true&region=us-east-1'),
      's3://team-state/infra',
    );
    assert.strictEqual(sharedBackendLabel('s3://team-state'), 's3://team-state');
    assert.strictEqual(sharedBackendLabel('https://api.pulumi.com'), 'https://api.pulumi.com');
    assert.strictEqual(sharedBackendLabel('file://~/state'), undefined);
    assert.strictEqual(sharedBackendLabel(undefined), undefined);
    assert.strictEqual(sharedBackendLabel('not a url'), undefined);
  });

  it('puts the CLI and plugin folders first on PATH, once, and adds the passphrase', () => {
    const env = buildPulumiEnv({
      base: { PATH: '/usr/bin:/cli', HOME: '/home/u' },
      extra: { PULUMI_BACKEND_URL: 'file://~/b' },
      cliDir: '/cli',
      pluginDirs: ['/plug'],
      passphrase: 'pw',
      pathSeparator: ':',
    });
    assert.strictEqual(env.PATH, '/cli:/plug:/usr/bin');
    assert.strictEqual(env.PULUMI_BACKEND_URL, 'file://~/b');
    assert.strictEqual(env.PULUMI_CONFIG_PASSPHRASE, 'pw');
    assert.deepStrictEqual(secretEnvValues({ PULUMI_CONFIG_PASSPHRASE: 'hunter22', HOME: '/x' }), ['hunter22']);
  });

  it('asks for a passphrase only for self-managed backends without one', () => {
    assert.ok(needsPassphrase({ PULUMI_BACKEND_URL: 'file:///s' }));
    assert.ok(!needsPassphrase({ PULUMI_BACKEND_URL: 'file:///s', PULUMI_CONFIG_PASSPHRASE: '' }));
    assert.ok(!needsPassphrase({}));
  });

  it('runs one operation per stack: the second request is refused with what is running, and can wait', async () => {
    const gate = new OperationGate();
    const a = gate.tryAcquire('p/dev', 'up');
    assert.ok(a.ok);
    const b = gate.tryAcquire('p/dev', 'destroy');
    assert.ok(!b.ok);
    assert.match(b.message, /Up is already running on p\/dev/);
    assert.ok(gate.tryAcquire('p/prod', 'preview').ok, 'another stack is independent');
    let waited = false;
    const w = gate.whenIdle('p/dev').then(() => (waited = true));
    a.release();
    await w;
    assert.ok(waited);
    assert.ok(gate.tryAcquire('p/dev', 'destroy').ok);
  });

  it('chooses the inline route when the Node language host is missing, and says why', () => {
    const r = chooseRoute('auto', 'nodejs', undefined);
    assert.ok(r.ok);
    assert.strictEqual(r.value.route, 'inline');
    assert.match(r.value.reason, /pulumi-language-nodejs was not found/);
    const disk = chooseRoute('auto', 'nodejs', '/bin/pulumi-language-nodejs');
    assert.ok(disk.ok && disk.value.route === 'on-disk');
    assert.ok(!chooseRoute('auto', 'python', undefined).ok);
  });
});
