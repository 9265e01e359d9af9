// The change view's words (issue 10, item 6): a multi-line string as a line diff, no deploy offered
// for a preview without changes, and a failed run that does not also say "no changes".
import * as assert from 'assert';
import { ChangeModelBuilder, deployablePreview, resourceStatusLabel, viewSummary } from '../../../src/stacks/model/changeModel';
import { CONTEXT_LINES, lineDiff } from '../../../src/stacks/model/lineDiff';
import { OperationKind } from '../../../src/stacks/model/engineEvents';
import { recording } from './recorded';

function replay(name: string, op: OperationKind) {
  const rec = recording(name);
  const b = new ChangeModelBuilder(op, 'dev');
  for (const e of rec.events) b.apply(e);
  b.finish(rec.ok ? 'succeeded' : 'failed');
  return b.model;
}

describe('stacks: change view text', () => {
  it('a multi-line string property is a line diff (recorded preview: content "hello, world\\n" → "bonjour, world\\n")', () => {
    const a = replay('files-3-preview-changes', 'preview').resources.find((r) => r.name === 'a')!;
    assert.deepStrictEqual(a.diffs[0]!.lines, [
      { kind: 'delete', text: 'hello, world' },
      { kind: 'add', text: 'bonjour, world' },
    ]);
    // Single-line values keep the old → new columns.
    const c = replay('files-3-preview-changes', 'preview').resources.find((r) => r.name === 'c')!;
    assert.strictEqual(c.diffs[0]!.lines, undefined);
  });

  it('a long text shows only the changed lines with context; the unchanged run is folded', () => {
    const old = Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n');
    const neu = old.replace('line 20', 'line twenty');
    const d = lineDiff(old, neu)!;
    assert.deepStrictEqual(
      d.filter((l) => l.kind !== 'same'),
      [
        { kind: 'fold', text: String(20 - CONTEXT_LINES) },
        { kind: 'delete', text: 'line 20' },
        { kind: 'add', text: 'line twenty' },
        { kind: 'fold', text: String(19 - CONTEXT_LINES) },
      ],
    );
    assert.strictEqual(d.filter((l) => l.kind === 'same').length, 2 * CONTEXT_LINES);
    assert.deepStrictEqual(lineDiff(undefined, 'a\nb'), [
      { kind: 'add', text: 'a' },
      { kind: 'add', text: 'b' },
    ]);
    assert.strictEqual(lineDiff('one line', 'another'), undefined);
    assert.strictEqual(lineDiff({ a: 1 }, 'x\ny'), undefined);
  });

  it('a preview with changes can be deployed; one without changes, or a failed one, cannot', () => {
    assert.strictEqual(deployablePreview(replay('files-3-preview-changes', 'preview')), true);
    assert.strictEqual(deployablePreview(replay('broken-compile-preview', 'preview')), false);
    // A preview that finds every resource unchanged: the recorded steps as "same".
    const rec = recording('files-1-preview-create');
    const b = new ChangeModelBuilder('preview', 'dev');
    for (const e of rec.events) {
      const m = e.resourcePreEvent?.metadata ?? e.resOutputsEvent?.metadata;
      if (m) b.apply(JSON.parse(JSON.stringify(e).replace(/"op":"create"/g, '"op":"same"')) as typeof e);
    }
    b.finish('succeeded');
    assert.ok(b.model.resources.length > 0);
    assert.strictEqual(deployablePreview(b.model), false);
    assert.deepStrictEqual(viewSummary(b.model, 'preview ready'), {
      countsLine: '4 unchanged',
      emptyText: 'Nothing to change: the stack already matches the program.',
    });
  });

  it('a program that does not compile says "failed" and nothing about "no changes"', () => {
    const s = viewSummary(replay('broken-compile-preview', 'preview'), 'failed');
    assert.strictEqual(s.countsLine, '');
    assert.strictEqual(s.emptyText, undefined);
  });

  it('while the engine has not planned anything yet, the view says it is waiting', () => {
    const b = new ChangeModelBuilder('preview', 'dev');
    assert.deepStrictEqual(viewSummary(b.model, 'previewing'), { countsLine: 'no changes', emptyText: 'Waiting for the engine…' });
  });

  // Seen by a newcomer on the demo: a preview's rows said "done", which reads as already created.
  it('a preview, or a run awaiting its confirmation, labels its resources "planned"; a finished up says "done"', () => {
    // The words the change view's rows show (toViewState puts resourceStatusLabel beside each status).
    const rows = (model: ReturnType<typeof replay>, status: string) =>
      model.resources.filter((r) => r.status === 'done').map((r) => resourceStatusLabel(r.status, model, status));
    const preview = replay('files-1-preview-create', 'preview');
    assert.ok(rows(preview, 'preview ready').length > 0);
    assert.deepStrictEqual(new Set(rows(preview, 'preview ready')), new Set(['planned']));
    assert.deepStrictEqual(new Set(rows(preview, 'awaiting confirmation')), new Set(['planned']));
    assert.deepStrictEqual(new Set(rows(preview, 'not confirmed')), new Set(['planned']));
    const up = replay('files-2-up-create', 'up');
    assert.deepStrictEqual(new Set(rows(up, 'succeeded')), new Set(['done']));
    // The guard's preview of a destroy is built as a destroy, but nothing is deleted while it asks.
    const destroy = replay('files-6-destroy', 'destroy');
    assert.deepStrictEqual(new Set(rows(destroy, 'awaiting confirmation')), new Set(['planned']));
  });
});
