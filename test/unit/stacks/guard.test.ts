import * as assert from 'assert';
import { guardQuestion, judge } from '../../../src/stacks/model/guard';
import { DEFAULT_PRODUCTION_PATTERNS, isProductionStack } from '../../../src/stacks/model/production';

const counts = { create: 1, update: 2, replace: 0, delete: 1, same: 3, read: 0 };

describe('stacks: production guard rails', () => {
  it('matches the default production patterns case-insensitively on the stack name', () => {
    for (const s of ['prod', 'Production', 'prod-eu', 'acme/web/prod-us', 'production2'])
      assert.ok(isProductionStack(s, DEFAULT_PRODUCTION_PATTERNS), s);
    for (const s of ['dev', 'staging', 'preprod', 'acme/prod/dev']) assert.ok(!isProductionStack(s, DEFAULT_PRODUCTION_PATTERNS), s);
    assert.ok(isProductionStack('live-1', ['live-?']));
    assert.ok(!isProductionStack('live-12', ['live-?']));
  });

  it('shows the preview counts in the question', () => {
    const q = guardQuestion('up', 'dev', counts, DEFAULT_PRODUCTION_PATTERNS);
    assert.strictEqual(q.production, false);
    assert.match(q.detail, /1 to create, 2 to update, 1 to delete/);
    assert.strictEqual(q.typeToConfirm, undefined);
    assert.deepStrictEqual(judge(q, { confirmed: true }), { proceed: true });
  });

  it('a production stack demands its exact name; a click is not enough', () => {
    const q = guardQuestion('destroy', 'acme/web/prod', counts, DEFAULT_PRODUCTION_PATTERNS);
    assert.strictEqual(q.typeToConfirm, 'prod');
    assert.strictEqual(judge(q, { confirmed: true }).proceed, false);
    assert.strictEqual(judge(q, { confirmed: true, typedName: 'Prod' }).proceed, false);
    assert.strictEqual(judge(q, { confirmed: true, typedName: 'prod' }).proceed, true);
    assert.strictEqual(judge(q, { confirmed: false, typedName: 'prod' }).proceed, false);
  });

  it('knows when a preview has nothing to do', () => {
    assert.ok(guardQuestion('up', 'dev', { create: 0, update: 0, replace: 0, delete: 0, same: 4, read: 0 }, []).nothingToDo);
  });
});
