import * as assert from 'assert';
import { ChangeModelBuilder, changeCounts, countsLine, groupedChanges, orderedDiagnostics } from '../../../src/stacks/model/changeModel';
import { OperationKind } from '../../../src/stacks/model/engineEvents';
import { recording } from './recorded';

function replay(name: string, op: OperationKind) {
  const rec = recording(name);
  const b = new ChangeModelBuilder(op, 'dev');
  for (const e of rec.events) b.apply(e);
  b.finish(rec.ok ? 'succeeded' : 'failed');
  return { model: b.model, rec };
}

const byName = (m: ReturnType<typeof replay>['model'], name: string) => m.resources.find((r) => r.name === name)!;

describe('stacks: change model from real engine events', () => {
  it('first preview: every resource is a create, counts match the engine summary', () => {
    const { model, rec } = replay('files-1-preview-create', 'preview');
    const counts = changeCounts(model);
    assert.strictEqual(counts.create, 4); // site, a, b, c (the stack resource is not counted)
    assert.deepStrictEqual(
      groupedChanges(model).map((g) => [g.op, g.resources.map((r) => r.name).sort()]),
      [['create', ['a', 'b', 'c', 'site']]],
    );
    assert.strictEqual(rec.changeSummary!.create, 5); // the engine counts the stack resource too
    assert.strictEqual(countsLine(counts).startsWith('4 to create'), true);
  });

  it('preview after config changes: a is updated (content old → new), c replaced because of fileName, b deleted', () => {
    const { model } = replay('files-3-preview-changes', 'preview');
    const a = byName(model, 'a');
    assert.strictEqual(a.op, 'update');
    assert.deepStrictEqual(
      a.diffs.map((d) => [d.path, d.old, d.new, d.replace]),
      [['content', '"hello, world\\n"', '"bonjour, world\\n"', false]],
    );
    const c = byName(model, 'c');
    assert.strictEqual(c.op, 'replace');
    assert.deepStrictEqual(c.replaceReasons, ['fileName']);
    assert.deepStrictEqual(
      c.diffs.map((d) => [d.path, d.old, d.new, d.replace]),
      [['fileName', '"c.txt"', '"c2.txt"', true]],
    );
    assert.strictEqual(byName(model, 'b').op, 'delete');
    const groups = groupedChanges(model).map((g) => [g.op, g.resources.map((r) => r.name)]);
    assert.deepStrictEqual(groups, [
      ['update', ['a']],
      ['replace', ['c']],
      ['delete', ['b']],
    ]);
  });

  it('counts agree with the engine summary (default providers and the stack are bookkeeping)', () => {
    for (const [name, op] of [
      ['files-1-preview-create', 'preview'],
      ['files-3-preview-changes', 'preview'],
      ['files-4-up-changes', 'up'],
      ['files-6-destroy', 'destroy'],
    ] as const) {
      const { model, rec } = replay(name, op);
      const counts = changeCounts(model);
      const stackOp = model.resources.find((r) => r.type === 'pulumi:pulumi:Stack')!.op;
      for (const k of ['create', 'update', 'replace', 'delete'] as const)
        assert.strictEqual(counts[k] + (stackOp === k ? 1 : 0), rec.changeSummary![k] ?? 0, `${name} ${k}`);
    }
  });

  it('up after the preview: every changed resource ends done, and a replace is done only after its last step', () => {
    const { model } = replay('files-4-up-changes', 'up');
    for (const n of ['a', 'b', 'c']) assert.strictEqual(byName(model, n).status, 'done', n);
    assert.deepStrictEqual(byName(model, 'c').steps, ['create-replacement', 'replace', 'delete-replaced']);
  });

  it('refresh after a file changed behind Pulumi: a shows as updated with the content read from disk', () => {
    const { model } = replay('files-5-refresh-drift', 'refresh');
    const a = byName(model, 'a');
    assert.strictEqual(a.op, 'update');
    const content = a.diffs.find((d) => d.path === 'content')!;
    assert.strictEqual(content.old, '"bonjour, world\\n"');
    assert.strictEqual(content.new, '"changed behind pulumi\\n"');
    assert.strictEqual(byName(model, 'c').op, 'same');
  });

  it('destroy: all three files are deletes', () => {
    const { model } = replay('files-6-destroy', 'destroy');
    for (const n of ['a', 'c', 'site']) assert.strictEqual(byName(model, n).op, 'delete', n);
    assert.strictEqual(
      model.resources.find((r) => r.name === 'b'),
      undefined,
    );
  });

  it('a resource that fails to create is failed, and its error comes first with the resource named', () => {
    const { model } = replay('failing-create-up', 'up');
    assert.strictEqual(byName(model, 'bad').status, 'failed');
    assert.strictEqual(byName(model, 'good').status, 'done');
    const diags = orderedDiagnostics(model);
    assert.strictEqual(diags[0]!.severity, 'error');
    assert.match(diags[0]!.message, /quota exceeded/);
    assert.ok(diags[0]!.urn?.endsWith('::bad'));
    assert.match(byName(model, 'bad').diagnostics[0]!.message, /quota exceeded/);
  });

  it('a cancelled run reports resources still running as pending, never as done', () => {
    const rec = recording('files-2-up-create');
    const b = new ChangeModelBuilder('up', 'dev');
    const firstOutputs = rec.events.findIndex((e) => e.resourcePreEvent?.metadata.urn.endsWith('::a'));
    for (const e of rec.events.slice(0, firstOutputs + 1)) b.apply(e);
    b.finish('cancelled');
    assert.strictEqual(b.model.cancelled, true);
    assert.strictEqual(byName(b.model, 'a').status, 'pending');
  });

  it('sees a change of the stack outputs (known values only), and none when the outputs stay as they are', () => {
    assert.strictEqual(replay('files-3-preview-changes', 'preview').model.outputsChanged, true); // aContent hello → bonjour
    assert.strictEqual(replay('files-1-preview-create', 'preview').model.outputsChanged, true); // the stack is created
    const stackUrn = 'urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev';
    const outs = { a: 'x', b: 1 };
    const b = new ChangeModelBuilder('preview', 'dev');
    const md = (n: Record<string, unknown>) => ({
      op: 'same' as const,
      urn: stackUrn,
      type: 'pulumi:pulumi:Stack',
      old: { type: 'pulumi:pulumi:Stack', urn: stackUrn, outputs: outs },
      new: { type: 'pulumi:pulumi:Stack', urn: stackUrn, outputs: n },
    });
    b.apply({ resourcePreEvent: { metadata: md({}) } });
    b.apply({ resOutputsEvent: { metadata: md({}) } });
    b.apply({ resOutputsEvent: { metadata: md({ a: 'x', b: '04da6b54-80e4-46f7-96ec-b56ff0331ba9' }) } });
    assert.strictEqual(b.model.outputsChanged, undefined);
    b.apply({ resOutputsEvent: { metadata: md({ a: 'y', b: 1 }) } });
    assert.strictEqual(b.model.outputsChanged, true);
  });
});
