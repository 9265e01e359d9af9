// One Pulumi project as seen through the Automation API: its stacks, their state, outputs, config
// and history, and the operations. Free of `vscode`: settings, the passphrase, workspace trust and
// the log arrive as plain values and callbacks, so the same runner serves the extension and the
// benchmarks. Results are tagged unions carrying an explained Failure.
//
// Trust: everything here loads workspace code (the project's own @pulumi/pulumi) or runs the CLI on
// the project, so every entry point asks `isTrusted` first, whatever the caller checked.
// Processes: every CLI process carries a tag (src/shared/process.ts); when one fails or is killed,
// or an operation is force-stopped, whatever still carries the tag (the plugins the CLI started, in
// process groups of their own) is ended too. The inline route runs in a forked worker process
// (inlineWorker.ts), never in this process.
import { AsyncLocalStorage } from 'async_hooks';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ForkedProcess, PROCESS_TAG_VAR, endTagged, forkNode, newProcessTag, run as runProcess } from '../../shared/process';
import { Result, ok, err } from '../../shared/result';
import { EngineEventLike, OperationKind } from '../model/engineEvents';
import { Failure, explainFailure, mayBeSaltError, sourceLocations } from '../model/failures';
import { SaltProblem, checkEncryptionSalt } from '../model/encryptionSalt';
import { buildPulumiEnv } from '../model/pulumiEnv';
import { StateDeployment, StateIndex, buildStateIndex } from '../model/stateTree';
import { UpdateSummaryLike } from '../model/history';
import { Automation, loadAutomation, resolvePulumiPackageDir } from './automationLoader';
import { CliLocation, languageHostFor, locateCli } from './cliLocator';
import { BackendLock, readFileBackendHistory, readFileBackendIndex, readFileBackendLocks, resolveFileBackendUrl } from './fileBackend';
import { readS3BackendIndex, readS3BackendLocks } from './s3Backend';
import { FromWorker, InlineStart, WorkerError, isFromWorker } from './inlineProtocol';
import { CommandListener, CommandLike, OperationEnd, observeCommand, skipReadBacks } from './operationEnd';

export type ProgramRoute = 'on-disk' | 'inline';
export type RouteSetting = 'auto' | 'onDisk' | 'inline';

export interface RunnerSettings {
  cliPath?: string;
  env: Record<string, string>;
  route: RouteSetting;
  /** Passphrase for the passphrase secrets provider, when known. */
  passphrase?: string;
  /** Where a symlinked CLI root may be created. */
  cacheDir?: string;
}

export interface ProjectInfo {
  dir: string;
  name: string;
  runtime: string;
  main?: string;
  /** `backend.url` from Pulumi.yaml, when set. */
  backendUrl?: string;
}

export interface StackSummaryLike {
  name: string;
  current: boolean;
  lastUpdate?: string;
  updateInProgress?: boolean;
  resourceCount?: number;
}

export interface RunOptions {
  onEvent?: (e: EngineEventLike) => void;
  onOutput?: (text: string) => void;
  signal?: AbortSignal;
  /** preview: where to save the update plan; up: the plan to apply. */
  planFile?: string;
  /** preview / up: local policy-pack folders (absolute paths) run with the operation (`--policy-pack`). */
  policyPacks?: string[];
  /** preview / up: refresh the state from the cloud first (`--refresh`), so drift shows as changes. */
  refresh?: boolean;
  /** refresh / destroy: only preview them (previewRefresh / previewDestroy). */
  previewOnly?: boolean;
  /** refresh: drop pending creates left by an interrupted update (`--clear-pending-creates`). */
  clearPendingCreates?: boolean;
  /** Notes about the run worth a log line (not engine output). */
  onNote?: (text: string) => void;
  /** Aborted: stop at once, killing the CLI, its plugins (and the inline worker) instead of interrupting. */
  kill?: AbortSignal;
}

export interface RunOutcome {
  operation: OperationKind;
  route: ProgramRoute;
  changeSummary?: Record<string, number>;
}

