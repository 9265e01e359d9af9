// Replacing a small shared file (caches, maintenance list, compacted history) so that a reader in
// another window, or the next start after a crash or a power cut, sees the old content or the new,
// never half of it: write a temp file beside it (unique per process and call, so two windows never
// share one), flush it to disk, rename it over the target, then flush the folder so the rename itself
// survives a power cut. Files that may hold account data are created owner-only (mode 0600).
// No `vscode` import.
import { randomBytes } from 'crypto';
import { promises as fsp } from 'fs';
import * as path from 'path';

export interface AtomicWriteOptions {
  /** Permission bits of the new file, e.g. 0o600 for cost and CloudWatch data (default 0o666 less the umask). */
  mode?: number;
}

export async function replaceFileAtomically(file: string, content: string | Buffer, opts: AtomicWriteOptions = {}): Promise<void> {
  const dir = path.dirname(file);
  await fsp.mkdir(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeDurably(tmp, content, opts.mode);
    await fsp.rename(tmp, file);
  } catch (e) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
  await syncFolder(dir);
}

/** Creates `file` (it must not exist), writes `content` and flushes it to disk. */
export async function writeDurably(file: string, content: string | Buffer, mode?: number): Promise<void> {
  const fh = await fsp.open(file, 'wx', mode ?? 0o666);
  try {
    // The umask may have narrowed the mode at creation, never widened it; chmod makes it exact.
    if (mode !== undefined) await fh.chmod(mode);
    await fh.writeFile(content);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Flushes a folder's entries (a rename or a new file) to disk; a no-op where folders cannot be opened. */
export async function syncFolder(dir: string): Promise<void> {
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(dir, 'r');
    await fh.sync();
  } catch {
    // Windows cannot open a folder this way; its rename is flushed by the file system itself.
  } finally {
    await fh?.close().catch(() => undefined);
  }
}
