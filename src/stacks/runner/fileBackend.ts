// Fast reads from a self-managed file backend (`file://…`): the checkpoint the backend itself keeps
// under .pulumi/stacks/, in the documented checkpoint format (the same deployment `pulumi stack
// export` prints, secrets still encrypted), its update history and its locks. Expanding Resources
// then costs a file read instead of a CLI process (~0.5–0.8 s on a 2-core machine).
//
// Nothing here blocks the extension host: files are read asynchronously, a checkpoint above
// INLINE_PARSE_BYTES is parsed and indexed on a worker thread (stateReader.ts: a 50 MB state is
// half a second of JSON.parse), and every file has a size cap. A checkpoint that is not there
// returns undefined (the caller asks the CLI); one that is there but broken is a clear failure
// naming the file, not a silent fallback.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { Worker } from 'worker_threads';
import { gunzip } from 'zlib';
import { Result, err, ok } from '../../shared/result';
import { UpdateSummaryLike } from '../model/history';
import type { DestroyCandidate } from '../model/destroyList';
import { PackedStateIndex, StateIndex, StateResource, buildStateIndex, StateDeployment, unpackStateIndex } from '../model/stateTree';

const gunzipAsync = promisify(gunzip);

/** Checkpoints larger than this are not shown (the tree would be unusable long before). */
export const MAX_STATE_BYTES = 256 * 1024 * 1024;
/** Checkpoints up to this size are parsed in the host (a few ms); larger ones on a worker thread. */
export const INLINE_PARSE_BYTES = 1024 * 1024;
const MAX_HISTORY_RECORD_BYTES = 8 * 1024 * 1024;
const MAX_LOCK_BYTES = 64 * 1024;

export function fileBackendRoot(url: string | undefined): string | undefined {
  if (!url || !url.startsWith('file://')) return undefined;
  let p = decodeURIComponent(url.slice('file://'.length).split('?')[0]!);
  if (p === '~' || p.startsWith('~/')) p = path.join(os.homedir(), p.slice(1));
  return p ? path.resolve(p) : undefined;
}

/**
 * A relative `file://` backend URL made absolute against the project folder, where the CLI (which runs
 * there) resolves it; other URLs unchanged. Without it, the state would be read relative to the
 * extension host's working directory: another folder, possibly with another checkpoint of the same name.
 */
export function resolveFileBackendUrl(url: string | undefined, projectDir: string): string | undefined {
  if (!url?.startsWith('file://')) return url;
  const rest = url.slice('file://'.length);
  const q = rest.indexOf('?');
  const p = q < 0 ? rest : rest.slice(0, q);
  if (!p || p.startsWith('/') || p === '~' || p.startsWith('~/')) return url;
  return `file://${path.resolve(projectDir, decodeURIComponent(p))}${q < 0 ? '' : rest.slice(q)}`;
}

export function checkpointCandidates(root: string, project: string, stack: string): string[] {
  const name = stack.split('/').pop()!;
  const dirs = [path.join(root, '.pulumi', 'stacks', project), path.join(root, '.pulumi', 'stacks')];
  return dirs.flatMap((d) => [path.join(d, `${name}.json`), path.join(d, `${name}.json.gz`)]);
}

/** A checkpoint that exists but cannot be used: what is wrong with which file. */
export interface StateFileProblem {
  file: string;
  message: string;
}

async function statOrUndefined(f: string): Promise<fs.Stats | undefined> {
  try {
    return await fs.promises.stat(f);
  } catch {
    return undefined;
  }
}

/** 1-based line of a character offset in text. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Checkpoint text → the deployment, or what is wrong with it. Pure (the worker thread runs the same
 * function), so a broken file is described the same way whichever thread parsed it.
 */
export function parseCheckpoint(text: string, file: string, stack: string): { deployment: StateDeployment } | { problem: string } {
  let cp: { version?: number; checkpoint?: { stack?: string; latest?: StateDeployment } };
  try {
    cp = JSON.parse(text) as typeof cp;
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0]!.replace(/, ".*$/, '');
    const pos = /position (\d+)/.exec(msg);
    if (/end of JSON/i.test(msg) || (pos && Number(pos[1]) >= text.trimEnd().length - 1))
      return { problem: `${file} ends in the middle of its JSON (the file is truncated: ${text.length} characters).` };
    return { problem: `${file} is not valid JSON (${pos ? `line ${lineAt(text, Number(pos[1]))}: ` : ''}${msg}).` };
  }
  if (!cp || typeof cp !== 'object' || Array.isArray(cp))
    return { problem: `${file} does not hold a Pulumi checkpoint (not a JSON object).` };
  if (cp.version !== 3) return { problem: `${file} is a checkpoint of version ${JSON.stringify(cp.version)}; OpsDeck reads version 3.` };
  if (!cp.checkpoint || typeof cp.checkpoint !== 'object') return { problem: `${file} has no "checkpoint" object.` };
  const recorded = cp.checkpoint.stack;
  if (recorded && typeof recorded === 'string' && recorded.split('/').pop() !== stack.split('/').pop())
    return { problem: `${file} records stack "${recorded}", not "${stack}".` };
  const latest = cp.checkpoint.latest ?? {};
  if (typeof latest !== 'object' || (latest.resources !== undefined && !Array.isArray(latest.resources)))
    return { problem: `${file}: "checkpoint.latest.resources" is not a list.` };
  for (const [i, r] of (latest.resources ?? []).entries()) {
    if (!r || typeof r !== 'object' || typeof r.urn !== 'string' || typeof r.type !== 'string')
      return { problem: `${file}: resource #${i + 1} has no "urn" or "type".` };
  }
  return { deployment: latest };
}

