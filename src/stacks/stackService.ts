// Per-project Pulumi sessions and a cache of what the tree shows (stacks, state, outputs, config,
// history), invalidated by operations and setting changes. The passphrase comes from
// SecretStorage (asked for once) or from the environment, per `opsdeck.pulumi.passphraseSource`.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { Result, err, ok } from '../shared/result';
import { DiscoveredProject } from './discovery';
import { Failure } from './model/failures';
import { needsPassphrase } from './model/pulumiEnv';
import { StateIndex } from './model/stateTree';
import { withYamlSources } from './model/yamlSource';
import { UpdateSummaryLike } from './model/history';
import { SecretMasker, looksLikeSecretKey } from './model/masking';
import { PulumiSettings } from './config';
import { PulumiProjectSession, StackSummaryLike } from './runner/session';

export interface StackRef {
  project: DiscoveredProject;
  stack: string;
}

export function stackKey(project: { dir: string }, stack: string): string {
  return `${project.dir}#${stack}`;
}

type Cached<T> = Promise<Result<T, Failure>>;

export class StackService implements vscode.Disposable {
  private readonly sessions = new Map<string, PulumiProjectSession>();
  private readonly stacksCache = new Map<string, Cached<StackSummaryLike[]>>();
  private readonly stateCache = new Map<string, Cached<StateIndex>>();
  private readonly outputsCache = new Map<string, Cached<Record<string, { value: unknown; secret: boolean }>>>();
  private readonly configCache = new Map<string, Cached<Record<string, { value: string; secret?: boolean }>>>();
  private readonly historyCache = new Map<string, Cached<UpdateSummaryLike[]>>();
  private readonly passphrases = new Map<string, string>();
  /** Every secret value OpsDeck knows (config, outputs, passphrases, secret env): masked in all logs (see model/masking.ts). */
  readonly masker = new SecretMasker();
  /** Per stack config file: the size and mtime when its secrets were last learned. */
  private readonly learned = new Map<string, string>();

  constructor(
    private readonly settings: PulumiSettings,
    private readonly secrets: vscode.SecretStorage,
    private readonly storageDir: string,
    private readonly isTrusted: () => boolean = () => vscode.workspace.isTrusted,
  ) {}

  mask(text: string): string {
    return this.masker.mask(text);
  }

  /**
   * Before every operation: learns the secrets that could show up in its output, so the first run
   * in a fresh window masks them too: the stack's secret config values (read with --show-secrets
   * into memory only, and only when Pulumi.<stack>.yaml holds secure values and changed since the
   * last read), `opsdeck.pulumi.env` values whose names look secret, and a passphrase from the
   * environment (by context only: see masking.ts).
   */
  async learnSecrets(ref: StackRef): Promise<void> {
    for (const [k, v] of Object.entries(this.settings.env)) if (looksLikeSecretKey(k)) this.masker.add(v, { key: k });
    const envPass = this.settings.env.PULUMI_CONFIG_PASSPHRASE ?? process.env.PULUMI_CONFIG_PASSPHRASE;
    if (envPass) this.masker.add(envPass, { key: 'PULUMI_CONFIG_PASSPHRASE', contextOnly: true });
    const passFile = this.settings.env.PULUMI_CONFIG_PASSPHRASE_FILE ?? process.env.PULUMI_CONFIG_PASSPHRASE_FILE;
    if (passFile) {
      try {
        const st = await fs.promises.stat(passFile);
        if (st.isFile() && st.size < 64 * 1024)
          this.masker.add((await fs.promises.readFile(passFile, 'utf8')).replace(/\r?\n$/, ''), {
            key: 'PULUMI_CONFIG_PASSPHRASE',
            contextOnly: true,
          });
      } catch {
        /* the CLI will say what is wrong with it */
      }
    }
    const file = path.join(ref.project.dir, `Pulumi.${ref.stack.split('/').pop()}.yaml`);
    let stamp: string;
    let text: string;
    try {
      const st = await fs.promises.stat(file);
      if (st.size > 4 * 1024 * 1024) return;
      text = await fs.promises.readFile(file, 'utf8');
      stamp = `${st.size}:${st.mtimeMs}`;
    } catch {
      return; // no stack config file: no secret config
    }
    const k = stackKey(ref.project, ref.stack);
    if (!/\bsecure\s*:/.test(text) || this.learned.get(k) === stamp) return;
    const r = await this.session(ref.project).config(ref.stack);
    if (!r.ok) return;
    for (const [key, c] of Object.entries(r.value)) if (c.secret) this.masker.add(c.value, { key });
    this.learned.set(k, stamp);
  }

  private runnerSettings(project: DiscoveredProject) {
    const extra = this.settings.env;
    const pass = this.settings.passphraseSource === 'secretStorage' ? this.passphrases.get(project.dir) : undefined;
    return {
      cliPath: this.settings.cliPath,
      env: extra,
      route: this.settings.programRoute,
      passphrase: pass,
      cacheDir: path.join(this.storageDir, 'cli-root'),
    };
  }

