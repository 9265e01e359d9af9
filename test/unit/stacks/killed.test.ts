// A CLI killed half way (not a cancel), the lock it leaves in a file backend, and the process-wide
// handlers the inline route's Pulumi runtime leaves behind.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { explainFailure } from '../../../src/stacks/model/failures';
import { readFileBackendLocks } from '../../../src/stacks/runner/fileBackend';
import { trackInlineRun } from '../../../src/stacks/runner/session';

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

  it('lists the lock a killed update left, with who held it', () => {
    const dir = path.join(root, '.pulumi', 'locks', 'organization', 'proj', 'dev');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'a1-lock.json'),
      JSON.stringify({ pid: 4242, username: 'dana', hostname: 'ci-7', timestamp: '2026-11-23T10:00:00Z' }),
    );
    const locks = readFileBackendLocks(`file://${root}`, 'proj', 'dev')!;
    assert.deepStrictEqual(locks, [
      { file: path.join(dir, 'a1-lock.json'), username: 'dana', hostname: 'ci-7', pid: 4242, timestamp: '2026-11-23T10:00:00Z' },
    ]);
    assert.deepStrictEqual(readFileBackendLocks(`file://${root}`, 'proj', 'prod'), []);
    assert.deepStrictEqual(readFileBackendLocks(`file://${root}`, 'other', 'dev'), []);
  });

  it('knows nothing about locks of a backend that is not a file backend', () => {
    assert.strictEqual(readFileBackendLocks('https://api.pulumi.com', 'proj', 'dev'), undefined);
  });
});

describe('stacks: process handlers left by inline runs', () => {
  const mine = () => undefined;
  afterEach(() => process.removeListener('uncaughtException', mine));

  it('removes the handlers a run added once no run is in flight, and keeps the ones that were there', () => {
    process.on('uncaughtException', mine);
    const before = process.listenerCount('uncaughtException');
    const first = trackInlineRun();
    const second = trackInlineRun();
    const leftByFirst = () => undefined;
    const leftBySecond = () => undefined;
    process.on('uncaughtException', leftByFirst);
    process.on('unhandledRejection', leftBySecond);
    assert.deepStrictEqual(first.end(), {});
    assert.strictEqual(process.listenerCount('uncaughtException'), before + 1, 'nothing removed while the second run is in flight');
    assert.deepStrictEqual(
      second.end(),
      { uncaughtException: 1, unhandledRejection: 1 },
      'both handlers added during the runs are removed',
    );
    assert.deepStrictEqual(second.end(), {}, 'ending twice removes nothing more');
    assert.strictEqual(process.listenerCount('uncaughtException'), before);
    assert.ok(process.listeners('uncaughtException').includes(mine));
    assert.ok(!process.listeners('unhandledRejection').includes(leftBySecond));
  });
});
