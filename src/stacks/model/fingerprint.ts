// A fingerprint of what a preview saw: the program's source files and the stack's config. A deploy
// refuses when it changed since the approved preview (the fallback where update plans cannot be
// used, and a clearer message where they can). Node `fs` and `crypto` only, no vscode.
//
// Read asynchronously (a deploy takes it three times, over up to 5,000 files), with caps: at most
// MAX_FILES files, and a file larger than MAX_FILE_BYTES counts by its size and modification time
// instead of its content (a program's sources are small; a large file is data or a build output).
import * as fs from 'fs';
import * as path from 'path';
import { createHash } from 'crypto';

const SKIP_DIRS = new Set(['node_modules', '.git', 'bin', 'dist', 'out', '.pulumi', 'test-output']);
export const MAX_FILES = 5000;
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

export async function listProgramFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    if (out.length >= MAX_FILES) return;
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (out.length >= MAX_FILES) return;
      if (e.name.startsWith('.') && e.name !== '.env') continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) await walk(p);
      } else if (e.isFile()) out.push(p);
    }
  };
  await walk(dir);
  return out;
}

export async function programFingerprint(dir: string, config: Record<string, unknown>): Promise<string> {
  const h = createHash('sha256');
  for (const f of await listProgramFiles(dir)) {
    h.update(path.relative(dir, f)).update('\0');
    try {
      const st = await fs.promises.stat(f);
      if (st.size > MAX_FILE_BYTES) h.update(`<large ${st.size} ${st.mtimeMs}>`);
      else h.update(await fs.promises.readFile(f));
    } catch {
      h.update('<unreadable>');
    }
    h.update('\0');
  }
  const keys = Object.keys(config).sort();
  h.update(JSON.stringify(keys.map((k) => [k, config[k]])));
  return h.digest('hex');
}