export interface RouteInfo {
  route: ProgramRoute;
  reason: string;
}

/** Chooses on-disk (language host present) or inline (Node projects only). Pure but for the fs check. */
export function chooseRoute(setting: RouteSetting, runtime: string, languageHost: string | undefined): Result<RouteInfo, Failure> {
  // The inline route runs Node.js programs only: another runtime with its host goes on disk, saying why.
  if (setting === 'inline' && runtime !== 'nodejs' && languageHost) {
    return ok({
      route: 'on-disk',
      reason: `the CLI runs the program through ${path.basename(languageHost)}: "opsdeck.pulumi.programRoute": "inline" applies to Node.js programs only, and this is a ${runtime} project`,
    });
  }
  if (setting === 'onDisk' || (setting === 'auto' && languageHost)) {
    if (!languageHost && setting === 'onDisk') {
      return err(
        failure(
          'cli-missing',
          `The Pulumi language host for "${runtime}" (pulumi-language-${runtime}) was not found.`,
          'Install it beside the CLI, or set "opsdeck.pulumi.programRoute" to "inline" (Node.js projects).',
        ),
      );
    }
    return ok({ route: 'on-disk', reason: `the CLI runs the program through ${path.basename(languageHost!)}` });
  }
  if (runtime !== 'nodejs') {
    return err(
      failure(
        'cli-missing',
        `The Pulumi language host for "${runtime}" (pulumi-language-${runtime}) was not found, and only Node.js programs can run inline.`,
        'Install the language host beside the Pulumi CLI.',
      ),
    );
  }
  return ok({
    route: 'inline',
    reason:
      setting === 'inline'
        ? 'set by opsdeck.pulumi.programRoute'
        : 'pulumi-language-nodejs was not found, so OpsDeck runs the program through the Automation API in a separate Node process (TypeScript is transpiled without type-checking)',
  });
}

function failure(kind: Failure['kind'], message: string, remedy: string): Failure {
  return { kind, message, remedy, locations: [], detail: message };
}

interface CommandErrorLike {
  name?: string;
  message?: string;
  commandResult?: { stderr?: string; stdout?: string };
}

const OPERATIONS = new Set(['preview', 'up', 'refresh', 'destroy']);
const SPARE_IDLE_MS = 5 * 60_000;

interface WorkerHandlers {
  message: (m: unknown) => void;
  output: (text: string) => void;
}
/** Where the bundled (or compiled) inline worker lives: beside this module. */
const INLINE_WORKER = path.join(__dirname, 'inlineWorker.js');

export const UNTRUSTED_MESSAGE =
  "Pulumi commands are off in an untrusted workspace: they load the project's own code and run the Pulumi CLI on it. Trust the folder (Manage Workspace Trust) to use them.";

type Workspace = import('@pulumi/pulumi/automation').LocalWorkspace;
type WorkspaceResult = Result<{ auto: Automation; ws: Workspace; route: RouteInfo }, Failure>;

export class PulumiProjectSession {
  private auto?: Automation;
  private cli?: CliLocation;
  private commandPromise?: Promise<unknown>;
  /** Error diagnostics seen during the current operation, for the failure explanation. */
  private diagnostics: Array<{ message: string; resource?: string }> = [];
  /** Hears about every CLI process the workspace's PulumiCommand ran (see operationEnd.ts). */
  private readonly commandListeners = new Set<CommandListener>();
  /** Per stack: the Automation API's follow-up reads of an operation that has already ended. */
  private readonly tails = new Map<string, Promise<void>>();
  /**
   * Set inside an up / refresh / destroy's Automation API call (runOn), and `ended` once its engine
   * has: the read-backs that call then makes get an empty answer without the CLI (operationEnd.ts).
   * Async context, so only that call's own commands see it, not a tree read running meanwhile.
   */
  private readonly engineEnded = new AsyncLocalStorage<{ ended: boolean }>();
  /** Tags of the CLI processes running now (tag → arguments). */
  private readonly active = new Map<string, readonly string[]>();
  /** Inline workers running now, per stack. */
  private readonly workers = new Map<string, { stop(): Promise<void> }>();
  /**
   * A worker forked ahead of the next inline operation, with the project's Automation API already
   * loaded (that alone takes 1–1.5 s on a busy 2-core machine). Each worker runs one operation;
   * the spare is ended after SPARE_IDLE_MS unused, when the session is disposed, and (having no
   * work) as soon as the host's IPC channel closes.
   */
  private spare?: { worker: ForkedProcess; handlers: WorkerHandlers; timer: NodeJS.Timeout; gone: boolean };
  private disposed = false;

