// Where a configured folder really is. `resolveFolder` (naming.ts) refuses absolute paths and `..`
// that climb out; this also follows symbolic links: a `docs/` that is a link to /etc, or to another
// project, must not carry new documents (or the team templates read from it) out of the workspace.
// The deepest part of the path that exists is resolved with realpath and must lie inside the
// workspace folder's own real path. No `vscode` import.
import * as fs from 'fs';
import * as path from 'path';
import { Result, UserFacingError, err, ok } from '../shared/result';
import { resolveFolder } from './naming';

function inside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The real path of `p`, or of its deepest existing ancestor joined with the rest. */
async function realOrAncestor(p: string): Promise<string> {
  const rest: string[] = [];
  let cur = p;
  for (;;) {
    try {
      return path.join(await fs.promises.realpath(cur), ...rest.reverse());
    } catch {
      const up = path.dirname(cur);
      if (up === cur) return p;
      rest.push(path.basename(cur));
      cur = up;
    }
  }
}

/**
 * Resolves `folder` (relative to `root`) and checks, through symbolic links, that it stays inside
 * `root`. `setting` names the setting the folder came from, for the message.
 */
export async function resolveFolderInside(root: string, folder: string, setting: string): Promise<Result<string, UserFacingError>> {
  const lexical = resolveFolder(root, folder);
  if (!lexical.ok) return err({ ...lexical.error, remedy: `${lexical.error.remedy} (setting ${setting})` });
  const realRoot = await realOrAncestor(root);
  const real = await realOrAncestor(lexical.value);
  if (!inside(real, realRoot)) {
    return err({
      message: `The folder "${folder}" (setting ${setting}) leads outside the workspace through a symbolic link: it resolves to ${real}.`,
      remedy: `Point ${setting} at a real folder inside the workspace, or replace the link with a folder.`,
    });
  }
  return ok(lexical.value);
}

/** Checks an existing path (a file about to be used) is still inside the workspace after links are followed. */
export async function stillInside(root: string, p: string): Promise<boolean> {
  return inside(await realOrAncestor(p), await realOrAncestor(root));
}