/** Parses and indexes checkpoint text (in the host for small files, on the worker for large ones). */
export function indexCheckpoint(text: string, file: string, stack: string): Result<StateIndex, StateFileProblem> {
  const p = parseCheckpoint(text, file, stack);
  if ('problem' in p) return err({ file, message: p.problem });
  return ok(buildStateIndex(p.deployment));
}

/**
 * The state index of a stack in a file backend. Undefined: not a file backend, or no checkpoint for
 * the stack (ask the CLI). Never blocks the host for long: see the header.
 */
export async function readFileBackendIndex(
  url: string | undefined,
  project: string,
  stack: string,
  opts: { maxBytes?: number; inlineBytes?: number; workerScript?: string } = {},
): Promise<Result<StateIndex, StateFileProblem> | undefined> {
  const root = fileBackendRoot(url);
  if (!root) return undefined;
  for (const f of checkpointCandidates(root, project, stack)) {
    const st = await statOrUndefined(f);
    if (!st || !st.isFile()) continue;
    const max = opts.maxBytes ?? MAX_STATE_BYTES;
    if (st.size > max) {
      return err({
        file: f,
        message: `${f} is ${(st.size / 1024 / 1024).toFixed(0)} MB, over the ${(max / 1024 / 1024).toFixed(0)} MB OpsDeck reads to show resources.`,
      });
    }
    if (st.size <= (opts.inlineBytes ?? INLINE_PARSE_BYTES) && !f.endsWith('.gz')) {
      let text: string;
      try {
        text = await fs.promises.readFile(f, 'utf8');
      } catch (e) {
        return err({ file: f, message: `${f} cannot be read: ${(e as Error).message}` });
      }
      return indexCheckpoint(text, f, stack);
    }
    const script = opts.workerScript ?? path.join(__dirname, 'stateReader.js');
    const r = await askWorker(script, { stack, maxBytes: max }, f);
    if (!r.ok) return r;
    if (!('index' in r.value)) return err({ file: f, message: `${f} could not be read.` });
    const idx = unpackStateIndex(r.value.index);
    // The full state of one resource (Show Resource State) is read again on the worker when asked.
    return ok({
      ...idx,
      rawOf: async (urn: string) => {
        const one = await askWorker(script, { stack, maxBytes: max, urn }, f);
        return one.ok && 'raw' in one.value && one.value.raw ? (JSON.parse(one.value.raw) as StateResource) : undefined;
      },
      all: async () => {
        const r = await askWorker(script, { stack, maxBytes: max, all: true }, f);
        if (!r.ok) throw new Error(r.error.message);
        return 'raw' in r.value && r.value.raw ? (JSON.parse(r.value.raw) as StateResource[]) : [];
      },
      destroyCandidates: async () => {
        const r = await askWorker(script, { stack, maxBytes: max, destroy: true }, f);
        if (!r.ok) throw new Error(r.error.message);
        if (!('raw' in r.value) || r.value.raw === undefined) throw new Error(`${f} could not be read.`);
        return JSON.parse(r.value.raw) as DestroyCandidate[];
      },
    });
  }
  return undefined;
}

/** The worker's answer: the packed index (or one resource's JSON), or the problem. */
export type WorkerAnswer =
  { ok: true; index: PackedStateIndex } | { ok: true; raw: string | undefined } | { ok: false; problem: StateFileProblem };

function askWorker(
  script: string,
  data: Record<string, unknown>,
  file: string,
): Promise<Result<WorkerAnswer & { ok: true }, StateFileProblem>> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: Result<WorkerAnswer & { ok: true }, StateFileProblem>) => {
      if (done) return;
      done = true;
      resolve(r);
      void worker.terminate();
    };
    const worker = new Worker(script, { workerData: { file, ...data } });
    worker.once('message', (a: WorkerAnswer) => finish(a.ok ? ok(a) : err(a.problem)));
    worker.once('error', (e) => finish(err({ file, message: `${file} could not be read: ${e.message}` })));
    worker.once('exit', (code) => finish(err({ file, message: `${file} could not be read (the reader stopped with code ${code}).` })));
  });
}

