// The inline route's worker: a Node process forked by the extension host for one operation. The
// project's program runs here as an Automation API inline program (LocalWorkspace with `program`),
// so workspace code never runs in the shared extension host: process-wide handlers the Pulumi
// runtime installs, a program that throws asynchronously or calls process.exit, all stay in this
// process. Engine events, output and the result go back over IPC (inlineProtocol.ts). Bundled to
// dist/inlineWorker.js (scripts/build.mjs).
import { createRequire } from 'module';
import * as path from 'path';
import { EngineEventLike } from '../model/engineEvents';
import { loadAutomation } from './automationLoader';
import { makeInlineProgram } from './inlineProgram';
import { FromWorker, InlineStart, ToWorker, WorkerError } from './inlineProtocol';
import { CommandLike, CommandListener, OperationEnd, observeCommand, skipReadBacks } from './operationEnd';

const abort = new AbortController();
let started = false;

/** Sends to the host; resolves once the message is handed to the channel (so exiting after it loses nothing). */
function send(m: FromWorker): Promise<void> {
  return new Promise((resolve) => {
    try {
      if (!process.send || !process.connected) return resolve();
      process.send(m, undefined, {}, () => resolve());
    } catch {
      resolve(); // the host is gone
    }
  });
}

function describeError(e: unknown): WorkerError {
  const x = e as { name?: string; message?: string; stack?: string; commandResult?: { stderr?: string } };
  return {
    name: x?.name ?? (e as Error)?.constructor?.name,
    message: String(x?.message ?? e),
    stderr: x?.commandResult?.stderr,
    stack: typeof x?.stack === 'string' ? x.stack : undefined,
  };
}

// An error nobody caught: the host hears about it. While an operation runs, the Pulumi runtime has
// its own handlers that fail the run properly; with none but this one, the process ends as Node would.
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (e: unknown) => {
    const sent = send({ type: 'uncaught', error: describeError(e) });
    if (process.listenerCount(event) <= 1) void sent.then(() => process.exit(70));
  });
}
// The host went away: stop the CLI (the abort signal interrupts it) and leave.
process.on('disconnect', () => {
  abort.abort();
  setTimeout(() => process.exit(1), 5000).unref();
});
process.on('message', (m: ToWorker) => {
  if (m?.type === 'cancel') abort.abort();
  else if (m?.type === 'preload' && !started) {
    try {
      loadAutomation(m.workDir); // cached for the operation that follows
    } catch {
      /* the operation reports it */
    }
  } else if (m?.type === 'start' && !started) {
    started = true;
    void runOperation(m)
      .catch((e: unknown) => send({ type: 'result', ok: false, error: describeError(e) }))
      .then(() => send({ type: 'done' }))
      .then(() => process.exit(0));
  }
});

type Auto = ReturnType<typeof loadAutomation>;

async function pulumiCommand(auto: Auto, m: InlineStart): Promise<CommandLike> {
  // The host has already asked `pulumi version`; building the command from it saves a CLI call.
  if (m.cliVersion && m.pulumiDir) {
    try {
      const semver = createRequire(path.join(m.pulumiDir, 'package.json'))('semver') as { SemVer: new (v: string) => unknown };
      const Ctor = auto.PulumiCommand as unknown as new (command: string, version: unknown) => CommandLike;
      return new Ctor(path.join(m.cliRoot, 'bin', 'pulumi'), new semver.SemVer(m.cliVersion));
    } catch {
      /* fall back to asking the CLI */
    }
  }
  return (await auto.PulumiCommand.get({ root: m.cliRoot })) as unknown as CommandLike;
}

async function runOperation(m: InlineStart): Promise<void> {
  const auto = loadAutomation(m.workDir);
  const listeners = new Set<CommandListener>();
  // This process runs one operation: once its engine has ended, the read-backs get an empty answer.
  let engineEnded = false;
  const cmd = skipReadBacks(
    observeCommand(await pulumiCommand(auto, m), listeners),
    () => engineEnded,
  ) as unknown as import('@pulumi/pulumi/automation').PulumiCommand;
  const program = makeInlineProgram(m.workDir, m.main, m.pulumiDir);
  const ws = await auto.LocalWorkspace.create({ workDir: m.workDir, pulumiCommand: cmd, envVars: m.envVars, program });
  // Stack.select runs `pulumi stack select` (a CLI process, ~0.5 s here) only to check the stack
  // exists; every operation passes --stack itself and fails clearly when it does not.
  const noSelect = new Proxy(ws, {
    get: (t, p, r) => (p === 'selectStack' ? () => Promise.resolve() : (Reflect.get(t, p, r) as unknown)),
  });
  const s = await auto.Stack.select(m.stack, noSelect);
  const common = {
    onEvent: ((e: EngineEventLike) => send({ type: 'event', event: e })) as never,
    onOutput: (text: string) => send({ type: 'output', text }),
    signal: abort.signal,
  };
  const result = (changeSummary: unknown) =>
    void send({ type: 'result', ok: true, changeSummary: changeSummary as Record<string, number> });
  if (m.operation === 'preview')
    return result((await s.preview({ ...common, plan: m.planFile, policyPacks: m.policyPacks, refresh: m.refresh })).changeSummary);
  if (m.previewOnly && m.operation === 'refresh')
    return result((await s.previewRefresh({ ...common, clearPendingCreates: m.clearPendingCreates })).changeSummary);
  if (m.previewOnly && m.operation === 'destroy') return result((await s.previewDestroy({ ...common })).changeSummary);
  // up / refresh / destroy: over when the engine is (operationEnd.ts); the Automation API's
  // read-backs afterwards start no CLI process (skipReadBacks above).
  const end = new OperationEnd(m.operation, m.stack);
  listeners.add(end.onCommand);
  void end.ended.then(() => (engineEnded = true));
  const watched = {
    ...common,
    onEvent: ((e: EngineEventLike) => {
      end.see(e);
      send({ type: 'event', event: e });
    }) as never,
  };
  const full = (async () => {
    const r =
      m.operation === 'up'
        ? await s.up({ ...watched, plan: m.planFile, policyPacks: m.policyPacks, refresh: m.refresh })
        : m.operation === 'refresh'
          ? await s.refresh({ ...watched, clearPendingCreates: m.clearPendingCreates })
          : await s.destroy({ ...watched });
    // Without a history read-back there is no summary here: the engine's summary event has it.
    return r.summary?.resourceChanges ?? end.summary?.resourceChanges;
  })();
  full.catch(() => undefined); // handled below; never an unhandled rejection while the engine races it
  let reported = false;
  void end.ended.then(() => {
    if (reported) return;
    reported = true;
    result(end.summary?.resourceChanges);
  });
  try {
    const changes = await full;
    if (!reported) {
      reported = true;
      result(changes);
    }
  } catch (e) {
    if (!reported) throw e;
    send({
      type: 'note',
      text: `the Automation API's read-back after ${m.operation} failed (the ${m.operation} itself succeeded; the tree re-reads the stack): ${describeError(e).message.split('\n')[0]}`,
    });
  }
}
