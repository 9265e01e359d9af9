// Shared helpers for the set-up steps: where the cache lives, logging, and running commands with
// argument arrays (output streamed, failure raised as ToolError naming the missing piece).
import { spawn } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';

export class ToolError extends Error {}

export function cacheRoot() {
  return process.env.OPSDECK_TOOLS_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'opsdeck');
}

export function log(msg) {
  console.log(`[setup-tools] ${msg}`);
}

/** Runs a command (argument array), streaming its output with a prefix; rejects with ToolError. */
export function sh(cmd, args, { cwd, env, quiet = false, what } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let tail = '';
    const onData = (d) => {
      const s = d.toString();
      out += s;
      tail = (tail + s).slice(-4000);
      if (!quiet) process.stdout.write(s.replace(/^(?=.)/gm, '    '));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => reject(new ToolError(`${what ?? cmd}: could not run ${cmd} (${e.message})`)));
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new ToolError(`${what ?? cmd}: \`${cmd} ${args.join(' ')}\` exited with ${code}\n${tail}`));
    });
  });
}

/** Output of a command, or undefined when it cannot run or fails. */
export async function probe(cmd, args, opts = {}) {
  try {
    return await sh(cmd, args, { ...opts, quiet: true });
  } catch {
    return undefined;
  }
}
