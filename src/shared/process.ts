// The one place OpsDeck starts external processes. Arguments are always an array (never a shell
// string), output is streamed to the caller, and failures come back as a typed result carrying the
// exit code and stderr.
//
// Ending a process ends everything it started. Every process OpsDeck starts gets its own process
// group and an environment variable naming it (OPSDECK_PROCESS_TAG=<random id>), which its children
// inherit. A stop is SIGTERM to the group, then SIGKILL after a grace period, and then every live
// process still carrying the tag is ended too: that catches children that moved to a process group
// of their own (the Pulumi CLI starts each plugin with setpgid) or were orphaned when their parent
// was killed (reparented to init, so no parent link leads to them any more). A process settles on
// `exit`, not on `close`: a grandchild that keeps the pipes open cannot hold the caller up.
import { ChildProcess, fork, spawn } from 'child_process';
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import { Result, ok, err } from './result';

/** Inherited by everything a process OpsDeck started runs, so its whole tree can be found. */
export const PROCESS_TAG_VAR = 'OPSDECK_PROCESS_TAG';
const DEFAULT_GRACE_MS = 3000;
/** After `exit`, how long stdout/stderr may still drain before the result is settled. */
const DRAIN_MS = 250;

export function newProcessTag(): string {
  return randomUUID();
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed (secrets go here, never on the command line). */
  input?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** SIGTERM → SIGKILL escalation delay when the process is stopped (default 3 s). */
  killGraceMs?: number;
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

function sendToGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid && process.platform !== 'win32') process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    /* already gone */
  }
}

/** Numeric entries of /proc (Linux); empty elsewhere. */
async function procPids(): Promise<number[]> {
  if (process.platform !== 'linux') return [];
  try {
    return (await fs.promises.readdir('/proc')).filter((d) => /^\d+$/.test(d)).map(Number);
  } catch {
    return [];
  }
}

/**
 * Live processes whose environment carries `OPSDECK_PROCESS_TAG=<tag>` (Linux, through /proc; other
 * systems only get the process-group kill). Zombies have an empty environment and are skipped.
 */
export async function taggedProcesses(tag: string, varName = PROCESS_TAG_VAR): Promise<number[]> {
  const entry = `${varName}=${tag}`;
  const out: number[] = [];
  for (const pid of await procPids()) {
    if (pid === process.pid) continue;
    try {
      const env = await fs.promises.readFile(`/proc/${pid}/environ`, 'utf8');
      if (env.includes(entry) && env.split('\0').includes(entry)) out.push(pid);
    } catch {
      /* gone, or not ours to read */
    }
  }
  return out;
}

/** Ends every live process carrying the tag: SIGTERM, then SIGKILL for those still alive after the grace period. */
export async function endTagged(tag: string, graceMs = DEFAULT_GRACE_MS): Promise<number[]> {
  const pids = await taggedProcesses(tag);
  if (!pids.length) return [];
  for (const pid of pids) signalPid(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  let alive = pids;
  while (alive.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    const still = new Set(await taggedProcesses(tag));
    alive = alive.filter((p) => still.has(p));
  }
  for (const pid of alive) signalPid(pid, 'SIGKILL');
  return pids;
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    /* gone */
  }
}

function withTag(env: NodeJS.ProcessEnv | undefined, tag: string): NodeJS.ProcessEnv {
  return { ...(env ?? process.env), [PROCESS_TAG_VAR]: tag };
}

/**
 * Stops a started process and its tree: SIGTERM to its group, SIGKILL after `graceMs` unless it
 * exited, then whatever still carries its tag. Resolves once that is done.
 */
async function stopTree(child: ChildProcess, tag: string, graceMs: number, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    sendToGroup(child, 'SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
  }
  // The group may still hold children even when the leader exited.
  sendToGroup(child, 'SIGKILL');
  await endTagged(tag, Math.min(graceMs, 1000));
}