  constructor(
    readonly project: ProjectInfo,
    private settings: RunnerSettings,
    private readonly isTrusted: () => boolean,
  ) {}

  updateSettings(s: RunnerSettings): void {
    if (JSON.stringify(s) === JSON.stringify(this.settings)) return;
    if (s.cliPath !== this.settings.cliPath || JSON.stringify(s.env) !== JSON.stringify(this.settings.env)) {
      this.cli = undefined;
      this.commandPromise = undefined;
    }
    this.settings = s;
    this.wsPromise = undefined;
    this.selected.clear();
  }

  private untrusted(): Failure | undefined {
    if (this.isTrusted()) return undefined;
    return {
      kind: 'untrusted',
      message: UNTRUSTED_MESSAGE,
      remedy: 'Trust the folder to use Pulumi commands.',
      locations: [],
      detail: UNTRUSTED_MESSAGE,
    };
  }

  env(): Record<string, string> {
    const pathVar = this.settings.env.PATH ?? process.env.PATH;
    const pulumiDir = resolvePulumiPackageDir(this.project.dir);
    return buildPulumiEnv({
      base: { PATH: pathVar, HOME: process.env.HOME },
      extra: Object.fromEntries(Object.entries(this.settings.env).filter(([k]) => k !== 'PATH')),
      cliDir: this.cli ? path.dirname(this.cli.cli) : undefined,
      pluginDirs: pulumiDir ? [pulumiDir] : [],
      passphrase: this.settings.passphrase,
    });
  }

  locate(): Result<CliLocation, Failure> {
    if (!this.cli) {
      const pathVar = this.settings.env.PATH ?? process.env.PATH;
      this.cli = locateCli(this.settings.cliPath, pathVar, this.settings.cacheDir ?? path.join(os.tmpdir(), 'opsdeck-pulumi-root'));
    }
    if (!this.cli) {
      return err(explainFailure({ errorMessage: 'spawn pulumi ENOENT (not found)', cliSetting: this.settings.cliPath }));
    }
    return ok(this.cli);
  }

  route(): Result<RouteInfo, Failure> {
    const loc = this.locate();
    if (!loc.ok) return loc;
    const host = languageHostFor(this.project.runtime, path.dirname(loc.value.cli), this.settings.env.PATH ?? process.env.PATH);
    return chooseRoute(this.settings.route, this.project.runtime, host);
  }

  private wsPromise?: Promise<WorkspaceResult>;
  /** `Stack.select` runs `pulumi stack select`: done once per stack and workspace, not per operation. */
  private readonly selected = new Map<string, Promise<import('@pulumi/pulumi/automation').Stack>>();

  /** One LocalWorkspace per project and settings, reused by every call (creating one costs CLI calls). */
  private workspace(): Promise<WorkspaceResult> {
    const no = this.untrusted();
    if (no) return Promise.resolve(err(no));
    if (!this.wsPromise) {
      const p = this.createWorkspace();
      this.wsPromise = p;
      void p.then((r) => {
        if (!r.ok && this.wsPromise === p) this.wsPromise = undefined;
      });
    }
    return this.wsPromise;
  }

  private stack(auto: Automation, ws: Workspace, name: string): Promise<import('@pulumi/pulumi/automation').Stack> {
    let p = this.selected.get(name);
    if (!p) {
      p = auto.Stack.select(name, ws);
      this.selected.set(name, p);
      p.catch(() => this.selected.delete(name));
    }
    return p;
  }

