import * as assert from 'assert';
import { explainFailure, sourceLocations } from '../../../src/stacks/model/failures';
import { recording } from './recorded';

describe('stacks: failures explained', () => {
  it('a program that does not compile points at the file and line', () => {
    const rec = recording('broken-compile-preview');
    const f = explainFailure({ errorMessage: rec.failure!.detail });
    assert.strictEqual(f.kind, 'compile');
    assert.deepStrictEqual(f.locations[0], { file: '/FIXTURE/broken-compile/index.ts', line: 5, column: 40 });
    assert.strictEqual(f.locations.length, 1);
    assert.match(f.message, /index\.ts:5/);
  });

  it('a resource that fails to create is named with the provider message', () => {
    const rec = recording('failing-create-up');
    assert.strictEqual(rec.failure!.kind, 'resource');
    assert.match(rec.failure!.message, /^bad failed: quota exceeded/);
  });

  it('a missing CLI says how to install it and which setting points at it', () => {
    const f = explainFailure({ errorMessage: 'spawn pulumi ENOENT', cliSetting: '/opt/pulumi' });
    assert.strictEqual(f.kind, 'cli-missing');
    assert.match(f.message, /\/opt\/pulumi/);
    assert.match(f.remedy, /opsdeck\.pulumi\.cliPath/);
  });

  it('recognises lock, passphrase and backend errors from CLI text', () => {
    assert.strictEqual(
      explainFailure({
        errorMessage: 'x',
        stderr:
          'error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.',
      }).kind,
      'locked',
    );
    assert.strictEqual(explainFailure({ errorName: 'ConcurrentUpdateError', errorMessage: 'conflict' }).kind, 'locked');
    const held = explainFailure({
      errorMessage: 'x',
      stack: 'dev',
      stderr:
        'error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n  file:///b/.pulumi/locks/organization/p/dev/1.json: created by dana@ci-7 (pid 4242) at 2026-11-23T10:00:00Z',
    });
    assert.strictEqual(held.message, 'Stack "dev" is locked by another update (dana@ci-7, pid 4242, since 2026-11-23T10:00:00Z).');
    assert.strictEqual(
      explainFailure({ errorMessage: 'x', stderr: 'error: getting secrets manager: incorrect passphrase' }).kind,
      'passphrase',
    );
    assert.strictEqual(
      explainFailure({ errorMessage: 'x', stderr: 'error: failed to load checkpoint: open /nope: permission denied' }).kind,
      'backend',
    );
  });

  it('finds positions in compiler and stack-trace formats, not in node_modules', () => {
    const locs = sourceLocations('a/index.ts(3,7): error TS2322\n at f (/p/src/x.ts:10:2)\n at g (/p/node_modules/y/z.js:1:1)');
    assert.deepStrictEqual(
      locs.map((l) => `${l.file}:${l.line}`),
      ['a/index.ts:3', '/p/src/x.ts:10'],
    );
  });
});
