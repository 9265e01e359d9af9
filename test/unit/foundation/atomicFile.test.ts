// replaceFileAtomically: a reader (or the next start after a power cut) sees the old content or the
// new, never half; and files that may hold account data are readable by their owner only.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { replaceFileAtomically } from '../../../src/shared/atomicFile';

const fsp = fs.promises;

describe('foundation: replacing a file atomically and durably', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'opsdeck-atomic-'));
  });
  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('flushes the new content to disk before the rename, and the folder entry after it', async () => {
    const target = path.join(dir, 'cache.json');
    await fsp.writeFile(target, 'old');
    const events: string[] = [];
    const realOpen = fsp.open;
    const realRename = fsp.rename;
    fsp.open = (async (p: fs.PathLike, ...rest: unknown[]) => {
      const fh = await (realOpen as (...a: unknown[]) => Promise<fs.promises.FileHandle>)(p, ...rest);
      const what = String(p) === dir ? 'folder' : String(p).endsWith('.tmp') ? 'temp file' : String(p);
      const sync = fh.sync.bind(fh);
      fh.sync = async () => {
        events.push(`sync ${what}`);
        return sync();
      };
      return fh;
    }) as typeof fsp.open;
    fsp.rename = (async (a: fs.PathLike, b: fs.PathLike) => {
      events.push('rename');
      return realRename(a, b);
    }) as typeof fsp.rename;
    try {
      await replaceFileAtomically(target, 'new');
    } finally {
      fsp.open = realOpen;
      fsp.rename = realRename;
    }
    assert.deepStrictEqual(events, ['sync temp file', 'rename', 'sync folder']);
    assert.strictEqual(await fsp.readFile(target, 'utf8'), 'new');
    assert.deepStrictEqual(
      (await fsp.readdir(dir)).filter((f) => f.endsWith('.tmp')),
      [],
    );
  });

  it('makes files with account data readable by their owner only, also when replacing a wider one', async function () {
    if (process.platform === 'win32') this.skip();
    const target = path.join(dir, 'cost-cache.json');
    await fsp.writeFile(target, '{}', { mode: 0o644 });
    await fsp.chmod(target, 0o644);
    await replaceFileAtomically(target, '{"a":1}', { mode: 0o600 });
    assert.strictEqual((await fsp.stat(target)).mode & 0o777, 0o600);
    const fresh = path.join(dir, 'new.json');
    await replaceFileAtomically(fresh, 'x', { mode: 0o600 });
    assert.strictEqual((await fsp.stat(fresh)).mode & 0o777, 0o600);
  });
});