  /**
   * Tags every CLI process the Automation API starts; when one fails (a crash, a kill, an error),
   * what still carries its tag is ended before the failure is reported, and after each operation
   * the same sweep runs in the background.
   */
  private tagged<T extends CommandLike>(cmd: T): T {
    const active = this.active;
    return new Proxy(cmd, {
      get(target, prop, receiver) {
        if (prop !== 'run') return Reflect.get(target, prop, receiver) as unknown;
        return (args: string[], cwd: string, env: Record<string, string>, ...rest: unknown[]) => {
          const tag = newProcessTag();
          active.set(tag, [...args]);
          return target.run(args, cwd, { ...env, [PROCESS_TAG_VAR]: tag }, ...rest).then(
            (v) => {
              active.delete(tag);
              if (OPERATIONS.has(args[0]!)) void endTagged(tag, 1000);
              return v;
            },
            async (e: unknown) => {
              active.delete(tag);
              await endTagged(tag, 1000);
              throw e;
            },
          );
        };
      },
    });
  }

  private async createWorkspace(): Promise<WorkspaceResult> {
    const r = this.route();
    if (!r.ok) return r;
    try {
      this.auto ??= loadAutomation(this.project.dir);
      const auto = this.auto;
      this.commandPromise ??= auto.PulumiCommand.get({ root: this.cli!.root });
      const pulumiCommand = skipReadBacks(
        observeCommand(this.tagged((await this.commandPromise) as CommandLike), this.commandListeners),
        () => this.engineEnded.getStore()?.ended === true,
      ) as unknown as import('@pulumi/pulumi/automation').PulumiCommand;
      // No `program` here: on the inline route the program runs in the worker process (runInline).
      const ws = await auto.LocalWorkspace.create({ workDir: this.project.dir, pulumiCommand, envVars: this.env() });
      return ok({ auto, ws, route: r.value });
    } catch (e) {
      this.commandPromise = undefined;
      return err(this.explain(e));
    }
  }

  explain(e: unknown, stack?: string): Failure {
    const ce = e as CommandErrorLike;
    const input = {
      errorName: ce?.name ?? (e as Error)?.constructor?.name,
      errorMessage: ce?.message ?? String(e),
      stderr: ce?.commandResult?.stderr,
      diagnostics: this.diagnostics,
      stack,
      cliSetting: this.settings.cliPath,
    };
    const f = explainFailure(input);
    if (
      !stack ||
      !(f.kind === 'passphrase' || f.kind === 'encryption-salt' || mayBeSaltError(`${input.errorMessage}\n${input.stderr ?? ''}`))
    )
      return f;
    // The CLI says "incorrect passphrase" for a damaged salt too: the stack file tells them apart.
    const saltProblem = this.saltProblem(stack);
    return saltProblem ? explainFailure({ ...input, saltProblem }) : f;
  }

  /** The damage in Pulumi.<stack>.yaml's encryptionsalt, if any (a few hundred bytes, read only after a passphrase error). */
  private saltProblem(stack: string): SaltProblem | undefined {
    for (const ext of ['yaml', 'yml']) {
      const file = path.join(this.project.dir, `Pulumi.${stack.split('/').pop()}.${ext}`);
      try {
        const st = fs.statSync(file);
        if (!st.isFile() || st.size > 4 * 1024 * 1024) return undefined;
        return checkEncryptionSalt(fs.readFileSync(file, 'utf8'), file);
      } catch {
        /* no such file: try the other extension */
      }
    }
    return undefined;
  }

  private async guarded<T>(
    stack: string | undefined,
    f: (ws: Workspace, auto: Automation, route: RouteInfo) => Promise<T>,
  ): Promise<Result<T, Failure>> {
    const w = await this.workspace();
    if (!w.ok) return w;
    try {
      return ok(await f(w.value.ws, w.value.auto, w.value.route));
    } catch (e) {
      return err(this.explain(e, stack));
    }
  }

  listStacks(): Promise<Result<StackSummaryLike[], Failure>> {
    return this.guarded(undefined, async (ws) => (await ws.listStacks()).map((s) => ({ ...s })));
  }

