import * as assert from 'assert';
import { getPath, redact, renderValue, splitPath, stripColour, SECRET_SIG, SECRET_SIG_VALUE } from '../../../src/stacks/model/values';
import { diffValues } from '../../../src/stacks/model/changeModel';

describe('stacks: values and paths', () => {
  it('splits engine property paths with indexes and quoted keys', () => {
    assert.deepStrictEqual(splitPath('tags["a.b"].list[2].x'), ['tags', 'a.b', 'list', 2, 'x']);
    assert.strictEqual(getPath({ tags: { 'a.b': { list: [0, 1, { x: 'y' }] } } }, 'tags["a.b"].list[2].x'), 'y');
    assert.strictEqual(getPath({ a: 1 }, 'b.c'), undefined);
  });

  it('never renders a secret, however deep', () => {
    const secret = { [SECRET_SIG]: SECRET_SIG_VALUE, plaintext: '"hunter2"' };
    assert.strictEqual(renderValue(secret), '[secret]');
    assert.doesNotMatch(renderValue({ a: [secret] }), /hunter2/);
    assert.deepStrictEqual(redact({ a: [secret] }), { a: ['[secret]'] });
    assert.strictEqual(getPath({ a: secret }, 'a.plaintext'), '[secret]');
  });

  it('truncates long values and distinguishes empty from absent', () => {
    assert.strictEqual(renderValue('x'.repeat(500), 20).length, 20);
    assert.strictEqual(renderValue(''), '""');
    assert.strictEqual(renderValue(undefined), '(none)');
  });

  it('strips ANSI and Pulumi colour tags', () => {
    assert.strictEqual(stripColour('\u001b[31merror\u001b[0m: <{%fg 1%}>bad<{%reset%}>'), 'error: bad');
  });

  it('diffs nested inputs leaf by leaf', () => {
    const d = diffValues({ tags: { a: '1', b: '2' }, list: [1, 2] }, { tags: { a: '1', b: '3', c: '4' }, list: [1] }, '');
    assert.deepStrictEqual(
      d.map((x) => [x.path, x.kind]),
      [
        ['list[1]', 'delete'],
        ['tags.b', 'update'],
        ['tags.c', 'add'],
      ],
    );
  });
});
