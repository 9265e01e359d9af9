// Drift: what a real preview-only refresh of the files fixture found (a.txt edited, b.txt deleted
// behind Pulumi's back), and when a scheduled check may run.
import * as assert from 'assert';
import { ChangeModelBuilder } from '../../../src/stacks/model/changeModel';
import { checkDue, driftFromModel, driftLine, driftedResourceLine, nextCheckMinutes } from '../../../src/stacks/model/drift';
import { recording } from './recorded';

describe('stacks: drift', () => {
  const report = () => {
    const b = new ChangeModelBuilder('refresh', 'dev');
    for (const e of recording('files-drift-1-preview-refresh').events) b.apply(e);
    b.finish('succeeded');
    return driftFromModel(b.model, 0);
  };

  it('lists each drifted resource with its properties as state value → cloud value; the stack and providers are left out', () => {
    const r = report();
    assert.deepStrictEqual(
      r.resources.map((d) => [d.name, d.kind]),
      [
        ['a', 'changed'],
        ['b', 'deleted'],
      ],
    );
    const a = r.resources.find((d) => d.name === 'a')!;
    const content = a.properties.find((p) => p.path === 'content')!;
    assert.strictEqual(content.old, '"hello, world\\n"');
    assert.strictEqual(content.new, '"changed behind pulumi\\n"');
    assert.strictEqual(driftLine(r), '2 resources drifted');
    assert.strictEqual(driftedResourceLine(r.resources[1]!), 'b: deleted outside Pulumi');
    assert.match(driftedResourceLine(a), /^a: content "hello, world\\n" → /);
  });

  it('schedules: off at 0, never untrusted or busy, due after the interval, backing off while unreachable (at most 8×)', () => {
    const base = { intervalMinutes: 30, trusted: true, busy: false, unreachableInARow: 0, now: 10 * 3_600_000 };
    assert.strictEqual(checkDue({ ...base }), true, 'first check');
    assert.strictEqual(checkDue({ ...base, intervalMinutes: 0 }), false);
    assert.strictEqual(checkDue({ ...base, trusted: false }), false);
    assert.strictEqual(checkDue({ ...base, busy: true }), false);
    assert.strictEqual(checkDue({ ...base, lastCheckAt: base.now - 29 * 60_000 }), false);
    assert.strictEqual(checkDue({ ...base, lastCheckAt: base.now - 30 * 60_000 }), true);
    assert.strictEqual(checkDue({ ...base, lastCheckAt: base.now - 30 * 60_000, unreachableInARow: 1 }), false);
    assert.strictEqual(checkDue({ ...base, lastCheckAt: base.now - 60 * 60_000, unreachableInARow: 1 }), true);
    assert.deepStrictEqual(
      [0, 1, 2, 3, 4, 10].map((n) => nextCheckMinutes(30, n)),
      [30, 60, 120, 240, 240, 240],
    );
  });
});