  selectStack(stack: string): Promise<Result<void, Failure>> {
    return this.guarded(stack, (ws) => ws.selectStack(stack));
  }

  createStack(stack: string): Promise<Result<void, Failure>> {
    return this.guarded(stack, async (ws) => {
      await ws.createStack(stack);
    });
  }

  /** The backend the CLI uses for this project; a relative file:// URL resolved as the CLI does, in the project folder. */
  private backendUrl(): string | undefined {
    return resolveFileBackendUrl(
      this.env().PULUMI_BACKEND_URL ?? process.env.PULUMI_BACKEND_URL ?? this.project.backendUrl,
      this.project.dir,
    );
  }

  exportState(stack: string): Promise<Result<StateDeployment, Failure>> {
    return this.guarded(stack, async (ws) => ((await ws.exportStack(stack)).deployment ?? {}) as StateDeployment);
  }

  /** The stack's resources, indexed: from a file backend's checkpoint when there is one (off the host thread), else `stack export`. */
  async stateIndex(stack: string): Promise<Result<StateIndex, Failure>> {
    const no = this.untrusted();
    if (no) return err(no);
    const fast =
      (await readFileBackendIndex(this.backendUrl(), this.project.name, stack)) ??
      (await readS3BackendIndex(this.backendUrl(), this.project.name, stack, { ...process.env, ...this.env() }));
    if (fast) {
      if (fast.ok) return fast;
      const m = `The state of "${stack}" cannot be shown: ${fast.error.message}`;
      return err({
        kind: 'state-file',
        message: m,
        remedy: 'Check the file (pulumi stack export prints it); a truncated checkpoint may have a backup beside it (.json.bak).',
        locations: [],
        detail: m,
      });
    }
    const r = await this.exportState(stack);
    return r.ok ? ok(buildStateIndex(r.value)) : r;
  }

  /** Locks a file backend holds on the stack (undefined: not a file backend, nothing known). */
  locks(stack: string): Promise<BackendLock[] | undefined> {
    if (this.untrusted()) return Promise.resolve(undefined);
    const url = this.backendUrl();
    return url?.startsWith('s3://')
      ? readS3BackendLocks(url, this.project.name, stack, { ...process.env, ...this.env() })
      : readFileBackendLocks(url, this.project.name, stack);
  }

  outputs(stack: string): Promise<Result<Record<string, { value: unknown; secret: boolean }>, Failure>> {
    return this.guarded(stack, (ws) => ws.stackOutputs(stack));
  }

  /** All config of the stack, secrets in clear (`pulumi config --show-secrets`): callers keep it in memory only. */
  config(stack: string): Promise<Result<Record<string, { value: string; secret?: boolean }>, Failure>> {
    return this.guarded(stack, (ws) => ws.getAllConfig(stack));
  }

  /**
   * `pulumi config set` with the value on stdin (the CLI reads it from there when it is not given
   * and stdin is not a terminal; `--raw` keeps it byte for byte), never on the command line, where
   * any local user could read it in `ps`.
   */
  async setConfig(stack: string, key: string, value: string, secret: boolean): Promise<Result<void, Failure>> {
    const no = this.untrusted();
    if (no) return err(no);
    const loc = this.locate();
    if (!loc.ok) return loc;
    const args = ['config', 'set', '--stack', stack, secret ? '--secret' : '--plaintext', '--raw', '--non-interactive', '--', key];
    const r = await runProcess(loc.value.cli, args, {
      cwd: this.project.dir,
      env: { ...process.env, ...this.env(), PULUMI_AUTOMATION_API: 'true' },
      input: value,
      timeoutMs: 120_000,
    });
    if (r.ok) return ok(undefined);
    const e = r.error;
    return err(
      this.explain(
        { name: 'CommandError', message: e.message, commandResult: { stderr: e.kind === 'exit' ? e.stderr : undefined } },
        stack,
      ),
    );
  }

