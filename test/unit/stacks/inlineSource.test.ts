// On the inline route the engine records positions in the transpiled code (measured in the host:
// `site` at index.ts#59,14, the TextFile constructor at textFile.ts#83,9); they map back to the
// TypeScript lines the on-disk route records for the same fixture (index.ts#26,14, textFile.ts#62,5).
import * as assert from 'assert';
import * as path from 'path';
import { decodeMappings, originalPosition } from '../../../src/stacks/runner/inlineProgram';

describe('stacks: inline-route source positions mapped back to the TypeScript', () => {
  const repo = path.resolve(__dirname, '..', '..', '..', '..');
  const project = path.join(repo, 'test', 'fixtures', 'pulumi', 'files');
  const pulumiDir = path.join(repo, 'node_modules', '@pulumi', 'pulumi');

  it('maps a recorded transpiled position to the line that declared the resource', () => {
    assert.deepStrictEqual(originalPosition(project, pulumiDir, path.join(project, 'index.ts'), 59, 14), { line: 26, column: 14 });
    assert.deepStrictEqual(originalPosition(project, pulumiDir, path.join(project, 'textFile.ts'), 83, 9), { line: 62, column: 5 });
  });

  it('leaves JavaScript and missing files alone', () => {
    assert.strictEqual(originalPosition(project, pulumiDir, path.join(project, 'missing.ts'), 3), undefined);
    assert.strictEqual(originalPosition(project, pulumiDir, path.join(project, 'index.js'), 3), undefined);
  });

  it('decodes source map mappings (VLQ, relative fields)', () => {
    // gen line 1: col 0 → src 0:0; gen line 2 (after ';'): col 2 → src line 1 col 4, then col 7 → src 1:8.
    assert.deepStrictEqual(decodeMappings('AAAA;EACI,KAAI'), [
      [{ genCol: 0, line: 0, col: 0 }],
      [
        { genCol: 2, line: 1, col: 4 },
        { genCol: 7, line: 1, col: 8 },
      ],
    ]);
  });
});
