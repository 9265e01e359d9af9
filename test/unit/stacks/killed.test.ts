// A CLI killed half way (not a cancel), and the lock it leaves in a file backend.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { explainFailure } from '../../../src/stacks/model/failures';
import { readFileBackendLocks } from '../../../src/stacks/runner/fileBackend';

describe('stacks: a killed CLI', () => {
  // What the Automation API's CommandError carries when execa sees the CLI die from SIGKILL.
  const killed =
    'code: -2\n stdout: \n stderr: Command was killed with SIGKILL (Forced termination): /opt/pulumi/bin/pulumi up --yes --skip-preview --stack halfway --non-interactive\n err?: Error: Command was killed with SIGKILL (Forced termination): /opt/pulumi/bin/pulumi up\n';

  it('is explained as killed, with refresh (and the lock) as what to do', () => {
    const f = explainFailure({ errorName: 'CommandError', errorMessage: killed, stack: 'halfway' });
    assert.strictEqual(f.kind, 'killed');
    assert.strictEqual(f.message, 'The Pulumi CLI was killed (SIGKILL) before the operation on "halfway" finished.');
    assert.match(f.remedy, /pending operations/);
    assert.match(f.remedy, /Refresh the stack/);
    assert.match(f.remedy, /clear the lock/);
  });

  it('a cancel (SIGINT) is still a cancel, not a kill', () => {
    assert.strictEqual(explainFailure({ errorMessage: 'stderr: error: update canceled' }).kind, 'cancelled');
    assert.strictEqual(
      explainFailure({ errorMessage: 'Command was killed with SIGINT (User interruption with CTRL-C)' }).kind,
      'cancelled',
    );
  });
});

describe('stacks: locks in a file backend', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-lock-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('lists the lock a killed update left, with who held it', async () => {
    const dir = path.join(root, '.pulumi', 'locks', 'organization', 'proj', 'dev');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'a1-lock.json'),
      JSON.stringify({ pid: 4242, username: 'dana', hostname: 'ci-7', timestamp: '2026-11-23T10:00:00Z' }),
    );
    const locks = (await readFileBackendLocks(`file://${root}`, 'proj', 'dev'))!;
    assert.deepStrictEqual(locks, [
      { file: path.join(dir, 'a1-lock.json'), username: 'dana', hostname: 'ci-7', pid: 4242, timestamp: '2026-11-23T10:00:00Z' },
    ]);
    assert.deepStrictEqual(await readFileBackendLocks(`file://${root}`, 'proj', 'prod'), []);
    assert.deepStrictEqual(await readFileBackendLocks(`file://${root}`, 'other', 'dev'), []);
  });

  it('knows nothing about locks of a backend that is not a file backend', async () => {
    assert.strictEqual(await readFileBackendLocks('https://api.pulumi.com', 'proj', 'dev'), undefined);
  });
});
