// One counting rule everywhere (issue 10, item 7). Seen in the demo: the confirmation said
// "1 to update, 1 unchanged" while the log said `same=2`, and the stack row said "4 resources"
// while Resources listed 3. Replayed here on one recorded change cycle of the files fixture.
import * as assert from 'assert';
import { ChangeModelBuilder, changeCounts, CHANGE_OPS, ChangeOp } from '../../../src/stacks/model/changeModel';
import { OperationKind } from '../../../src/stacks/model/engineEvents';
import { formatEvent } from '../../../src/stacks/model/eventLog';
import { guardQuestion } from '../../../src/stacks/model/guard';
import { COUNTING_RULE, countsAsResource } from '../../../src/stacks/model/resourceCount';
import { ResourceNode, StateDeployment, buildStateIndex } from '../../../src/stacks/model/stateTree';
import { fixtureJson, recording } from './recorded';

function replay(name: string, op: OperationKind) {
  const rec = recording(name);
  const b = new ChangeModelBuilder(op, 'dev');
  const log: string[] = [];
  for (const e of rec.events) {
    log.push(...formatEvent(e, op === 'preview', undefined, e.summaryEvent ? changeCounts(b.model) : undefined));
    b.apply(e);
  }
  b.finish(rec.ok ? 'succeeded' : 'failed');
  return { model: b.model, log, rec };
}

/** Resources that exist after the operation: everything but the deletes. */
const remaining = (c: Record<ChangeOp, number>) => c.create + c.update + c.replace + c.same + c.read;

function summaryCounts(log: string[]): Record<ChangeOp, number> {
  const line = log.find((l) => l.includes('summary:'))!;
  const c = Object.fromEntries(CHANGE_OPS.map((op) => [op, 0])) as Record<ChangeOp, number>;
  for (const m of line.matchAll(/(\w+)=(\d+)/g)) c[m[1] as ChangeOp] = Number(m[2]);
  return c;
}

describe('stacks: one counting rule for resources', () => {
  it('the confirmation, the log summary, the stack count and the Resources list agree', () => {
    // Preview → confirmation; up → log; the state after it → stack row and Resources.
    const preview = replay('files-3-preview-changes', 'preview');
    const q = guardQuestion('up', 'dev', changeCounts(preview.model), []);
    assert.match(q.detail, /1 to update, 1 to replace, 1 to delete, 1 unchanged/);
    const up = replay('files-4-up-changes', 'up');
    const logged = summaryCounts(up.log);
    assert.deepStrictEqual(logged, changeCounts(up.model), up.log.join('\n'));
    assert.deepStrictEqual(changeCounts(up.model), changeCounts(preview.model));
    // The engine's own summary counts the stack resource as one more "same".
    assert.strictEqual(up.rec.events.find((e) => e.summaryEvent)!.summaryEvent!.resourceChanges.same, logged.same + 1);

    const idx = buildStateIndex(fixtureJson<StateDeployment>('files-state'));
    const rows: ResourceNode[] = [];
    const walk = (ns: ResourceNode[]) => {
      for (const n of ns) {
        rows.push(n);
        walk(idx.children.get(n.urn) ?? []);
      }
    };
    walk(idx.roots);
    const countedRows = rows.filter((r) => r.counted).map((r) => r.name);
    assert.deepStrictEqual(countedRows.sort(), ['a', 'c', 'site']);
    assert.deepStrictEqual(
      rows.filter((r) => !r.counted).map((r) => r.name),
      ['default'],
    );
    assert.strictEqual(idx.counted, 3);
    assert.strictEqual(idx.count, 5, 'the CLI counts the stack resource and the default provider too');
    assert.strictEqual(remaining(changeCounts(preview.model)), idx.counted);
    assert.strictEqual(remaining(logged), idx.counted);
  });

  it('states the rule: the stack resource and default providers are not counted, explicit providers are', () => {
    assert.match(COUNTING_RULE, /stack resource/);
    assert.match(COUNTING_RULE, /default providers/);
    assert.strictEqual(countsAsResource({ type: 'pulumi:pulumi:Stack', name: 'p-dev' }), false);
    assert.strictEqual(countsAsResource({ type: 'pulumi:providers:aws', name: 'default_6_0_0' }), false);
    assert.strictEqual(countsAsResource({ type: 'pulumi:providers:aws', urn: 'urn:pulumi:dev::p::pulumi:providers:aws::useast' }), true);
    assert.strictEqual(countsAsResource({ type: 'aws:s3/bucket:Bucket', name: 'default' }), true);
  });
});
