// A damaged encryptionsalt through the runner against the real Pulumi CLI (plain Node; skipped
// without .tools/tools.json): the session reads the stack file after the CLI's error and names the
// file and line, and a wrong passphrase on a sound file stays a passphrase error (issue 10 #3).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { PulumiProjectSession } from '../../../src/stacks/runner/session';
import { realCliSettings, repo, tools } from './realCli';

describe('stacks: a damaged encryptionsalt through the session (real CLI)', function () {
  this.timeout(180_000);
  const base = path.join(repo, 'test-output', 'unit-salt');
  const project = path.join(base, 'p');
  const file = path.join(project, 'Pulumi.dev.yaml');
  let original = '';

  const session = (passphrase: string) => {
    const settings = realCliSettings(base, 'onDisk', passphrase);
    return new PulumiProjectSession({ dir: project, name: 'salt-session', runtime: 'yaml' }, settings, () => true);
  };

  before(async function () {
    if (!tools.pulumi || process.platform !== 'linux') this.skip();
    fs.rmSync(base, { recursive: true, force: true });
    fs.mkdirSync(path.join(base, 'backend'), { recursive: true });
    fs.mkdirSync(project, { recursive: true });
    fs.writeFileSync(path.join(project, 'Pulumi.yaml'), 'name: salt-session\nruntime: yaml\n');
    const s = session('right passphrase');
    assert.ok((await s.createStack('dev')).ok);
    assert.ok((await s.setConfig('dev', 'token', 'tok-value', true)).ok);
    original = fs.readFileSync(file, 'utf8');
    await s.dispose();
  });
  after(() => fs.rmSync(base, { recursive: true, force: true }));
  afterEach(() => original && fs.writeFileSync(file, original));

  it('a wrong passphrase with a sound salt is a passphrase error', async () => {
    const s = session('wrong passphrase');
    const r = await s.config('dev');
    await s.dispose();
    assert.ok(!r.ok);
    assert.strictEqual(r.error.kind, 'passphrase', r.error.message);
  });

  it('a salt cut short (the CLI says "incorrect passphrase") names the stack file and line', async () => {
    fs.writeFileSync(file, original.replace(/^(encryptionsalt: v1:)([A-Za-z0-9+/]{8})[A-Za-z0-9+/]*=*/m, '$1$2'));
    const line = original.split('\n').findIndex((l) => l.startsWith('encryptionsalt:')) + 1;
    const s = session('right passphrase');
    const r = await s.config('dev');
    await s.dispose();
    assert.ok(!r.ok);
    assert.match(r.error.detail, /incorrect passphrase/);
    assert.strictEqual(r.error.kind, 'encryption-salt', r.error.message);
    assert.deepStrictEqual(r.error.locations, [{ file, line }]);
    assert.match(r.error.message, new RegExp(`Pulumi\\.dev\\.yaml \\(line ${line}\\) is damaged`));
  });

  it('a salt that no longer decodes (the CLI says "illegal base64 data") names the stack file and line too', async () => {
    fs.writeFileSync(file, original.replace(/^(encryptionsalt: v1:)([A-Za-z0-9+/]{6})[A-Za-z0-9+/]*=*/m, '$1$2'));
    const line = original.split('\n').findIndex((l) => l.startsWith('encryptionsalt:')) + 1;
    const s = session('right passphrase');
    const r = await s.config('dev');
    await s.dispose();
    assert.ok(!r.ok);
    assert.match(r.error.detail, /illegal base64 data/);
    assert.strictEqual(r.error.kind, 'encryption-salt', r.error.message);
    assert.deepStrictEqual(r.error.locations, [{ file, line }]);
  });
});