  removeConfig(stack: string, key: string): Promise<Result<void, Failure>> {
    return this.guarded(stack, (ws) => ws.removeConfig(stack, key));
  }

  async history(stack: string, pageSize?: number): Promise<Result<UpdateSummaryLike[], Failure>> {
    const no = this.untrusted();
    if (no) return err(no);
    const fast = await readFileBackendHistory(this.backendUrl(), this.project.name, stack, pageSize ?? 500);
    if (fast) return ok(fast);
    return this.guarded(stack, async (ws, auto) => {
      const s = await this.stack(auto, ws, stack);
      // The CLI returns 10 entries unless asked for a page size; secrets stay encrypted.
      return (await s.history(pageSize ?? 500, 1, false)) as unknown as UpdateSummaryLike[];
    });
  }

  /** Removes the backend lock left by a killed update (the CLI's `cancel`). */
  clearLock(stack: string): Promise<Result<void, Failure>> {
    return this.guarded(stack, async (ws, auto) => {
      const s = await this.stack(auto, ws, stack);
      await s.cancel();
    });
  }

  /** Ends every process of an operation on the stack now: the CLI, its plugins, the inline worker. */
  async kill(stack: string): Promise<void> {
    const jobs: Array<Promise<unknown>> = [];
    for (const [tag, args] of this.active) {
      const i = args.indexOf('--stack');
      if (i >= 0 && args[i + 1] === stack) jobs.push(endTagged(tag, 1000));
    }
    const w = this.workers.get(stack);
    if (w) jobs.push(w.stop());
    await Promise.all(jobs);
  }

  /** Ends every process this session started (the extension is shutting down). */
  async dispose(): Promise<void> {
    this.disposed = true;
    const spare = this.spare;
    this.spare = undefined;
    if (spare) clearTimeout(spare.timer);
    await Promise.all([
      ...[...this.active.keys()].map((t) => endTagged(t, 500)),
      ...[...this.workers.values()].map((w) => w.stop()),
      ...(spare ? [spare.worker.stop()] : []),
    ]);
  }

  private forkWorker(): { worker: ForkedProcess; handlers: WorkerHandlers } {
    const handlers: WorkerHandlers = { message: () => undefined, output: () => undefined };
    const worker = forkNode(INLINE_WORKER, {
      cwd: this.project.dir,
      env: process.env,
      onMessage: (m) => handlers.message(m),
      onStdout: (t) => handlers.output(t),
      onStderr: (t) => handlers.output(t),
    });
    worker.send({ type: 'preload', workDir: this.project.dir });
    return { worker, handlers };
  }

  /** The spare worker if it is still alive, else a fresh one. */
  private takeWorker(): { worker: ForkedProcess; handlers: WorkerHandlers } {
    const s = this.spare;
    this.spare = undefined;
    if (s) {
      clearTimeout(s.timer);
      if (!s.gone) return s;
    }
    return this.forkWorker();
  }

  private keepSpare(): void {
    if (this.spare || this.disposed || !this.isTrusted()) return;
    const w = this.forkWorker();
    const entry = {
      ...w,
      gone: false,
      timer: setTimeout(() => {
        if (this.spare !== entry) return;
        this.spare = undefined;
        void w.worker.stop();
      }, SPARE_IDLE_MS),
    };
    entry.timer.unref?.();
    void w.worker.exited.then(() => {
      entry.gone = true;
      if (this.spare === entry) this.spare = undefined;
    });
    this.spare = entry;
  }

  async run(operation: OperationKind, stack: string, o: RunOptions): Promise<Result<RunOutcome, Failure>> {
    const no = this.untrusted();
    if (no) return err(no);
    this.diagnostics = [];
    const onEvent = (e: EngineEventLike) => {
      const d = e.diagnosticEvent;
      if (d && d.severity === 'error' && !d.ephemeral && typeof d.message === 'string')
        this.diagnostics.push({ message: d.message, resource: d.urn ? d.urn.split('::').pop() : undefined });
      o.onEvent?.(e);
    };
    // The previous operation's follow-up reads first, so two runs on one stack never overlap.
    await this.tails.get(stack);
    const onKill = () => void this.kill(stack);
    o.kill?.addEventListener('abort', onKill);
    try {
      const rt = this.route();
      if (rt.ok && rt.value.route === 'inline') return await this.runInline(operation, stack, o, onEvent, rt.value);
      return await this.runOn(operation, stack, o, onEvent);
    } finally {
      o.kill?.removeEventListener('abort', onKill);
    }
  }