  session(project: DiscoveredProject): PulumiProjectSession {
    const p = project.parsed.ok ? project.parsed.value : undefined;
    let s = this.sessions.get(project.dir);
    if (!s) {
      s = new PulumiProjectSession(
        {
          dir: project.dir,
          name: p?.name ?? path.basename(project.dir),
          runtime: p?.runtime ?? 'nodejs',
          main: p?.main,
          backendUrl: p?.backendUrl,
        },
        this.runnerSettings(project),
        this.isTrusted,
      );
      this.sessions.set(project.dir, s);
    } else s.updateSettings(this.runnerSettings(project));
    return s;
  }

  private secretKey(project: DiscoveredProject): string {
    return `opsdeck.pulumi.passphrase:${project.dir}`;
  }

  /** True when the backend needs a passphrase and none is known (secret storage, environment, this window). */
  async passphraseMissing(project: DiscoveredProject): Promise<boolean> {
    if (this.settings.passphraseSource === 'environment') return false;
    if (this.passphrases.has(project.dir)) return false;
    const stored = await this.secrets.get(this.secretKey(project));
    if (stored !== undefined) {
      this.remember(project, stored);
      return false;
    }
    const env = { ...(process.env as Record<string, string>), ...this.settings.env };
    const backend = project.parsed.ok ? project.parsed.value.backendUrl : undefined;
    return needsPassphrase(backend && !env.PULUMI_BACKEND_URL ? { ...env, PULUMI_BACKEND_URL: backend } : env);
  }

  /** Makes sure a passphrase is available when the backend needs one; asks when interactive. */
  async ensurePassphrase(project: DiscoveredProject, interactive: boolean, stack?: string): Promise<boolean> {
    if (!(await this.passphraseMissing(project))) return true;
    if (!interactive) return false;
    return this.promptPassphrase(project, stack);
  }

  /** Projects whose passphrase this window asked for already (the tree asks once; then its rows offer it). */
  private readonly askedPassphrase = new Set<string>();
  private readonly asking = new Map<string, Promise<boolean>>();

  askedForPassphrase(project: DiscoveredProject): boolean {
    return this.askedPassphrase.has(project.dir);
  }

  /**
   * The prompt, named by project and stack (not the folder). One at a time per project: expanding
   * Outputs and Config together asks once. Escape answers "not now": nothing else pops up.
   */
  promptPassphrase(project: DiscoveredProject, stack?: string): Promise<boolean> {
    let p = this.asking.get(project.dir);
    if (p) return p;
    this.askedPassphrase.add(project.dir);
    const name = project.parsed.ok ? project.parsed.value.name : path.basename(project.dir);
    p = (async () => {
      const value = await vscode.window.showInputBox({
        title: `Pulumi passphrase for ${name}${stack ? ` (stack ${stack.split('/').pop()})` : ''}`,
        prompt: `The passphrase that encrypts the secrets of project "${name}"${stack ? `, stack "${stack}"` : ''}. OpsDeck keeps it in VS Code's secret storage and never logs it. Escape: not now (the Stacks view offers it again).`,
        password: true,
        ignoreFocusOut: true,
      });
      if (value === undefined) return false;
      await this.setPassphrase(project, value);
      return true;
    })().finally(() => this.asking.delete(project.dir));
    this.asking.set(project.dir, p);
    return p;
  }

  async setPassphrase(project: DiscoveredProject, value: string): Promise<void> {
    await this.secrets.store(this.secretKey(project), value);
    this.remember(project, value);
    this.invalidate(project);
  }

  /** A rollback worktree uses the passphrase of the project it was checked out from. */
  async sharePassphrase(from: DiscoveredProject, to: DiscoveredProject): Promise<void> {
    await this.ensurePassphrase(from, false);
    const v = this.passphrases.get(from.dir);
    if (v !== undefined) this.remember(to, v);
  }

  async clearPassphrase(project: DiscoveredProject): Promise<void> {
    await this.secrets.delete(this.secretKey(project));
    this.passphrases.delete(project.dir);
    this.invalidate(project);
  }

  private remember(project: DiscoveredProject, value: string): void {
    this.passphrases.set(project.dir, value);
    // The CLI never prints the passphrase: masked only where it stands as the value of a passphrase key.
    this.masker.add(value, { key: 'PULUMI_CONFIG_PASSPHRASE', contextOnly: true });
    this.sessions.get(project.dir)?.updateSettings(this.runnerSettings(project));
  }

  private cached<T>(map: Map<string, Cached<T>>, key: string, load: () => Cached<T>): Cached<T> {
    let v = map.get(key);
    if (!v) {
      v = load();
      map.set(key, v);
      // Failures are not cached: the next expand tries again (after the user fixed something).
      void v.then((r) => {
        if (!r.ok && map.get(key) === v) map.delete(key);
      });
    }
    return v;
  }

