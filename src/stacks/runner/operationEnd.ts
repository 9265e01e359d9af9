// When is an update over? The Automation API's Stack.up / refresh / destroy resolve only after
// reading back what they return: `pulumi stack output` twice (masked, then with secrets) and
// `pulumi stack history --page-size 1`, three more CLI processes after the engine has finished.
// Measured on a small stack that was +50% wall time over `pulumi up`, for values OpsDeck takes
// from the engine's own events (the summary event) and from the tree's refresh. So OpsDeck calls
// an operation over when its own CLI process has exited successfully and the engine's event
// stream has been read to its end (the `cancelEvent` that closes every stream); the follow-up
// reads finish in the background. If either never shows (an Automation API that works another
// way), the operation simply ends when the Automation API's promise does.
import { EngineEventLike } from '../model/engineEvents';

/** The slice of PulumiCommand OpsDeck relies on. */
export interface CommandLike {
  run(args: string[], cwd: string, additionalEnv: Record<string, string>, ...rest: unknown[]): Promise<unknown>;
}

export type CommandListener = (args: readonly string[], ok: boolean) => void;

/** Wraps a PulumiCommand so listeners hear about each CLI process that ends; everything else passes through. */
export function observeCommand<T extends CommandLike>(cmd: T, listeners: Set<CommandListener>): T {
  return new Proxy(cmd, {
    get(target, prop, receiver) {
      if (prop !== 'run') return Reflect.get(target, prop, receiver) as unknown;
      return (args: string[], cwd: string, env: Record<string, string>, ...rest: unknown[]) => {
        const p = target.run(args, cwd, env, ...rest);
        const tell = (ok: boolean) => {
          for (const l of [...listeners]) l(args, ok);
        };
        p.then(
          () => tell(true),
          () => tell(false),
        );
        return p;
      };
    },
  });
}

/**
 * What the Automation API reads back once up / refresh / destroy has finished: `Stack.outputs()`
 * (`pulumi stack output --json`, then again with `--show-secrets`) and `Stack.info()` (`pulumi stack
 * history --json --page-size 1`). OpsDeck takes the same facts from the engine's events, so once the
 * engine has ended these get an empty answer instead of three more CLI processes, which on a
 * 2-resource stack took 0.8 s and which the next operation on the stack had to wait for
 * (bench/README.md, preview overhead). Undefined: not a read-back, run it.
 */
export function readBackAnswer(args: readonly string[]): string | undefined {
  if (args[0] !== 'stack' || !args.includes('--json')) return undefined;
  // All outputs (no output name among the arguments): an object of them.
  const named = args.slice(2).some((a, i, rest) => !a.startsWith('-') && !/^--(stack|cwd)$/.test(rest[i - 1] ?? ''));
  if (args[1] === 'output' && !named) return '{}';
  if (args[1] === 'history' && args[args.indexOf('--page-size') + 1] === '1') return '[]';
  return undefined;
}

/**
 * Wraps a PulumiCommand so that, while `skip()` says the engine has ended, the Automation API's
 * read-backs (readBackAnswer) are answered without running the CLI; everything else passes through.
 */
export function skipReadBacks<T extends CommandLike>(cmd: T, skip: () => boolean): T {
  return new Proxy(cmd, {
    get(target, prop, receiver) {
      if (prop !== 'run') return Reflect.get(target, prop, receiver) as unknown;
      return (args: string[], cwd: string, env: Record<string, string>, ...rest: unknown[]) => {
        const answer = skip() ? readBackAnswer(args) : undefined;
        if (answer !== undefined) return Promise.resolve({ stdout: answer, stderr: '', code: 0, err: undefined });
        return target.run(args, cwd, env, ...rest);
      };
    },
  });
}

/** `--stack <name>` as the Automation API appends it. */
function stackOf(args: readonly string[]): string | undefined {
  const i = args.indexOf('--stack');
  return i >= 0 ? args[i + 1] : undefined;
}

/**
 * Watches one operation on one stack: `ended` resolves once the CLI process running `operation`
 * for `stack` exited successfully and the event stream reached its closing event.
 */
export class OperationEnd {
  private processDone = false;
  private streamDone = false;
  private resolve!: () => void;
  readonly ended: Promise<void>;
  /** The engine's closing summary: the counts of what changed. */
  summary?: EngineEventLike['summaryEvent'];

  constructor(
    private readonly operation: string,
    private readonly stack: string,
  ) {
    this.ended = new Promise((r) => (this.resolve = r));
  }

  readonly onCommand: CommandListener = (args, ok) => {
    if (ok && args[0] === this.operation && stackOf(args) === this.stack) {
      this.processDone = true;
      this.check();
    }
  };

  see(e: EngineEventLike): void {
    if (e.summaryEvent) this.summary = e.summaryEvent;
    if (e.cancelEvent) {
      this.streamDone = true;
      this.check();
    }
  }

  private check(): void {
    if (this.processDone && this.streamDone) this.resolve();
  }
}
