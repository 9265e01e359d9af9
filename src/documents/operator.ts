// Who is writing the document: git's user.name, else the OS account. No `vscode` import.
//
// git runs only in a trusted workspace (a repository's config is the workspace's to choose), by
// its absolute path from PATH (never a `git` inside the workspace) and with `-C <folder>` rather
// than the workspace as the current folder.
import * as os from 'os';
import { findGit } from '../shared/gitPath';
import { run } from '../shared/process';

export interface OperatorLookup {
  /** The workspace folder (git reads its repository's config). */
  folder: string | undefined;
  trusted: boolean;
  /** PATH to search for git (default: the process's). */
  pathVar?: string;
}

export async function operatorName(o: OperatorLookup): Promise<string> {
  if (o.trusted && o.folder) {
    const git = findGit(o.pathVar ?? process.env.PATH, [o.folder]);
    if (git) {
      const r = await run(git, ['-C', o.folder, 'config', 'user.name'], { cwd: os.homedir(), timeoutMs: 3000 });
      if (r.ok && r.value.exitCode === 0 && r.value.stdout.trim()) return r.value.stdout.trim();
    }
  }
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'operator';
  }
}
