// opsdeck.health.configFile names a file inside the workspace folder. A workspace setting of
// "../../elsewhere.yaml", or a symlinked .opsdeck/ folder, must not make OpsDeck read (and act on) a
// file outside it: the real path is resolved and checked, and the refusal names the setting.
import * as assert from 'assert';
import { promises as fsp } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadHealthConfig } from '../../../src/health/runner/configLoader';

const policy = { allowedMethods: [], minIntervalMs: 5000 };
const CONFIG = 'endpoints:\n  - { name: api, url: "https://api.example.com/" }\n';

describe('health: the configuration file stays inside the workspace folder', () => {
  let root: string;
  let folder: string;
  let outside: string;
  beforeEach(async () => {
    root = await fsp.mkdtemp(path.join(os.tmpdir(), 'opsdeck-configfile-'));
    folder = path.join(root, 'workspace');
    outside = path.join(root, 'elsewhere');
    await fsp.mkdir(folder);
    await fsp.mkdir(outside);
    await fsp.writeFile(path.join(outside, 'health.yaml'), CONFIG);
  });
  afterEach(async () => {
    await fsp.rm(root, { recursive: true, force: true });
  });

  for (const configFile of ['../elsewhere/health.yaml', '.opsdeck/../../elsewhere/health.yaml', '..\\elsewhere\\health.yaml']) {
    it(`refuses ${configFile}, naming the setting`, async () => {
      const r = await loadHealthConfig(folder, configFile, policy);
      assert.strictEqual(r.kind, 'refused', JSON.stringify(r));
      if (r.kind !== 'refused') return;
      assert.match(r.problem, /opsdeck\.health\.configFile/);
      assert.match(r.problem, /outside the workspace folder/);
      assert.ok(r.problem.includes(configFile), 'says which value');
    });
  }

  it('refuses a symlinked folder that leads outside', async () => {
    await fsp.symlink(outside, path.join(folder, '.opsdeck'));
    const r = await loadHealthConfig(folder, '.opsdeck/health.yaml', policy);
    assert.strictEqual(r.kind, 'refused');
  });

  it('refuses a symlinked file that leads outside', async () => {
    await fsp.mkdir(path.join(folder, '.opsdeck'));
    await fsp.symlink(path.join(outside, 'health.yaml'), path.join(folder, '.opsdeck', 'health.yaml'));
    const r = await loadHealthConfig(folder, '.opsdeck/health.yaml', policy);
    assert.strictEqual(r.kind, 'refused');
  });

  it('reads a file inside, also through a symlink that stays inside, and reports a missing one as missing', async () => {
    await fsp.mkdir(path.join(folder, 'ops'));
    await fsp.writeFile(path.join(folder, 'ops', 'health.yaml'), CONFIG);
    assert.strictEqual((await loadHealthConfig(folder, 'ops/health.yaml', policy)).kind, 'ok');
    await fsp.symlink(path.join(folder, 'ops'), path.join(folder, '.opsdeck'));
    assert.strictEqual((await loadHealthConfig(folder, '.opsdeck/health.yaml', policy)).kind, 'ok');
    assert.strictEqual((await loadHealthConfig(folder, 'nothing/here.yaml', policy)).kind, 'missing');
  });
});
