// The one place OpsDeck starts external processes. Arguments are always an array (never a shell
// string), output is streamed to the caller, cancellation kills the process (group), and failures
// come back as a typed result carrying the exit code and stderr.
import { spawn } from 'child_process';
import { Result, ok, err } from './result';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
}

export interface ProcessOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

export type ProcessError =
  | { kind: 'not-found'; command: string; message: string }
  | { kind: 'exit'; command: string; exitCode: number; stderr: string; stdout: string; message: string }
  | { kind: 'cancelled'; command: string; message: string }
  | { kind: 'timeout'; command: string; message: string }
  | { kind: 'spawn'; command: string; message: string };

export function run(command: string, args: readonly string[], opts: RunOptions = {}): Promise<Result<ProcessOutput, ProcessError>> {
  return new Promise((resolve) => {
    if (opts.signal?.aborted) {
      resolve(err({ kind: 'cancelled', command, message: `${command} was cancelled before it started.` }));
      return;
    }
    const child = spawn(command, [...args], {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    let stdout = '';
    let stderr = '';
    let settled = false;
    let reason: 'cancelled' | 'timeout' | undefined;
    const finish = (r: Result<ProcessOutput, ProcessError>) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const kill = () => {
      try {
        if (child.pid && process.platform !== 'win32') process.kill(-child.pid, 'SIGTERM');
        else child.kill('SIGTERM');
      } catch {
        /* already gone */
      }
    };
    const onAbort = () => {
      reason = 'cancelled';
      kill();
    };
    opts.signal?.addEventListener('abort', onAbort);
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          reason = 'timeout';
          kill();
        }, opts.timeoutMs)
      : undefined;

    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      stdout += d;
      opts.onStdout?.(d);
    });
    child.stderr.on('data', (d: string) => {
      stderr += d;
      opts.onStderr?.(d);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') finish(err({ kind: 'not-found', command, message: `${command} was not found.` }));
      else finish(err({ kind: 'spawn', command, message: `${command} could not start: ${e.message}` }));
    });
    child.on('close', (code) => {
      if (reason === 'cancelled') return finish(err({ kind: 'cancelled', command, message: `${command} was cancelled.` }));
      if (reason === 'timeout')
        return finish(err({ kind: 'timeout', command, message: `${command} did not finish in ${opts.timeoutMs} ms.` }));
      const exitCode = code ?? -1;
      if (exitCode !== 0) {
        const last = stderr.trim().split('\n').slice(-3).join(' ');
        return finish(
          err({
            kind: 'exit',
            command,
            exitCode,
            stderr,
            stdout,
            message: `${command} exited with code ${exitCode}${last ? `: ${last}` : ''}`,
          }),
        );
      }
      finish(ok({ stdout, stderr, exitCode }));
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}