/** Reads a (possibly gzipped) checkpoint with the size cap; used by the worker thread. */
export async function readCheckpointText(file: string, maxBytes: number): Promise<string> {
  const raw = await fs.promises.readFile(file);
  if (!file.endsWith('.gz')) return raw.toString('utf8');
  const text = await gunzipAsync(raw, { maxOutputLength: maxBytes });
  return text.toString('utf8');
}

/**
 * The newest `limit` update records of a stack in a file backend (.pulumi/history/<project>/<stack>/),
 * the records `pulumi stack history` reads, with times converted from Unix seconds. Undefined
 * means "use the CLI". Records that are unreadable, too large or not JSON are skipped.
 */
export async function readFileBackendHistory(
  url: string | undefined,
  project: string,
  stack: string,
  limit: number,
): Promise<UpdateSummaryLike[] | undefined> {
  const root = fileBackendRoot(url);
  if (!root) return undefined;
  const name = stack.split('/').pop()!;
  let dir: string | undefined;
  for (const d of [path.join(root, '.pulumi', 'history', project, name), path.join(root, '.pulumi', 'history', name)]) {
    if ((await statOrUndefined(d))?.isDirectory()) {
      dir = d;
      break;
    }
  }
  if (!dir) return undefined;
  let all: string[];
  try {
    all = (await fs.promises.readdir(dir))
      .filter((f) => f.endsWith('.history.json') || f.endsWith('.history.json.gz'))
      .sort((a, b) => historyStamp(b) - historyStamp(a) || b.localeCompare(a));
  } catch {
    return undefined;
  }
  const out: UpdateSummaryLike[] = [];
  // The file backend records no update numbers: number them by position in the whole history.
  for (const [i, f] of all.slice(0, limit).entries()) {
    try {
      const file = path.join(dir, f);
      const st = await fs.promises.stat(file);
      if (st.size > MAX_HISTORY_RECORD_BYTES) continue;
      const text = await readCheckpointText(file, MAX_HISTORY_RECORD_BYTES);
      const u = JSON.parse(text) as Omit<UpdateSummaryLike, 'startTime' | 'endTime'> & { startTime: number; endTime?: number };
      if (!u || typeof u !== 'object' || typeof u.startTime !== 'number') continue;
      out.push({
        ...u,
        version: u.version || all.length - i,
        startTime: new Date(u.startTime * 1000).toISOString(),
        endTime: u.endTime ? new Date(u.endTime * 1000).toISOString() : undefined,
      });
    } catch {
      /* skipped: a torn or foreign file */
    }
  }
  return out;
}

/** `dev-1795433689291422194.history.json` → its nanosecond stamp (as a float: ordering only). */
function historyStamp(file: string): number {
  const m = /-(\d+)\.history\.json/.exec(file);
  return m ? Number(m[1]) : 0;
}

export interface BackendLock {
  file: string;
  username?: string;
  hostname?: string;
  pid?: number;
  timestamp?: string;
}

/**
 * The lock files a file backend holds for a stack (.pulumi/locks/…/<project>/<stack>/*.json). An
 * update writes one when it starts and removes it when it ends, so a lock with no update running
 * is what a killed CLI leaves behind. Undefined when the backend is not a file backend.
 */
export async function readFileBackendLocks(url: string | undefined, project: string, stack: string): Promise<BackendLock[] | undefined> {
  const root = fileBackendRoot(url);
  if (!root) return undefined;
  const name = stack.split('/').pop()!;
  const org = stack.includes('/') ? stack.split('/')[0]! : 'organization';
  const dirs = [path.join(root, '.pulumi', 'locks', org, project, name), path.join(root, '.pulumi', 'locks', name)];
  const out: BackendLock[] = [];
  for (const d of dirs) {
    let files: string[];
    try {
      files = (await fs.promises.readdir(d)).filter((f) => f.endsWith('.json'));
    } catch {
      continue;
    }
    for (const f of files) {
      const file = path.join(d, f);
      try {
        const st = await fs.promises.stat(file);
        if (st.size > MAX_LOCK_BYTES) throw new Error('too large');
        const l = JSON.parse(await fs.promises.readFile(file, 'utf8')) as {
          username?: unknown;
          hostname?: unknown;
          pid?: unknown;
          timestamp?: unknown;
        };
        const str = (v: unknown) => (typeof v === 'string' ? v.slice(0, 200) : undefined);
        out.push({
          file,
          username: str(l?.username),
          hostname: str(l?.hostname),
          pid: typeof l?.pid === 'number' ? l.pid : undefined,
          timestamp: str(l?.timestamp),
        });
      } catch {
        out.push({ file });
      }
    }
  }
  return out;
}
