// Where git is: an absolute path found on PATH, never in the workspace. A PATH entry that is
// relative (`.`, an empty entry, `bin`) resolves against the current folder, so it is skipped, and
// so is any entry inside a folder the caller names as untrusted ground (the workspace): a `git`
// planted there must never run. On Windows the same rule keeps a workspace `git.exe` out. Pure but
// for the file-system checks.
import * as fs from 'fs';
import * as path from 'path';

function inside(dir: string, folder: string): boolean {
  const rel = path.relative(folder, dir);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export function findGit(pathVar: string | undefined, avoid: readonly string[] = [], platform = process.platform): string | undefined {
  const names = platform === 'win32' ? ['git.exe', 'git.cmd'] : ['git'];
  const avoidReal = avoid.map((a) => {
    try {
      return fs.realpathSync(a);
    } catch {
      return path.resolve(a);
    }
  });
  for (const dir of (pathVar ?? '').split(path.delimiter)) {
    if (!dir || !path.isAbsolute(dir)) continue;
    let real: string;
    try {
      real = fs.realpathSync(dir);
    } catch {
      continue;
    }
    if (avoidReal.some((a) => inside(real, a)) || avoid.some((a) => inside(dir, path.resolve(a)))) continue;
    for (const n of names) {
      const p = path.join(dir, n);
      try {
        if (fs.statSync(p).isFile()) {
          if (platform !== 'win32') fs.accessSync(p, fs.constants.X_OK);
          return p;
        }
      } catch {
        /* not here */
      }
    }
  }
  return undefined;
}
