// Who is writing the document: git's user.name, else the OS account. No `vscode` import.
import * as os from 'os';
import { run } from '../shared/process';

export async function operatorName(cwd: string | undefined): Promise<string> {
  const r = await run('git', ['config', 'user.name'], { cwd, timeoutMs: 3000 });
  if (r.ok && r.value.exitCode === 0 && r.value.stdout.trim()) return r.value.stdout.trim();
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'operator';
  }
}
