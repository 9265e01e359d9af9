import * as assert from 'assert';
import { escapeText, placeholder, choice } from '../../../src/documents/snippet';
import { readSnippet } from './helpers';

describe('documents: snippet escaping', () => {
  it('keeps dollars, braces and backslashes of literal text literal', () => {
    const literal = 'Monthly Cost: $[amount] ${HOME} `echo "${x}"` C:\\temp\\ } $1';
    const r = readSnippet(escapeText(literal));
    assert.strictEqual(r.plain, literal);
    assert.deepStrictEqual(r.stops, []);
  });

  it('escapes the same characters inside placeholder defaults', () => {
    const r = readSnippet(`a ${placeholder(1, '$[amount] {x} \\n')} b`);
    assert.strictEqual(r.plain, 'a $[amount] {x} \\n b');
    assert.deepStrictEqual(
      r.stops.map((s) => s.text),
      ['$[amount] {x} \\n'],
    );
  });

  it('escapes commas and pipes in choice options and keeps emoji', () => {
    const options = ['🔄 IN PROGRESS', 'a, b', 'c|d', 'back\\slash'];
    const r = readSnippet(choice(3, options));
    assert.deepStrictEqual(r.stops[0].choices, options);
    assert.strictEqual(r.stops[0].index, 3);
  });
});
