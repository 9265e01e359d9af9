// Masking never garbles: the demo's passphrase `demo` once turned `/tmp/x/demo/infra`,
// `opsdeck-demo:replicas` and `opsdeck-demo-dev` into `[secret]` (issue 10). Short or common
// secrets are masked only in a secret position; long random ones everywhere.
import * as assert from 'assert';
import { SecretMasker, isStrongSecret } from '../../../src/stacks/model/masking';
import { formatEvent } from '../../../src/stacks/model/eventLog';
import { maskViewState } from '../../../src/stacks/model/maskView';
import { recording } from './recorded';

describe('stacks: masking secrets without garbling anything else', () => {
  const demoLog = [
    '[/tmp/x/demo/infra#dev] Program route: on disk (Pulumi language host)',
    '[dev]   config: opsdeck-demo:replicas="3" opsdeck-demo:dbPassword="[secret]"',
    '[dev]   step: creating pulumi-nodejs:dynamic:Resource opsdeck-demo-dev (create)',
    '[dev]   info: wrote /home/demo/state/demo.json',
  ].join('\n');

  it('a short passphrase that occurs in paths and project names changes nothing there', () => {
    const m = new SecretMasker();
    m.add('demo', { key: 'PULUMI_CONFIG_PASSPHRASE', contextOnly: true });
    m.add('demo', { key: 'opsdeck-demo:dbPassword' }); // a short secret config value, same word
    assert.strictEqual(m.mask(demoLog), demoLog);
  });

  it('masks a short secret where it stands as the value of a secret key', () => {
    const m = new SecretMasker();
    m.add('demo', { key: 'opsdeck-demo:dbPassword' });
    m.add('hunter2', { key: 'PULUMI_CONFIG_PASSPHRASE', contextOnly: true });
    assert.strictEqual(m.mask('opsdeck-demo:dbPassword=demo in /srv/demo'), 'opsdeck-demo:dbPassword=[secret] in /srv/demo');
    assert.strictEqual(m.mask('{"dbPassword": "demo", "dir": "demo"}'), '{"dbPassword": "[secret]", "dir": "demo"}');
    assert.strictEqual(m.mask('dbPassword: demo'), 'dbPassword: [secret]');
    assert.strictEqual(m.mask('password=hunter2'), 'password=[secret]');
    // The value is only masked whole: a longer word that starts with it is something else.
    assert.strictEqual(m.mask('dbPassword: demonstration'), 'dbPassword: demonstration');
    assert.strictEqual(m.mask('the value demo is used'), 'the value demo is used');
  });

  it('masks any value of an environment-style secret variable (an env dump)', () => {
    const m = new SecretMasker();
    assert.strictEqual(
      m.mask('PULUMI_CONFIG_PASSPHRASE=demo PULUMI_BACKEND_URL=file:///tmp/demo AWS_SECRET_ACCESS_KEY=abc/def+g'),
      'PULUMI_CONFIG_PASSPHRASE=[secret] PULUMI_BACKEND_URL=file:///tmp/demo AWS_SECRET_ACCESS_KEY=[secret]',
    );
  });

  it('masks a long random secret everywhere, also inside JSON text and stack traces', () => {
    const token = 'tok-8fK2q9ZxLm4Rt7Vw';
    assert.ok(isStrongSecret(token));
    const m = new SecretMasker();
    m.add(token, { key: 'apiToken' });
    assert.strictEqual(
      m.mask(`Error: request with ${token} failed\n    at f (/p/index.ts:3:9)`),
      'Error: request with [secret] failed\n    at f (/p/index.ts:3:9)',
    );
    const quoted = 'p"q\\r-8fK2q9ZxLm4Rt7';
    m.add(quoted);
    assert.strictEqual(m.mask(JSON.stringify({ v: quoted })), '{"v":"[secret]"}');
  });

  it('a secret containing another is masked whole', () => {
    const m = new SecretMasker();
    m.add('abcdefghijKLMNOP1234');
    m.add('abcdefghijKLMNOP1234-and-more-9xq');
    assert.strictEqual(m.mask('x abcdefghijKLMNOP1234-and-more-9xq y'), 'x [secret] y');
  });

  it('tells strong from weak: length and entropy, not the key', () => {
    for (const weak of ['demo', 'hunter22', 'password1', 'aaaaaaaaaaaaaaaa', 'opsdeck-demo']) assert.ok(!isStrongSecret(weak), weak);
    for (const strong of ['tok-INTEGRATION-SECRET-4242', 'AKIAIOSFODNN7EXAMPLE', '6f1c0b7e-0d6b-4f8e-9d0a-3b1f2c4d5e6f'])
      assert.ok(isStrongSecret(strong), strong);
  });

  it('the log of a real run keeps project names and paths; the secret config value stays masked', () => {
    const rec = recording('secrets-up');
    const m = new SecretMasker();
    m.add('FIXTURE', { key: 'opsdeck-secrets:apiToken' }); // a word the recording uses in its paths
    const text = rec.events.flatMap((e) => formatEvent(e, false, m)).join('\n');
    assert.match(text, /\/FIXTURE\/data\/secrets/, 'paths are left alone');
    assert.match(text, /opsdeck-secrets:apiToken=.*\[secret\]/);
  });

  it("the change view's diagnostics, errors and failure are masked; secret-field diffs too; names never", () => {
    const m = new SecretMasker();
    m.add('demo', { key: 'opsdeck-demo:dbPassword' });
    m.add('tok-8fK2q9ZxLm4Rt7Vw');
    const v = maskViewState(
      {
        stack: 'demo',
        project: 'opsdeck-demo',
        operation: 'up',
        status: 'failed',
        countsLine: '',
        canDeploy: false,
        diagnostics: [{ severity: 'error', resource: 'demo', message: 'token tok-8fK2q9ZxLm4Rt7Vw rejected' }],
        failure: { message: 'demo failed: bad tok-8fK2q9ZxLm4Rt7Vw', remedy: 'fix /srv/demo' },
        groups: [
          {
            op: 'update',
            resources: [
              {
                urn: 'urn:pulumi:demo::opsdeck-demo::x:y:Z::demo',
                name: 'demo',
                type: 'x:y:Z',
                op: 'update',
                status: 'failed',
                label: 'failed',
                replaceReasons: [],
                hasSource: false,
                errors: ['dbPassword=demo refused'],
                diffs: [
                  { path: 'dbPassword', kind: 'update', replace: false, old: '"old"', new: '"demo"' },
                  { path: 'name', kind: 'update', replace: false, old: '"x"', new: '"demo"' },
                ],
              },
            ],
          },
        ],
      },
      m,
    );
    assert.strictEqual(v.project, 'opsdeck-demo');
    assert.strictEqual(v.stack, 'demo');
    assert.strictEqual(v.diagnostics[0]!.message, 'token [secret] rejected');
    assert.deepStrictEqual(v.failure, { message: 'demo failed: bad [secret]', remedy: 'fix /srv/demo' });
    const r = v.groups[0]!.resources[0]!;
    assert.strictEqual(r.name, 'demo');
    assert.deepStrictEqual(r.errors, ['dbPassword=[secret] refused']);
    assert.deepStrictEqual(
      r.diffs.map((d) => d.new),
      ['[secret]', '"demo"'],
    );
  });
});