  stacks(project: DiscoveredProject): Cached<StackSummaryLike[]> {
    return this.cached(this.stacksCache, project.dir, async () => {
      const r = await this.session(project).listStacks();
      return r.ok ? ok([...r.value].sort((a, b) => a.name.localeCompare(b.name))) : r;
    });
  }

  state(ref: StackRef): Cached<StateIndex> {
    return this.cached(this.stateCache, stackKey(ref.project, ref.stack), async () => {
      const started = performance.now();
      const r = await this.session(ref.project).stateIndex(ref.stack);
      if (!r.ok) return r;
      const idx = await this.withProgramSources(ref.project, r.value);
      this.stateReadMs.set(stackKey(ref.project, ref.stack), performance.now() - started);
      this.loadedStates.set(stackKey(ref.project, ref.stack), idx);
      this.counted.set(stackKey(ref.project, ref.stack), idx.counted);
      return ok(idx);
    });
  }

  /** A YAML program's resources get their line in Pulumi.yaml (its host records no position in the state). */
  private async withProgramSources(project: DiscoveredProject, idx: StateIndex): Promise<StateIndex> {
    if (!project.parsed.ok || project.parsed.value.runtime !== 'yaml') return idx;
    try {
      const text = await fs.promises.readFile(project.fileUri.fsPath, 'utf8');
      return withYamlSources(idx, text, path.basename(project.fileUri.fsPath));
    } catch {
      return idx; // unreadable now: the tree says there is no source, as before
    }
  }

  outputs(ref: StackRef): Cached<Record<string, { value: unknown; secret: boolean }>> {
    return this.cached(this.outputsCache, stackKey(ref.project, ref.stack), async () => {
      const r = await this.session(ref.project).outputs(ref.stack);
      if (r.ok) for (const [key, o] of Object.entries(r.value)) if (o.secret) this.masker.add(o.value, { key });
      return r;
    });
  }

  config(ref: StackRef): Cached<Record<string, { value: string; secret?: boolean }>> {
    return this.cached(this.configCache, stackKey(ref.project, ref.stack), async () => {
      const r = await this.session(ref.project).config(ref.stack);
      if (r.ok) for (const [key, c] of Object.entries(r.value)) if (c.secret) this.masker.add(c.value, { key });
      return r;
    });
  }

  history(ref: StackRef): Cached<UpdateSummaryLike[]> {
    return this.cached(this.historyCache, stackKey(ref.project, ref.stack), () => this.session(ref.project).history(ref.stack));
  }

  /** Forgets cached data of one stack (or of the whole project). */
  invalidate(project: DiscoveredProject, stack?: string): void {
    if (stack === undefined) {
      this.stacksCache.delete(project.dir);
      for (const m of [this.stateCache, this.outputsCache, this.configCache, this.historyCache]) {
        for (const k of [...m.keys()]) if (k.startsWith(`${project.dir}#`)) m.delete(k);
      }
      return;
    }
    const k = stackKey(project, stack);
    this.stacksCache.delete(project.dir);
    for (const m of [this.stateCache, this.outputsCache, this.configCache, this.historyCache]) m.delete(k);
  }

  /** Forgets only the loaded state of a stack (the next expand re-reads it), e.g. while an update runs. */
  invalidateState(project: DiscoveredProject, stack: string): void {
    this.stateCache.delete(stackKey(project, stack));
  }

  invalidateAll(): void {
    for (const m of [this.stacksCache, this.stateCache, this.outputsCache, this.configCache, this.historyCache]) m.clear();
  }

  /** The state index of a stack if it is already loaded (no CLI call). */
  peekState(key: string): { sourceOf(urn: string): { file: string; line: number; column?: number } | undefined } | undefined {
    const p = this.loadedStates.get(key);
    if (!p) return undefined;
    return { sourceOf: (urn) => p.sources.get(urn) };
  }

  private readonly loadedStates = new Map<string, StateIndex>();
  /** How long the last state read of each stack took (read, index, sources), in ms. */
  private readonly stateReadMs = new Map<string, number>();

  /** The last state read's duration for a stack (0 if never read): re-reads during an update are spaced by it. */
  lastStateReadMs(key: string): number {
    return this.stateReadMs.get(key) ?? 0;
  }
  /** Resources under the counting rule per stack, from the last state read; forgotten with the state. */
  private readonly counted = new Map<string, number>();

  /** The stack's resource count (model/resourceCount.ts) if its state is loaded and current (no CLI call). */
  peekCount(key: string): number | undefined {
    return this.stateCache.has(key) ? this.counted.get(key) : undefined;
  }

  failureFor(message: string): Result<never, Failure> {
    return err({ kind: 'unknown', message, remedy: '', locations: [], detail: message });
  }

  dispose(): void {
    this.invalidateAll();
    // Whatever an operation still runs (a CLI, its plugins, an inline worker) ends with the extension.
    for (const s of this.sessions.values()) void s.dispose();
    this.sessions.clear();
  }
}
