import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeExclusive } from '../../../src/documents/fileWrite';

describe('documents: writing a new document file', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-docs-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('creates missing folders and writes the whole document', async () => {
    const dir = path.join(root, 'docs', 'operations');
    const r = await writeExclusive(dir, '2026-11-23-x.md', '# X\n', root);
    assert.ok(r.ok);
    assert.strictEqual(r.ok && r.value, path.join(dir, '2026-11-23-x.md'));
    assert.strictEqual(fs.readFileSync(path.join(dir, '2026-11-23-x.md'), 'utf8'), '# X\n');
    assert.deepStrictEqual(fs.readdirSync(dir), ['2026-11-23-x.md'], 'no temp file left behind');
  });

  it('never overwrites an existing document; the new one gets a suffix', async () => {
    fs.writeFileSync(path.join(root, 'a.md'), 'mine');
    const r = await writeExclusive(root, 'a.md', 'new', root);
    assert.ok(r.ok && r.value.endsWith('a-2.md'));
    assert.strictEqual(fs.readFileSync(path.join(root, 'a.md'), 'utf8'), 'mine');
    assert.strictEqual(fs.readFileSync(path.join(root, 'a-2.md'), 'utf8'), 'new');
  });

  it('gives every one of many simultaneous commands its own file', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => writeExclusive(root, 'same.md', `doc ${i}`, root)));
    const paths = results.map((r) => (r.ok ? r.value : 'failed'));
    assert.strictEqual(new Set(paths).size, 8);
    const contents = new Set(fs.readdirSync(root).map((f) => fs.readFileSync(path.join(root, f), 'utf8')));
    assert.strictEqual(contents.size, 8, 'each document kept its own content');
  });

  it('fails with a clear error and leaves nothing when the folder cannot be made', async () => {
    fs.writeFileSync(path.join(root, 'docs'), 'a file where the folder should be');
    const r = await writeExclusive(path.join(root, 'docs', 'sessions'), 'x.md', 'content', root);
    assert.ok(!r.ok);
    if (!r.ok) {
      assert.match(r.error.message, /Could not write the document into docs[/\\]sessions/);
      assert.match(r.error.remedy ?? '', /Nothing was written/);
    }
    assert.deepStrictEqual(fs.readdirSync(root), ['docs']);
    assert.strictEqual(fs.readFileSync(path.join(root, 'docs'), 'utf8'), 'a file where the folder should be');
  });
});
