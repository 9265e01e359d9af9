// Replacing a small shared file (lease, caches, maintenance list, compacted history) so that a
// reader in another window, or the next start after a crash, sees the old content or the new, never
// half of it: write a temp file beside it (unique per process and call, so two windows never share
// one), then rename over the target. No `vscode` import.
import { randomBytes } from 'crypto';
import { promises as fsp } from 'fs';
import * as path from 'path';

export async function replaceFileAtomically(file: string, content: string): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await fsp.writeFile(tmp, content, 'utf8');
    await fsp.rename(tmp, file);
  } catch (e) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}