  /**
   * The inline route: the Automation API inline program runs in a forked Node process
   * (inlineWorker.ts). Events, output and the result come back over IPC; a cancel is passed on (the
   * worker interrupts the CLI), a kill ends the worker's whole tree. A worker that dies before it
   * reports a result (the program called process.exit, or crashed it) is a failure that says so.
   */
  private async runInline(
    operation: OperationKind,
    stack: string,
    o: RunOptions,
    onEvent: (e: EngineEventLike) => void,
    route: RouteInfo,
  ): Promise<Result<RunOutcome, Failure>> {
    // The host's workspace reads `pulumi version` once; the worker reuses it.
    const w = await this.workspace();
    if (!w.ok) return w;
    let cliVersion: string | undefined;
    try {
      cliVersion = w.value.ws.pulumiVersion;
    } catch {
      cliVersion = undefined;
    }
    const start: InlineStart = {
      type: 'start',
      workDir: this.project.dir,
      main: this.project.main,
      pulumiDir: resolvePulumiPackageDir(this.project.dir),
      cliRoot: this.cli!.root,
      cliVersion,
      envVars: this.env(),
      stack,
      operation,
      planFile: o.planFile,
      previewOnly: o.previewOnly,
      clearPendingCreates: o.clearPendingCreates,
      policyPacks: o.policyPacks,
      refresh: o.refresh,
    };
    const outcome = (changeSummary?: Record<string, number>): RunOutcome => ({ operation, route: route.route, changeSummary });
    return new Promise<Result<RunOutcome, Failure>>((resolve) => {
      let settled = false;
      let uncaught: WorkerError | undefined;
      const settle = (r: Result<RunOutcome, Failure>) => {
        if (settled) return;
        settled = true;
        o.signal?.removeEventListener('abort', onAbort);
        resolve(r);
      };
      const onMessage = (m: unknown) => {
        if (!isFromWorker(m)) return;
        const msg = m as FromWorker;
        if (msg.type === 'event') onEvent(msg.event);
        else if (msg.type === 'output') o.onOutput?.(msg.text);
        else if (msg.type === 'note') o.onNote?.(msg.text);
        else if (msg.type === 'uncaught') {
          uncaught = msg.error;
          o.onNote?.(`the program raised an error nobody caught: ${msg.error.message.split('\n')[0]}`);
        } else if (msg.type === 'result') {
          if (msg.ok) settle(ok(outcome(msg.changeSummary)));
          else
            settle(
              err(this.explain({ name: msg.error.name, message: msg.error.message, commandResult: { stderr: msg.error.stderr } }, stack)),
            );
        }
      };
      const { worker, handlers } = this.takeWorker();
      handlers.message = onMessage;
      handlers.output = (t) => o.onOutput?.(t);
      this.workers.set(stack, worker);
      const onAbort = () => worker.send({ type: 'cancel' });
      o.signal?.addEventListener('abort', onAbort);
      if (o.signal?.aborted) onAbort();
      worker.send(start);
      const ended = worker.exited.then(async (x) => {
        // Whatever the worker started and left (the CLI, its plugins) ends with it.
        await worker.stop();
        if (this.workers.get(stack) === worker) this.workers.delete(stack);
        // The next inline operation finds a worker with the Automation API loaded.
        this.keepSpare();
        if (settled) return;
        if (o.signal?.aborted && !uncaught)
          return settle(err(this.explain({ name: 'CommandError', message: 'update canceled (SIGINT)' }, stack)));
        const how = x.error ? `could not start (${x.error})` : x.signal ? `was killed (${x.signal})` : `ended with exit code ${x.code}`;
        const cause = uncaught
          ? `: ${uncaught.message.split('\n')[0]}`
          : x.code !== null && !x.error
            ? ' (the program called process.exit, or crashed it)'
            : '';
        const message = `The process running the inline program ${how} before the ${operation} of "${stack}" finished${cause}.`;
        const detail = [message, uncaught?.stack ?? ''].join('\n').trim();
        settle(
          err({
            kind: 'crashed',
            message,
            remedy:
              'A Pulumi program must not call process.exit or leave errors uncaught. Fix the program (the log has the details), then run the operation again; Refresh shows what was applied.',
            locations: sourceLocations(uncaught?.stack ?? ''),
            detail,
          }),
        );
      });
      this.tails.set(stack, ended);
      void ended.finally(() => {
        if (this.tails.get(stack) === ended) this.tails.delete(stack);
      });
    });
  }

