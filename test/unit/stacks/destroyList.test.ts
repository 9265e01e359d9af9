// The destroy guard's list, from the state (model/destroyList.ts): against a real destroy recorded
// from the CLI (the state just before it and its engine events), and the engine's rules for pending
// deletes, read resources, views and protected resources.
import * as assert from 'assert';
import { ChangeModelBuilder, changeCounts, countsLine } from '../../../src/stacks/model/changeModel';
import { DestroyCandidate, destroyCandidate, destroyList, protectedMessage } from '../../../src/stacks/model/destroyList';
import { StateDeployment, buildStateIndex } from '../../../src/stacks/model/stateTree';
import { fixtureJson, recording } from './recorded';

const STACK = 'urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev';
const urn = (type: string, name: string) => `urn:pulumi:dev::p::${type}::${name}`;

function ok(list: ReturnType<typeof destroyList>) {
  assert.strictEqual(list.kind, 'ok', JSON.stringify(list));
  return list as Extract<typeof list, { kind: 'ok' }>;
}

describe('stacks: what a destroy deletes, listed from the state', () => {
  it('lists what the real destroy of the recorded stack deleted, with the same counts', async () => {
    const state = fixtureJson<StateDeployment>('files-state');
    const engine = new ChangeModelBuilder('destroy', 'dev');
    for (const e of recording('files-6-destroy').events) engine.apply(e);
    const list = ok(destroyList('dev', await buildStateIndex(state).destroyCandidates()));
    assert.deepStrictEqual(list.model.resources.map((r) => r.urn).sort(), engine.model.resources.map((r) => r.urn).sort());
    assert.deepStrictEqual(changeCounts(list.model), changeCounts(engine.model));
    assert.strictEqual(countsLine(changeCounts(list.model)), '3 to delete');
    // Dependents before what they depend on: the child `a` before its parent `site`, the stack last but the provider.
    const order = list.model.resources.map((r) => r.name);
    assert.ok(order.indexOf('a') < order.indexOf('site'), order.join(' '));
    assert.ok(list.model.resources.every((r) => r.op === 'delete' && r.status === 'pending'));
    assert.ok(list.model.finished);
  });

  it('follows the engine for pending deletes, read resources, resources awaiting replacement and views', () => {
    const rs: DestroyCandidate[] = [
      { urn: STACK, type: 'pulumi:pulumi:Stack' },
      { urn: urn('aws:s3/bucket:Bucket', 'old'), type: 'aws:s3/bucket:Bucket', delete: true, protect: true },
      { urn: urn('aws:s3/bucket:Bucket', 'old'), type: 'aws:s3/bucket:Bucket', parent: STACK },
      { urn: urn('aws:ec2/vpc:Vpc', 'shared'), type: 'aws:ec2/vpc:Vpc', external: true },
      { urn: urn('aws:rds/instance:Instance', 'db'), type: 'aws:rds/instance:Instance', pendingReplacement: true, protect: true },
      { urn: urn('x:index:View', 'v'), type: 'x:index:View', viewOf: urn('aws:s3/bucket:Bucket', 'old'), protect: true },
    ];
    const list = ok(destroyList('dev', rs));
    const steps = Object.fromEntries(list.model.resources.map((r) => [r.name, r.steps.join(',')]));
    assert.deepStrictEqual(steps, {
      v: 'delete',
      db: 'remove-pending-replace',
      shared: 'discard',
      old: 'delete,delete-replaced', // one row for the live resource and its pending delete
      'p-dev': 'delete',
    });
    assert.strictEqual(changeCounts(list.model).delete, 4, 'the stack resource is not counted');
  });

  it('refuses a stack that holds a protected resource, naming it, and says what to do', () => {
    const rs = [
      { urn: STACK, type: 'pulumi:pulumi:Stack' },
      { urn: urn('aws:rds/instance:Instance', 'db'), type: 'aws:rds/instance:Instance', protect: true },
      { urn: urn('aws:s3/bucket:Bucket', 'logs'), type: 'aws:s3/bucket:Bucket' },
    ];
    const list = destroyList('prod', rs);
    assert.deepStrictEqual(list, { kind: 'protected', resources: [{ urn: rs[1]!.urn, name: 'db' }] });
    const m = protectedMessage('prod', list.kind === 'protected' ? list.resources : []);
    assert.match(m, /"prod" has 1 protected resource \(db\)/);
    assert.match(m, /nothing was deleted/);
    assert.match(m, /pulumi state unprotect/);
    const many = protectedMessage(
      'prod',
      Array.from({ length: 7 }, (_, i) => ({ urn: `u${i}`, name: `r${i}` })),
    );
    assert.match(many, /7 protected resources \(r0, r1, r2, r3, r4 and 2 more\)/);
  });

  it('gives a new fingerprint when the state gains, loses or re-protects a resource, the same one otherwise', () => {
    const base: DestroyCandidate[] = [
      { urn: STACK, type: 'pulumi:pulumi:Stack' },
      { urn: urn('aws:s3/bucket:Bucket', 'a'), type: 'aws:s3/bucket:Bucket', parent: STACK },
    ];
    const f = (rs: DestroyCandidate[]) => ok(destroyList('dev', rs)).fingerprint;
    assert.strictEqual(f(base), f(base.map((r) => ({ ...r }))));
    assert.notStrictEqual(f(base), f([...base, { urn: urn('aws:s3/bucket:Bucket', 'b'), type: 'aws:s3/bucket:Bucket' }]));
    assert.notStrictEqual(f(base), f(base.slice(0, 1)));
  });

  it('keeps only what the list needs of a resource (no inputs or outputs)', () => {
    const c = destroyCandidate({
      urn: urn('aws:s3/bucket:Bucket', 'a'),
      type: 'aws:s3/bucket:Bucket',
      parent: STACK,
      inputs: { secret: 'x' },
      outputs: { arn: 'y' },
      protect: false,
      custom: true,
    });
    assert.deepStrictEqual(c, { urn: urn('aws:s3/bucket:Bucket', 'a'), type: 'aws:s3/bucket:Bucket', parent: STACK });
  });
});
