import * as assert from 'assert';
import { progressLogEntry, operationStatusEdits, checklistProgress, applyEdits, OPERATION_STATUSES } from '../../../src/documents/living';
import { planDocument } from '../../../src/documents/values';
import { builtin, FIXED_FACTS, FIXED_ANSWERS } from './helpers';

const session = () => planDocument(builtin('session'), FIXED_FACTS, FIXED_ANSWERS.session).rendered.preview;
const operation = () => planDocument(builtin('operation'), FIXED_FACTS, FIXED_ANSWERS.operation).rendered.preview;

describe('documents: living documents', () => {
  describe('progress log', () => {
    it('appends an entry at the end of the Progress Log section of a session', () => {
      const text = session();
      const { edit, cursor } = progressLogEntry(text, '14:05', 'Deployment Phase');
      const out = applyEdits(text, [edit]);
      assert.ok(
        out.includes(
          '### [Time] - Testing Phase\n[Testing results and findings]\n\n### 14:05 - Deployment Phase\n\n\n## Testing & Validation',
        ),
        out.slice(out.indexOf('## Progress Log'), out.indexOf('## Testing & Validation') + 30),
      );
      // the cursor sits on the empty line under the new heading
      assert.strictEqual(out.slice(cursor - '### 14:05 - Deployment Phase\n'.length, cursor), '### 14:05 - Deployment Phase\n');
      assert.strictEqual(out.slice(cursor, cursor + 1), '\n');
      // everything else is untouched
      assert.strictEqual(out.replace('\n\n### 14:05 - Deployment Phase\n', ''), text);
    });

    it('creates the section at the end when a document has none', () => {
      const text = '# Notes\n\nSome text.\n\n';
      const { edit, cursor } = progressLogEntry(text, '08:00', 'Setup');
      const out = applyEdits(text, [edit]);
      assert.strictEqual(out, '# Notes\n\nSome text.\n\n## Progress Log\n\n### 08:00 - Setup\n\n');
      assert.strictEqual(cursor, out.length - 1);
    });

    it('puts a new log above the sign-off footer of an operation record', () => {
      const text = operation();
      const { edit, cursor } = progressLogEntry(text, '11:15', 'Migration');
      const out = applyEdits(text, [edit]);
      assert.ok(
        out.includes(
          '- **Performance Changes**: [Expected performance impact communication]\n\n## Progress Log\n\n### 11:15 - Migration\n\n\n---\n\n**Operation Status**',
        ),
        out.slice(-900),
      );
      assert.strictEqual(out.slice(cursor - 20, cursor), '### 11:15 - Migration\n'.slice(-20));
      assert.ok(out.endsWith('**Documentation Standard**: Infrastructure Operations Template v1.0.0\n'));
      const second = applyEdits(out, [progressLogEntry(out, '11:40', 'Validation').edit]);
      assert.match(second, /### 11:15 - Migration\n\n### 11:40 - Validation\n\n+---\n\n\*\*Operation Status\*\*/);
    });

    it('appends at the end of the file when the log is the last section, and ignores headings in code', () => {
      const text = '# Doc\n\n## Progress Log\n```md\n## not a heading\n```\n### 09:00 - Setup\nok\n';
      const out = applyEdits(text, [progressLogEntry(text, '10:30', 'Tests\nwith newline').edit]);
      assert.strictEqual(
        out,
        '# Doc\n\n## Progress Log\n```md\n## not a heading\n```\n### 09:00 - Setup\nok\n\n### 10:30 - Tests with newline\n\n',
      );
    });
  });

  describe('operation status', () => {
    it('sets the status and stamps the completion time for a final status', () => {
      const text = operation();
      const edits = operationStatusEdits(text, '✅ COMPLETED SUCCESSFULLY', '2026-11-23 11:02:00 UTC');
      assert.ok(edits);
      const out = applyEdits(text, edits!);
      assert.ok(out.includes('**Operation Status**: ✅ COMPLETED SUCCESSFULLY\n'));
      assert.ok(out.includes('**Completion Time**: 2026-11-23 11:02:00 UTC\n'));
      assert.ok(!out.includes('🔄 IN PROGRESS'));
      assert.strictEqual(out.split('\n').length, text.split('\n').length);
    });

    it('can go back to in progress without stamping a completion time', () => {
      const done = applyEdits(operation(), operationStatusEdits(operation(), '❌ FAILED', '2026-11-23 11:02:00 UTC')!);
      const again = applyEdits(done, operationStatusEdits(done, '🔄 IN PROGRESS', '2026-11-23 12:00:00 UTC')!);
      assert.ok(again.includes('**Operation Status**: 🔄 IN PROGRESS\n'));
      assert.ok(again.includes('**Completion Time**: 2026-11-23 11:02:00 UTC\n'));
    });

    it('knows all four statuses and refuses documents without a status line', () => {
      assert.deepStrictEqual([...OPERATION_STATUSES], ['🔄 IN PROGRESS', '✅ COMPLETED SUCCESSFULLY', '❌ FAILED', '🔁 ROLLED BACK']);
      assert.strictEqual(operationStatusEdits(session(), '❌ FAILED', 'x'), undefined);
    });
  });

  describe('checklist progress', () => {
    it('counts ticked boxes per section (with sub-sections) and in total', () => {
      const text = [
        '# Plan',
        '## Goals',
        '- [x] one',
        '- [ ] two',
        '### Sub',
        '* [X] three',
        '1. [ ] four',
        '## Code',
        '```',
        '- [x] inside code does not count',
        '```',
        '## Done',
        '- [x] five',
      ].join('\n');
      const p = checklistProgress(text);
      assert.deepStrictEqual(p.total, { done: 3, total: 5 });
      assert.deepStrictEqual(
        p.sections.map((s) => [s.heading.title, s.heading.line, s.done, s.total]),
        [
          ['Plan', 0, 3, 5],
          ['Goals', 1, 2, 4],
          ['Sub', 4, 1, 2],
          ['Done', 11, 1, 1],
        ],
      );
    });

    it('counts a fresh session: nothing ticked yet', () => {
      const p = checklistProgress(session());
      assert.strictEqual(p.total.done, 0);
      assert.strictEqual(p.total.total, (session().match(/^- \[ \]/gm) ?? []).length);
      const pre = p.sections.find((s) => s.heading.title === 'Pre-Implementation Checklist');
      assert.deepStrictEqual(pre && [pre.done, pre.total], [0, 5]);
    });
  });
});