  private runOn(
    operation: OperationKind,
    stack: string,
    o: RunOptions,
    onEvent: (e: EngineEventLike) => void,
  ): Promise<Result<RunOutcome, Failure>> {
    return this.guarded(stack, async (ws, auto, route) => {
      const s = await this.stack(auto, ws, stack);
      const common = { onEvent: onEvent as never, onOutput: o.onOutput, signal: o.signal };
      const outcome = (changeSummary: unknown): RunOutcome => ({
        operation,
        route: route.route,
        changeSummary: changeSummary as Record<string, number> | undefined,
      });
      if (operation === 'preview')
        return outcome((await s.preview({ ...common, plan: o.planFile, policyPacks: o.policyPacks, refresh: o.refresh })).changeSummary);
      if (o.previewOnly && operation === 'refresh')
        return outcome((await s.previewRefresh({ ...common, clearPendingCreates: o.clearPendingCreates })).changeSummary);
      if (o.previewOnly && operation === 'destroy') return outcome((await s.previewDestroy({ ...common })).changeSummary);
      // up / refresh / destroy: over when the engine is (operationEnd.ts), not after the reads
      // the Automation API makes for its return value.
      const end = new OperationEnd(operation, stack);
      this.commandListeners.add(end.onCommand);
      const context = { ended: false };
      void end.ended.then(() => (context.ended = true));
      // OpsDeck's own handlers run outside the call's context: what they start is not a read-back.
      const outside = this.engineEnded.exit.bind(this.engineEnded);
      const watched = {
        ...common,
        onOutput: o.onOutput && ((text: string) => outside(() => o.onOutput!(text))),
        onEvent: ((e: EngineEventLike) => {
          end.see(e);
          outside(() => onEvent(e));
        }) as never,
      };
      const full: Promise<RunOutcome> = this.engineEnded.run(context, async () => {
        const r =
          operation === 'up'
            ? await s.up({ ...watched, plan: o.planFile, policyPacks: o.policyPacks, refresh: o.refresh })
            : operation === 'refresh'
              ? await s.refresh({ ...watched, clearPendingCreates: o.clearPendingCreates })
              : await s.destroy({ ...watched });
        // Without a history read-back (answered empty once the engine ended) there is no summary here.
        return outcome(r.summary?.resourceChanges ?? end.summary?.resourceChanges);
      });
      try {
        const first = await Promise.race([full, end.ended.then(() => undefined)]);
        if (first) return first;
        // The engine is done; the follow-up reads run on, and the next run on this stack waits for them.
        const tail = full.then(
          () => undefined,
          (e: unknown) =>
            o.onNote?.(
              `the Automation API's read-back after ${operation} failed (the ${operation} itself succeeded; the tree re-reads the stack): ${String((e as Error)?.message ?? e).split('\n')[0]}`,
            ),
        );
        this.tails.set(stack, tail);
        void tail.finally(() => {
          if (this.tails.get(stack) === tail) this.tails.delete(stack);
        });
        return outcome(end.summary?.resourceChanges);
      } finally {
        this.commandListeners.delete(end.onCommand);
      }
    });
  }
}
