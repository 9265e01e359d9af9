// Creating a document file without ever overwriting one and without leaving a half-written
// file: the content goes to a temp file beside the target, which is hard-linked to the first free
// name (link fails with EEXIST instead of replacing), then the temp file is removed.
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Result, ok, err, UserFacingError } from '../shared/result';
import { nameCandidates } from './naming';
import { stillInside } from './paths';

/**
 * Creates `dir/<first free variant of fileName>` holding `content`, never replacing an existing
 * file. Returns the path. On failure nothing is left behind (no temp file, no empty folder).
 */
export async function writeExclusive(
  dir: string,
  fileName: string,
  content: string,
  root: string,
): Promise<Result<string, UserFacingError>> {
  const rel = (p: string) => path.relative(root, p) || '.';
  let createdDir: string | undefined;
  const tmp = path.join(dir, `.${fileName}.${randomBytes(6).toString('hex')}.opsdeck-tmp`);
  try {
    createdDir = await fs.promises.mkdir(dir, { recursive: true });
    // Checked again now the folder exists: a link put in its place meanwhile must not redirect the file.
    if (!(await stillInside(root, dir))) throw new Error('the folder now leads outside the workspace through a symbolic link');
    await fs.promises.writeFile(tmp, content, { flag: 'wx' });
    for (const candidate of nameCandidates(fileName)) {
      const target = path.join(dir, candidate);
      try {
        await fs.promises.link(tmp, target);
        return ok(target);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') continue;
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') throw e;
        // File systems without hard links: an exclusive copy is still no-overwrite.
        try {
          await fs.promises.copyFile(tmp, target, fs.constants.COPYFILE_EXCL);
          return ok(target);
        } catch (e2) {
          if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') continue;
          throw e2;
        }
      }
    }
    throw new Error('no free file name');
  } catch (e) {
    if (createdDir) await fs.promises.rm(createdDir, { recursive: true, force: true }).catch(() => undefined);
    return err({
      message: `Could not write the document into ${rel(dir)}: ${(e as Error).message}`,
      remedy: 'Check that the folder is writable, or choose another one in the setting opsdeck.documents.folders. Nothing was written.',
      detail: (e as Error).stack,
    });
  } finally {
    await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
  }
}
