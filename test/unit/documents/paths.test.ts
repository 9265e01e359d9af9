// Folders from settings and templates stay inside the workspace, through symbolic links too: a
// symlinked docs/ once redirected new documents outside the workspace, and the templates folder
// accepted `..`.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { resolveFolderInside } from '../../../src/documents/paths';
import { writeExclusive } from '../../../src/documents/fileWrite';

describe('documents: configured folders stay inside the workspace', () => {
  let base: string;
  let root: string;
  let outside: string;
  beforeEach(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-paths-'));
    root = path.join(base, 'ws');
    outside = path.join(base, 'elsewhere');
    fs.mkdirSync(root);
    fs.mkdirSync(outside);
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  it('accepts folders inside, existing or not', async () => {
    fs.mkdirSync(path.join(root, 'docs'));
    const r = await resolveFolderInside(root, 'docs/operations', 'opsdeck.documents.folders');
    assert.ok(r.ok && r.value === path.join(root, 'docs', 'operations'));
    assert.ok((await resolveFolderInside(root, '.opsdeck/templates', 'opsdeck.documents.templatesFolder')).ok);
  });

  it('refuses `..` and absolute paths, naming the setting', async () => {
    const up = await resolveFolderInside(root, '../elsewhere', 'opsdeck.documents.templatesFolder');
    assert.ok(!up.ok);
    assert.match(up.error.message, /"\.\.\/elsewhere" points outside the workspace/);
    assert.match(up.error.remedy ?? '', /setting opsdeck\.documents\.templatesFolder/);
    const abs = await resolveFolderInside(root, outside, 'opsdeck.documents.folders');
    assert.ok(!abs.ok && /absolute/.test(abs.error.message));
  });

  it('refuses a folder that leads outside through a symbolic link, and says where it leads', async () => {
    fs.symlinkSync(outside, path.join(root, 'docs'), 'dir');
    const r = await resolveFolderInside(root, 'docs/operations', 'opsdeck.documents.folders');
    assert.ok(!r.ok);
    assert.match(r.error.message, /setting opsdeck\.documents\.folders\) leads outside the workspace through a symbolic link/);
    assert.ok(r.error.message.includes(path.join(fs.realpathSync(outside), 'operations')));
    // A link that stays inside is fine.
    fs.mkdirSync(path.join(root, 'real-docs'));
    fs.symlinkSync(path.join(root, 'real-docs'), path.join(root, 'notes'), 'dir');
    assert.ok((await resolveFolderInside(root, 'notes', 'opsdeck.documents.folders')).ok);
  });

  it('a workspace reached through a link itself is still inside', async () => {
    const linked = path.join(base, 'ws-link');
    fs.symlinkSync(root, linked, 'dir');
    assert.ok((await resolveFolderInside(linked, 'docs', 'opsdeck.documents.folders')).ok);
  });

  it('writing refuses a folder swapped for a link after the check, and leaves nothing behind', async () => {
    fs.symlinkSync(outside, path.join(root, 'docs'), 'dir');
    const r = await writeExclusive(path.join(root, 'docs'), 'x.md', '# x\n', root);
    assert.ok(!r.ok);
    assert.match(r.error.message, /symbolic link/);
    assert.deepStrictEqual(fs.readdirSync(outside), [], 'nothing was written outside');
  });
});
