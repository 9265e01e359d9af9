// One Pulumi project as seen through the Automation API: its stacks, their state, outputs, config
// and history, and the operations. Free of `vscode`: settings, the passphrase and the log arrive as
// plain values, so the same runner serves the extension and the benchmarks. Results are tagged
// unions carrying an explained Failure.
import * as os from 'os';
import * as path from 'path';
import { Result, ok, err } from '../../shared/result';
import { EngineEventLike, OperationKind } from '../model/engineEvents';
import { Failure, explainFailure } from '../model/failures';
import { buildPulumiEnv } from '../model/pulumiEnv';
import { StateDeployment } from '../model/stateTree';
import { UpdateSummaryLike } from '../model/history';
import { Automation, loadAutomation, resolvePulumiPackageDir } from './automationLoader';
import { CliLocation, languageHostFor, locateCli } from './cliLocator';
import { makeInlineProgram } from './inlineProgram';
import { BackendLock, readFileBackendHistory, readFileBackendLocks, readFileBackendState } from './fileBackend';
import { CommandListener, CommandLike, OperationEnd, observeCommand } from './operationEnd';

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
  /** refresh / destroy: only preview them (previewRefresh / previewDestroy). */
  previewOnly?: boolean;
  /** refresh: drop pending creates left by an interrupted update (`--clear-pending-creates`). */
  clearPendingCreates?: boolean;
  /** Notes about the run worth a log line (not engine output). */
  onNote?: (text: string) => void;
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
        : 'pulumi-language-nodejs was not found, so OpsDeck runs the program in-process through the Automation API (TypeScript is transpiled without type-checking)',
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

  constructor(
    readonly project: ProjectInfo,
    private settings: RunnerSettings,
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

  private wsPromise?: Promise<
    Result<{ auto: Automation; ws: import('@pulumi/pulumi/automation').LocalWorkspace; route: RouteInfo }, Failure>
  >;
  /** `Stack.select` runs `pulumi stack select`: done once per stack and workspace, not per operation. */
  private readonly selected = new Map<string, Promise<import('@pulumi/pulumi/automation').Stack>>();

  /** One LocalWorkspace per project and settings, reused by every call (creating one costs CLI calls). */
  private workspace(): Promise<
    Result<{ auto: Automation; ws: import('@pulumi/pulumi/automation').LocalWorkspace; route: RouteInfo }, Failure>
  > {
    if (!this.wsPromise) {
      const p = this.createWorkspace();
      this.wsPromise = p;
      void p.then((r) => {
        if (!r.ok && this.wsPromise === p) this.wsPromise = undefined;
      });
    }
    return this.wsPromise;
  }

  private stack(
    auto: Automation,
    ws: import('@pulumi/pulumi/automation').LocalWorkspace,
    name: string,
  ): Promise<import('@pulumi/pulumi/automation').Stack> {
    let p = this.selected.get(name);
    if (!p) {
      p = auto.Stack.select(name, ws);
      this.selected.set(name, p);
      p.catch(() => this.selected.delete(name));
    }
    return p;
  }

  private async createWorkspace(): Promise<
    Result<{ auto: Automation; ws: import('@pulumi/pulumi/automation').LocalWorkspace; route: RouteInfo }, Failure>
  > {
    const r = this.route();
    if (!r.ok) return r;
    try {
      this.auto ??= loadAutomation(this.project.dir);
      const auto = this.auto;
      this.commandPromise ??= auto.PulumiCommand.get({ root: this.cli!.root });
      const pulumiCommand = observeCommand(
        (await this.commandPromise) as CommandLike,
        this.commandListeners,
      ) as unknown as import('@pulumi/pulumi/automation').PulumiCommand;
      const program =
        r.value.route === 'inline'
          ? makeInlineProgram(this.project.dir, this.project.main, resolvePulumiPackageDir(this.project.dir))
          : undefined;
      const ws = await auto.LocalWorkspace.create({ workDir: this.project.dir, pulumiCommand, envVars: this.env(), program });
      return ok({ auto, ws, route: r.value });
    } catch (e) {
      this.commandPromise = undefined;
      return err(this.explain(e));
    }
  }

  explain(e: unknown, stack?: string): Failure {
    const ce = e as CommandErrorLike;
    return explainFailure({
      errorName: ce?.name ?? (e as Error)?.constructor?.name,
      errorMessage: ce?.message ?? String(e),
      stderr: ce?.commandResult?.stderr,
      diagnostics: this.diagnostics,
      stack,
      cliSetting: this.settings.cliPath,
    });
  }

  private async guarded<T>(
    stack: string | undefined,
    f: (ws: import('@pulumi/pulumi/automation').LocalWorkspace, auto: Automation, route: RouteInfo) => Promise<T>,
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

  private backendUrl(): string | undefined {
    return this.env().PULUMI_BACKEND_URL ?? process.env.PULUMI_BACKEND_URL ?? this.project.backendUrl;
  }

  exportState(stack: string): Promise<Result<StateDeployment, Failure>> {
    const fast = readFileBackendState(this.backendUrl(), this.project.name, stack);
    if (fast) return Promise.resolve(ok(fast));
    return this.guarded(stack, async (ws) => ((await ws.exportStack(stack)).deployment ?? {}) as StateDeployment);
  }

  /** Locks a file backend holds on the stack (undefined: not a file backend, nothing known). */
  locks(stack: string): BackendLock[] | undefined {
    return readFileBackendLocks(this.backendUrl(), this.project.name, stack);
  }

  outputs(stack: string): Promise<Result<Record<string, { value: unknown; secret: boolean }>, Failure>> {
    return this.guarded(stack, (ws) => ws.stackOutputs(stack));
  }

  config(stack: string): Promise<Result<Record<string, { value: string; secret?: boolean }>, Failure>> {
    return this.guarded(stack, (ws) => ws.getAllConfig(stack));
  }

  setConfig(stack: string, key: string, value: string, secret: boolean): Promise<Result<void, Failure>> {
    return this.guarded(stack, (ws) => ws.setConfig(stack, key, { value, secret }));
  }

  removeConfig(stack: string, key: string): Promise<Result<void, Failure>> {
    return this.guarded(stack, (ws) => ws.removeConfig(stack, key));
  }

  history(stack: string, pageSize?: number): Promise<Result<UpdateSummaryLike[], Failure>> {
    const fast = readFileBackendHistory(this.backendUrl(), this.project.name, stack, pageSize ?? 500);
    if (fast) return Promise.resolve(ok(fast));
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

  async run(operation: OperationKind, stack: string, o: RunOptions): Promise<Result<RunOutcome, Failure>> {
    this.diagnostics = [];
    const onEvent = (e: EngineEventLike) => {
      const d = e.diagnosticEvent;
      if (d && d.severity === 'error' && !d.ephemeral)
        this.diagnostics.push({ message: d.message, resource: d.urn ? d.urn.split('::').pop() : undefined });
      o.onEvent?.(e);
    };
    // The previous operation's follow-up reads first, so two runs on one stack never overlap.
    await this.tails.get(stack);
    const rt = this.route();
    const inlineRun = rt.ok && rt.value.route === 'inline' ? trackInlineRun() : undefined;
    try {
      return await this.runOn(operation, stack, o, onEvent);
    } finally {
      const removed = inlineRun?.end() ?? {};
      const total = Object.values(removed).reduce((a, b) => a + b, 0);
      const which = Object.entries(removed)
        .map(([e, n]) => `${e} ×${n}`)
        .join(', ');
      if (total) o.onNote?.(`removed ${total} process error handler(s) the Pulumi runtime left installed by this inline run (${which})`);
    }
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
      if (operation === 'preview') return outcome((await s.preview({ ...common, plan: o.planFile })).changeSummary);
      if (o.previewOnly && operation === 'refresh')
        return outcome((await s.previewRefresh({ ...common, clearPendingCreates: o.clearPendingCreates })).changeSummary);
      if (o.previewOnly && operation === 'destroy') return outcome((await s.previewDestroy({ ...common })).changeSummary);
      // up / refresh / destroy: over when the engine is (operationEnd.ts), not after the reads
      // the Automation API makes for its return value.
      const end = new OperationEnd(operation, stack);
      this.commandListeners.add(end.onCommand);
      const watched = {
        ...common,
        onEvent: ((e: EngineEventLike) => {
          end.see(e);
          onEvent(e);
        }) as never,
      };
      const full: Promise<RunOutcome> = (async () => {
        const r =
          operation === 'up'
            ? await s.up({ ...watched, plan: o.planFile })
            : operation === 'refresh'
              ? await s.refresh({ ...watched, clearPendingCreates: o.clearPendingCreates })
              : await s.destroy({ ...watched });
        return outcome(r.summary.resourceChanges);
      })();
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

// The inline route runs the program in this process, and each run leaves process-wide error handlers
// behind: measured in the host, 1–2 'uncaughtException' handlers per operation (not the language
// server's own pair, which it removes on its normal paths), plus that pair when the engine ends the
// run early (a killed CLI: the Run RPC never reaches its cleanup). A long-lived extension host
// collected them until Node warned about a listener leak. Once no inline operation is running, every
// handler added while operations ran belongs to a run that is over (each only records errors for its
// own run), so they are removed; the host's own handlers, present before, stay. While another inline
// run is in flight nothing is removed.
const PROCESS_EVENTS = ['uncaughtException', 'unhandledRejection'] as const;
let inFlight = 0;
let before: Map<string, Set<(...a: unknown[]) => void>> | undefined;
const emitter = process as unknown as NodeJS.EventEmitter;

export function trackInlineRun(): { end(): Record<string, number> } {
  if (inFlight++ === 0) before = new Map(PROCESS_EVENTS.map((e) => [e, new Set(emitter.listeners(e) as Array<(...a: unknown[]) => void>)]));
  let ended = false;
  return {
    end() {
      if (ended) return {};
      ended = true;
      if (--inFlight > 0 || !before) return {};
      const removed: Record<string, number> = {};
      for (const e of PROCESS_EVENTS) {
        const had = before.get(e)!;
        for (const l of emitter.listeners(e) as Array<(...a: unknown[]) => void>) {
          if (had.has(l)) continue;
          emitter.removeListener(e, l);
          removed[e] = (removed[e] ?? 0) + 1;
        }
      }
      before = undefined;
      return removed;
    },
  };
}