export function run(command: string, args: readonly string[], opts: RunOptions = {}): Promise<Result<ProcessOutput, ProcessError>> {
  return new Promise((resolve) => {
    if (opts.signal?.aborted) {
      resolve(err({ kind: 'cancelled', command, message: `${command} was cancelled before it started.` }));
      return;
    }
    const tag = newProcessTag();
    const grace = opts.killGraceMs ?? DEFAULT_GRACE_MS;
    const child = spawn(command, [...args], {
      cwd: opts.cwd,
      env: withTag(opts.env, tag),
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    let stdout = '';
    let stderr = '';
    let settled = false;
    let reason: 'cancelled' | 'timeout' | undefined;
    let stopping: Promise<void> | undefined;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const finish = async (r: Result<ProcessOutput, ProcessError>) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (stopping) await stopping;
      resolve(r);
    };
    const stop = () => {
      stopping ??= stopTree(child, tag, grace, exited);
    };
    const onAbort = () => {
      reason ??= 'cancelled';
      stop();
    };
    opts.signal?.addEventListener('abort', onAbort);
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          reason ??= 'timeout';
          stop();
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
    child.stdin.on('error', () => undefined); // a process that exits without reading its input
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') void finish(err({ kind: 'not-found', command, message: `${command} was not found.` }));
      else void finish(err({ kind: 'spawn', command, message: `${command} could not start: ${e.message}` }));
    });
    const closed = new Promise<void>((r) => child.once('close', () => r()));
    child.once('exit', (code, signal) => {
      // Let the pipes drain (they close at once unless a grandchild holds them), then settle.
      void Promise.race([closed, new Promise((r) => setTimeout(r, DRAIN_MS))]).then(() => {
        child.stdout.destroy();
        child.stderr.destroy();
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
              message: `${command} ${signal ? `was killed by ${signal}` : `exited with code ${exitCode}`}${last ? `: ${last}` : ''}`,
            }),
          );
        }
        return finish(ok({ stdout, stderr, exitCode }));
      });
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

export interface ForkOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  killGraceMs?: number;
  onMessage?: (message: unknown) => void;
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
}

export interface ForkedProcess {
  readonly pid: number | undefined;
  readonly tag: string;
  /** Resolves when the process has exited (code, or the signal that ended it). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: string }>;
  /** Sends over IPC; false when the channel is gone. */
  send(message: unknown): boolean;
  /** Ends the process and everything it started (SIGTERM, SIGKILL after the grace period, then the tag). */
  stop(): Promise<void>;
}

/**
 * Runs a Node module in a child process with an IPC channel, in its own process group. The child
 * runs plain Node (ELECTRON_RUN_AS_NODE for Electron hosts) without the parent's execArgv
 * (inspector flags and the like).
 */
export function forkNode(modulePath: string, opts: ForkOptions = {}): ForkedProcess {
  const tag = newProcessTag();
  const grace = opts.killGraceMs ?? DEFAULT_GRACE_MS;
  let child: ChildProcess;
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: string }>;
  try {
    child = fork(modulePath, [], {
      cwd: opts.cwd,
      env: { ...withTag(opts.env, tag), ELECTRON_RUN_AS_NODE: '1' },
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: process.platform !== 'win32',
      serialization: 'json',
    });
    exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', (e) => {
        if (child.pid === undefined) resolve({ code: null, signal: null, error: e.message });
      });
    });
  } catch (e) {
    const message = (e as Error).message;
    return {
      pid: undefined,
      tag,
      exited: Promise.resolve({ code: null, signal: null, error: message }),
      send: () => false,
      stop: () => Promise.resolve(),
    };
  }
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stdout?.on('data', (d: string) => opts.onStdout?.(d));
  child.stderr?.on('data', (d: string) => opts.onStderr?.(d));
  child.on('message', (m) => opts.onMessage?.(m));
  let stopping: Promise<void> | undefined;
  return {
    pid: child.pid,
    tag,
    exited,
    send: (message) => {
      if (!child.connected) return false;
      try {
        child.send(message as never, (e) => e && undefined);
        return true;
      } catch {
        return false;
      }
    },
    stop: () => (stopping ??= stopTree(child, tag, grace, exited)),
  };
}
