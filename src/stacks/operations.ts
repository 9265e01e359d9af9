// Runs preview / up / refresh / destroy on one stack: one operation per stack, a progress
// notification with Cancel (the Automation API's abort signal → SIGINT to the CLI), a colour-free
// log, the change view filling in live, and the guard rails before deploy and destroy. A deploy
// applies exactly what its preview showed: the preview saves an update plan, the update applies
// it, and a changed program or config since the preview stops the deploy before it starts.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { ChangeModel, ChangeModelBuilder, changeCounts, countsLine, deployablePreview } from './model/changeModel';
import { EngineEventLike, OperationKind, malformedEvent } from './model/engineEvents';
import { formatEvent } from './model/eventLog';
import { Failure } from './model/failures';
import { programFingerprint } from './model/fingerprint';
import { removePlan } from './runner/plans';
import { maskViewState } from './model/maskView';
import { GuardAnswer, GuardQuestion, guardQuestion, judge } from './model/guard';
import { OperationGate } from './model/operationGate';
import { shortStackName } from './model/production';
import { ChangeViews, toViewState } from './changeView';
import { DiscoveredProject } from './discovery';
import { StackService, stackKey } from './stackService';
import { StacksTree } from './tree';
import { PulumiSettings } from './config';
import { RunOutcome } from './runner/session';
import { Result } from '../shared/result';
import type { RecordedOperation, StackOperationEvent } from '../operations/ports';
import { DriftReport, driftFromModel, driftLine } from './model/drift';
import { PolicyViolation, blockedMessage, packsForStack } from './model/policy';
import { REPAINT_MS, viewRepaintMs } from './model/repaintPace';
import { SourcePosition } from './model/stateTree';
import { DestroyList, destroyList, protectedMessage } from './model/destroyList';

/** Where a run's policy violations go besides the change view and the log (the Problems panel). */
export interface PolicySink {
  set(
    key: string,
    project: DiscoveredProject,
    stack: string,
    violations: readonly PolicyViolation[],
    sourceOf: (urn: string) => SourcePosition | undefined,
  ): void;
}

export interface ConfirmAnswers {
  /** Answers the modal ("Deploy"/"Destroy"). */
  yes: boolean;
  /** Answers "type the stack name" for production stacks. */
  typedName?: string;
  /** refresh: clear the pending creates a killed update left in the state (asked when absent). */
  clearPendingCreates?: boolean;
}

export interface OperationRequest {
  project: DiscoveredProject;
  stack: string;
  operation: OperationKind;
  /** Non-interactive answers; when absent the user is asked. The same checks apply either way. */
  confirm?: ConfirmAnswers;
  /**
   * How the user is asked when there are no answers: a modal (the default) or a notification with the
   * same question and button. The notification form serves a question that follows another one the
   * user just answered in a notification ("Roll back now"); the change view shows the preview either way.
   */
  guardPrompt?: 'modal' | 'notification';
  /** Wait for a running operation on the stack instead of refusing. */
  wait?: boolean;
  /** up: deploy the plan of the last preview instead of previewing again. */
  fromPreview?: boolean;
  /**
   * This up is a rollback of `project` (the request's project is a temporary worktree of an older
   * commit): events are reported under the real project, as a rollback. `record: false` when the
   * operations recorder started it itself (it records the rollback in the operation it belongs to).
   */
  rollbackOf?: { project: DiscoveredProject; version: number; record: boolean };
  /** refresh: only check for drift (a preview-only refresh that changes nothing); the result carries the drift. */
  driftCheck?: boolean;
  /** Who asked for a drift check: the schedule's checks stay quiet (no notification). */
  scheduled?: boolean;
  /** up: refresh first, so the preview shows (and the deploy puts back) what drifted in the cloud. */
  refreshFirst?: boolean;
}

export type OperationResult =
  | {
      status: 'succeeded';
      operation: OperationKind;
      stack: string;
      counts: string;
      changeSummary?: Record<string, number>;
      /** A drift check's findings. */
      drift?: DriftReport;
    }
  | { status: 'no-changes'; operation: OperationKind; stack: string }
  | { status: 'refused'; reason: string }
  | { status: 'failed'; failure: Failure }
  | { status: 'cancelled'; operation: OperationKind; stack: string };

interface RememberedPreview {
  planFile: string;
  fingerprint: string;
  model: ChangeModel;
  at: number;
}

export interface StackLog {
  line(text: string): void;
}

export class OperationRunner implements vscode.Disposable {
  private readonly previews = new Map<string, RememberedPreview>();
  private readonly operationEvents = new vscode.EventEmitter<StackOperationEvent>();
  /** The lifecycle of every preview / up / destroy / refresh / rollback (the operations recorder listens). */
  readonly onOperation = this.operationEvents.event;
  /** When each stack's running operation passed its guard (its "started" event), by event key. */
  private readonly startedAt = new Map<string, number>();

  constructor(
    private readonly service: StackService,
    private readonly gate: OperationGate,
    private readonly tree: StacksTree,
    private readonly views: ChangeViews,
    private readonly settings: PulumiSettings,
    private readonly log: StackLog,
    private readonly storageDir: string,
    private readonly hooks: { policy?: PolicySink; drift?: (key: string, report: DriftReport | undefined) => void } = {},
  ) {}

  dispose(): void {
    this.operationEvents.dispose();
  }

  /** Where the operation's events go: the real project for a rollback; none for an unrecorded one. */
  private eventTarget(req: OperationRequest): { key: string; projectDir: string; project: string } | undefined {
    if (req.rollbackOf && !req.rollbackOf.record) return undefined;
    const p = req.rollbackOf?.project ?? req.project;
    return { key: stackKey(p, req.stack), projectDir: p.dir, project: p.parsed.ok ? p.parsed.value.name : path.basename(p.dir) };
  }

  private emit(req: OperationRequest, make: (t: { key: string; projectDir: string; project: string }) => StackOperationEvent): void {
    const t = this.eventTarget(req);
    if (!t) return;
    try {
      this.operationEvents.fire(make(t));
    } catch (e) {
      // A listener's problem never stops the operation.
      this.log.line(`[${t.key}] operation event listener failed: ${(e as Error).message}`);
    }
  }

  private recordedOperation(req: OperationRequest): RecordedOperation | undefined {
    if (req.rollbackOf) return 'rollback';
    return req.operation === 'preview' ? undefined : req.operation;
  }

  private emitStarted(req: OperationRequest, model: ChangeModel | undefined): void {
    const operation = this.recordedOperation(req);
    const t = this.eventTarget(req);
    if (!operation || !t) return;
    const at = Date.now();
    this.startedAt.set(t.key, at);
    this.emit(req, (x) => ({ kind: 'started', ...x, stack: req.stack, at, operation, model, confirmed: true }));
  }

  private emitFinished(req: OperationRequest, result: OperationResult, model: ChangeModel | undefined): void {
    const operation = this.recordedOperation(req);
    const t = this.eventTarget(req);
    const started = t && this.startedAt.get(t.key);
    if (!operation || !t || started === undefined) return;
    this.startedAt.delete(t.key);
    const at = Date.now();
    this.emit(req, (x) => ({
      kind: 'finished',
      key: x.key,
      projectDir: x.projectDir,
      stack: req.stack,
      at,
      operation,
      result: result.status === 'refused' ? 'failed' : result.status,
      countsLine: result.status === 'succeeded' ? result.counts : model ? countsLine(changeCounts(model), false) : '',
      durationMs: at - started,
      failure:
        result.status === 'failed'
          ? this.service.mask(result.failure.message)
          : result.status === 'refused'
            ? this.service.mask(result.reason)
            : undefined,
    }));
  }

  /**
   * The policy packs a preview or up of this stack runs with (absolute folders), from
   * opsdeck.pulumi.policyPacks of the project's workspace folder; a bad entry or a folder that is
   * not a policy pack stops the operation with what and where.
   */
  policyPacksFor(project: DiscoveredProject, stack: string): { ok: true; packs: string[] } | { ok: false; reason: string } {
    const uri = vscode.Uri.file(project.dir);
    const { entries, problems } = new PulumiSettings(uri).policyPacks;
    if (problems.length)
      return {
        ok: false,
        reason: `Setting ${problems[0]!.where} ${problems[0]!.message}. Fix it in the workspace settings, then run the operation again.`,
      };
    const base = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? project.dir;
    const packs: string[] = [];
    for (const p of packsForStack(entries, stack)) {
      const abs = path.resolve(base, p.replace(/^~(?=\/|$)/, process.env.HOME ?? '~'));
      if (!fs.existsSync(path.join(abs, 'PulumiPolicy.yaml')))
        return {
          ok: false,
          reason: `Setting opsdeck.pulumi.policyPacks names "${p}", but ${abs} is not a policy pack (it has no PulumiPolicy.yaml). Fix the folder in the setting, or remove the entry.`,
        };
      packs.push(abs);
    }
    return { ok: true, packs };
  }

  hasPreview(key: string): boolean {
    return this.previews.has(key);
  }

  /** Per running operation: aborted by a second Cancel, which kills instead of interrupting. */
  private readonly kills = new Map<string, AbortController>();

  /**
   * Cancel: the first asks the CLI to stop (SIGINT: the engine finishes the steps in flight and
   * records them); a second one, while that is still going on, ends the CLI, its plugins and the
   * inline worker at once (steps in flight are then left pending, as after a crash).
   */
  cancel(key: string): boolean {
    const op = this.gate.get(key);
    if (!op) return false;
    if (!op.abort.signal.aborted) {
      this.log.line(`[${key}] cancel requested: interrupting ${op.operation} (cancel again to end its processes at once)`);
      op.abort.abort();
    } else {
      this.log.line(`[${key}] cancel requested again: ending the Pulumi CLI and the processes it started`);
      this.kills.get(key)?.abort();
    }
    return true;
  }

  /** The refusal for an untrusted workspace, before anything about the project is read. */
  refuseUntrusted(label: string, interactive: boolean): OperationResult {
    this.log.line(`[${label}] refused: ${UNTRUSTED_OPERATIONS}`);
    if (interactive) void vscode.window.showWarningMessage(UNTRUSTED_OPERATIONS);
    return { status: 'refused', reason: UNTRUSTED_OPERATIONS };
  }

  async run(req: OperationRequest): Promise<OperationResult> {
    const key = stackKey(req.project, req.stack);
    if (!vscode.workspace.isTrusted) return this.refuse(UNTRUSTED_OPERATIONS, req);
    if (!req.project.parsed.ok) return this.refuse(req.project.parsed.error.message, req);
    let acquired = this.gate.tryAcquire(key, req.operation);
    if (!acquired.ok && req.wait) {
      this.log.line(`[${key}] waiting for the running ${acquired.running.operation} to finish`);
      await this.gate.whenIdle(key);
      acquired = this.gate.tryAcquire(key, req.operation);
    }
    if (!acquired.ok) return this.refuse(acquired.message, req);
    const { release, op } = acquired;
    this.kills.set(key, new AbortController());
    try {
      if (!(await this.service.ensurePassphrase(req.project, !req.confirm, req.stack))) {
        // Escape at the prompt: no toast that would outlive a later success; a passing status-bar
        // note, and the Stacks view's rows offer Set Pulumi Passphrase.
        const reason = 'This stack needs a passphrase for its secrets. Run "OpsDeck: Set Pulumi Passphrase".';
        this.log.line(`[${key}] refused: ${reason}`);
        if (!req.confirm)
          vscode.window.setStatusBarMessage(
            `$(key) ${req.operation} of "${req.stack}" not started: no passphrase given (Set Pulumi Passphrase)`,
            10_000,
          );
        return { status: 'refused', reason };
      }
      // What this run could print in clear, learned before it starts (a fresh window knows nothing yet).
      await this.service.learnSecrets({ project: req.project, stack: req.stack });
      return await vscode.window.withProgress(
        {
          location: req.scheduled ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification,
          title: `OpsDeck: ${req.operation} ${req.stack}`,
          cancellable: true,
        },
        async (progress, token) => {
          token.onCancellationRequested(() => op.abort.abort());
          const report = (message: string) => progress.report({ message });
          const result = await this.runInner(req, key, op.abort.signal, report).catch((e: unknown) => {
            this.emitFinished(req, { status: 'refused', reason: (e as Error).message }, this.lastModel.get(key));
            throw e;
          });
          this.emitFinished(req, result, this.lastModel.get(key));
          return result;
        },
      );
    } finally {
      this.lastModel.delete(key);
      this.kills.delete(key);
      release();
      clearTimeout(this.resourceTimers.get(key));
      this.resourceTimers.delete(key);
      this.tree.setProgress(key, undefined);
      this.service.invalidate(req.project, req.stack);
      this.tree.refresh();
    }
  }

  private refuse(reason: string, req: OperationRequest): OperationResult {
    this.log.line(`[${stackKey(req.project, req.stack)}] refused: ${reason}`);
    if (!req.confirm) void vscode.window.showWarningMessage(this.service.mask(reason));
    return { status: 'refused', reason };
  }

  private planFile(key: string): string {
    const dir = path.join(this.storageDir, 'plans');
    fs.mkdirSync(dir, { recursive: true });
    return path.join(dir, `${createHash('sha256').update(key).digest('hex').slice(0, 16)}-${Date.now()}.json`);
  }

  private routeNote(req: OperationRequest): string | undefined {
    const r = this.service.session(req.project).route();
    return r.ok
      ? `Program route: ${r.value.route === 'inline' ? 'inline (Automation API program in a separate Node process)' : 'on disk (Pulumi language host)'} — ${r.value.reason}.`
      : undefined;
  }

  private async runInner(req: OperationRequest, key: string, signal: AbortSignal, report: (m: string) => void): Promise<OperationResult> {
    const projectLabel = req.project.parsed.ok ? req.project.parsed.value.name : req.project.dir;
    // A destroy runs no program (the engine deletes what the state holds), so no route to name.
    const route = req.operation === 'destroy' ? undefined : this.routeNote(req);
    if (route) this.log.line(`[${key}] ${route}`);
    let policyPacks: string[] = [];
    if (req.operation === 'preview' || req.operation === 'up') {
      const packs = this.policyPacksFor(req.project, req.stack);
      if (!packs.ok) return this.refuse(packs.reason, req);
      policyPacks = packs.packs;
      this.runPacks.set(key, policyPacks);
      if (policyPacks.length) this.log.line(`[${key}] policy packs: ${policyPacks.join(', ')}`);
    }

    if (req.operation === 'preview') {
      const planFile = this.planFile(key);
      const fingerprint = await programFingerprint(req.project.dir, {});
      const r = await this.engine(req, key, 'preview', { planFile, policyPacks }, signal, report, route);
      if (r.kind !== 'ok') {
        removePlan(planFile); // a failed or cancelled preview's plan is never deployed
        return r.result;
      }
      this.forgetPreview(key);
      this.previews.set(key, { planFile, fingerprint, model: r.model, at: Date.now() });
      this.emitPreview(req, r.model);
      this.show(
        key,
        r.model,
        projectLabel,
        'preview ready',
        route,
        deployablePreview(r.model) ? 'Deploying from this view applies the update plan saved by this preview: nothing else.' : undefined,
        true,
      );
      return {
        status: 'succeeded',
        operation: 'preview',
        stack: req.stack,
        counts: countsLine(changeCounts(r.model)),
        changeSummary: r.outcome.changeSummary,
      };
    }

    if (req.operation === 'refresh' && req.driftCheck) {
      const r = await this.engine(req, key, 'refresh', { previewOnly: true }, signal, report, route, 'drift check');
      if (r.kind !== 'ok') return r.result;
      const drift = driftFromModel(r.model, Date.now());
      this.hooks.drift?.(key, drift);
      this.log.line(`[${key}] drift check: ${driftLine(drift)}`);
      this.show(key, r.model, projectLabel, drift.resources.length ? 'drifted' : 'no drift', route, undefined, false, undefined, drift);
      return { status: 'succeeded', operation: 'refresh', stack: req.stack, counts: driftLine(drift), drift };
    }

    if (req.operation === 'refresh') {
      const clearPendingCreates = await this.pendingCreatesAnswer(req, key);
      if (clearPendingCreates === undefined) return this.refuse('Refresh not started: choose whether to clear the pending creates.', req);
      this.emitStarted(req, undefined);
      const r = await this.engine(req, key, 'refresh', { clearPendingCreates }, signal, report, route);
      if (r.kind !== 'ok') return r.result;
      this.hooks.drift?.(key, undefined); // the state now holds the cloud's values
      return {
        status: 'succeeded',
        operation: 'refresh',
        stack: req.stack,
        counts: countsLine(changeCounts(r.model), false),
        changeSummary: r.outcome.changeSummary,
      };
    }

    // up / destroy: preview first (or take the remembered preview), ask, then apply. A plan saved
    // for this deploy alone is deleted whatever happens; a remembered preview's when it is used.
    let ownPlan: string | undefined;
    try {
      return await this.applyChanges(req, key, signal, report, route, projectLabel, (f) => (ownPlan = f), policyPacks);
    } finally {
      if (ownPlan) removePlan(ownPlan);
    }
  }

  private async applyChanges(
    req: OperationRequest,
    key: string,
    signal: AbortSignal,
    report: (m: string) => void,
    route: string | undefined,
    projectLabel: string,
    ownPlan: (file: string) => void,
    policyPacks: string[],
  ): Promise<OperationResult> {
    let preview: RememberedPreview;
    // A destroy's list comes from the state (no second CLI process); the CLI's destroy preview only
    // when the state cannot be read here.
    const listed = req.operation === 'destroy' ? await this.destroyListFromState(req, key) : undefined;
    if (listed?.kind === 'protected') {
      for (const r of listed.resources) this.log.line(`[${key}] protected: ${r.urn}`);
      return this.refuse(protectedMessage(req.stack, listed.resources), req);
    }
    if (req.operation === 'up' && req.fromPreview) {
      const p = this.previews.get(key);
      if (!p) return this.refuse(`There is no preview of "${req.stack}" to deploy. Run Preview first.`, req);
      preview = p;
    } else if (listed) {
      preview = { planFile: '', fingerprint: '', model: listed.model, at: Date.now() };
      this.log.line(
        `[${key}] destroy: ${countsLine(changeCounts(listed.model))}, listed from the stack's state (a destroy deletes what the state holds; it does not run the program)`,
      );
      this.emitPreview(req, listed.model);
    } else {
      const planFile = req.operation === 'up' ? this.planFile(key) : '';
      if (planFile) ownPlan(planFile);
      const fingerprint = await programFingerprint(req.project.dir, {});
      const r = await this.engine(
        req,
        key,
        req.operation === 'up' ? 'preview' : 'destroy',
        {
          planFile: planFile || undefined,
          previewOnly: req.operation === 'destroy',
          policyPacks: req.operation === 'up' ? policyPacks : undefined,
          refresh: req.operation === 'up' && req.refreshFirst,
        },
        signal,
        report,
        route,
      );
      if (r.kind !== 'ok') return r.result;
      preview = { planFile, fingerprint, model: r.model, at: Date.now() };
      this.emitPreview(req, r.model);
    }

    const changedSincePreview = async () =>
      req.operation === 'up' && (await programFingerprint(req.project.dir, {})) !== preview.fingerprint;
    const changedMessage = `The program or its config changed since the preview of "${req.stack}", so OpsDeck will not deploy it unseen. Run Preview again and review the new changes.`;
    if (await changedSincePreview()) {
      this.forgetPreview(key);
      return this.refuse(changedMessage, req);
    }
    const op = req.operation as 'up' | 'destroy';
    const q = guardQuestion(op, req.stack, changeCounts(preview.model), this.settings.productionStackPatterns);
    // A program whose only change is its stack outputs (a YAML program of config and outputs) still
    // has something to deploy: the stack resource itself changes.
    const outputsChange = !!preview.model.outputsChanged;
    if (q.nothingToDo && outputsChange) {
      q.detail = `The preview shows: the stack's outputs change (no resources change).${q.production ? ` "${shortStackName(req.stack)}" matches a production pattern: you will be asked to type its name.` : ''}`;
      q.confirmLabel = 'Deploy (stack outputs change)';
    }
    if (q.nothingToDo && !outputsChange && req.operation === 'up') {
      this.log.line(`[${key}] the preview shows no changes: nothing to deploy`);
      this.show(key, preview.model, projectLabel, 'no changes', route, undefined, false);
      if (!req.confirm) void vscode.window.showInformationMessage(`"${req.stack}" is up to date: the preview shows no changes.`);
      return { status: 'no-changes', operation: req.operation, stack: req.stack };
    }
    this.show(
      key,
      preview.model,
      projectLabel,
      'awaiting confirmation',
      route,
      req.operation === 'up' ? 'Deploy applies the update plan saved by this preview.' : undefined,
      false,
      undefined,
      undefined,
      true, // the list the question is about, in front (without taking the focus)
    );
    const answer = req.confirm ? { confirmed: req.confirm.yes, typedName: req.confirm.typedName } : await askUser(q, req.guardPrompt);
    const verdict = judge(q, answer);
    if (!verdict.proceed) {
      this.show(key, preview.model, projectLabel, 'not confirmed', route, undefined, false);
      return this.refuse(verdict.reason, req);
    }
    if (signal.aborted) return { status: 'cancelled', operation: req.operation, stack: req.stack };

    if (await changedSincePreview()) {
      this.forgetPreview(key);
      return this.refuse(changedMessage, req);
    }
    if (listed) {
      // The destroy deletes what the state holds when it starts: if that is no longer what the user
      // saw (someone deployed meanwhile), ask again rather than delete unseen resources.
      const now = await this.destroyListFromState(req, key);
      if (now?.kind !== 'ok' || now.fingerprint !== listed.fingerprint) {
        this.show(key, preview.model, projectLabel, 'not confirmed', route, undefined, false);
        return this.refuse(
          `The state of "${req.stack}" changed since OpsDeck listed what Destroy deletes, so it will not delete what you have not seen. Nothing was deleted. Run Destroy again to review the new list.`,
          req,
        );
      }
    }
    this.log.line(
      `[${key}] confirmed: ${req.operation} (${countsLine(changeCounts(preview.model))})${q.production ? ' — production stack, name typed' : ''}`,
    );
    this.emitStarted(req, preview.model);
    const r = await this.engine(
      req,
      key,
      req.operation,
      {
        planFile: req.operation === 'up' ? preview.planFile : undefined,
        policyPacks: req.operation === 'up' ? policyPacks : undefined,
        refresh: req.operation === 'up' && req.refreshFirst,
      },
      signal,
      report,
      route,
    );
    if (req.operation === 'up') this.forgetPreview(key);
    if (r.kind !== 'ok') return r.result;
    if (req.operation === 'up' && req.refreshFirst) this.hooks.drift?.(key, undefined); // the program's values are back
    return {
      status: 'succeeded',
      operation: req.operation,
      stack: req.stack,
      counts: countsLine(changeCounts(r.model), false),
      changeSummary: r.outcome.changeSummary,
    };
  }

  /**
   * What a destroy deletes, from the stack's state read afresh (model/destroyList.ts); undefined when
   * the state cannot be read here, and the guard asks the CLI instead (`pulumi destroy --preview-only`).
   */
  private async destroyListFromState(req: OperationRequest, key: string): Promise<DestroyList | undefined> {
    this.service.invalidateState(req.project, req.stack);
    const st = await this.service.state({ project: req.project, stack: req.stack });
    if (!st.ok) return undefined;
    try {
      return destroyList(req.stack, await st.value.destroyCandidates());
    } catch (e) {
      this.log.line(
        `[${key}] the state could not be listed (${(e as Error).message}): the CLI's destroy preview lists what will be deleted`,
      );
      return undefined;
    }
  }

  /**
   * A killed update leaves "pending create" operations in the state: the engine asked the provider to
   * create something and never heard back, so nobody knows whether it exists. `pulumi refresh` keeps
   * them unless told to clear them (and then the next up creates them again). The user decides.
   */
  private async pendingCreatesAnswer(req: OperationRequest, key: string): Promise<boolean | undefined> {
    this.service.invalidateState(req.project, req.stack);
    const st = await this.service.state({ project: req.project, stack: req.stack });
    const creates = st.ok ? st.value.pendingOperations.filter((p) => p.type === 'creating') : [];
    if (!creates.length) return false;
    const names = creates.map((p) => p.urn.split('::').pop()).join(', ');
    let clear: boolean | undefined;
    if (req.confirm) clear = !!req.confirm.clearPendingCreates;
    else {
      const pick = await vscode.window.showWarningMessage(
        `"${req.stack}" has ${creates.length} pending create${creates.length === 1 ? '' : 's'} from an interrupted update: ${names}.`,
        {
          modal: true,
          detail:
            'Pulumi cannot tell whether they were created. Clearing drops them from the state and the next deploy creates them again; if one does exist already, delete it or import it first. Keeping them leaves them pending.',
        },
        'Clear Pending Creates',
        'Keep Them',
      );
      clear = pick === 'Clear Pending Creates' ? true : pick === 'Keep Them' ? false : undefined;
    }
    if (clear !== undefined)
      this.log.line(
        `[${key}] ${creates.length} pending create(s) (${names}): ${clear ? 'cleared from the state by this refresh' : 'kept pending (Pulumi cannot tell whether they exist)'}`,
      );
    return clear;
  }

  /** The policy packs of the stack's latest preview or up, for the change view's header. */
  private readonly runPacks = new Map<string, string[]>();

  private readonly resourceTimers = new Map<string, ReturnType<typeof setTimeout>>();

  /**
   * A resource is done: the engine checkpoints the state after each step (the file backend rewrites
   * its checkpoint file; other backends answer `stack export` from the same snapshot), so the
   * Resources section re-reads it (when it is expanded), at most every 250 ms per stack, and never
   * more often than every four state reads' time: a big stack's read takes longer, so re-reading it
   * every 250 ms would grow with the stack's size; this way it takes at most a fifth of the time.
   */
  private resourcesChanged(req: OperationRequest, key: string): void {
    if (this.resourceTimers.has(key)) return;
    this.resourceTimers.set(
      key,
      setTimeout(
        () => {
          this.resourceTimers.delete(key);
          this.service.invalidateState(req.project, req.stack);
          this.tree.refreshResources(key);
        },
        Math.max(250, 4 * this.service.lastStateReadMs(key)),
      ),
    );
  }

  private emitPreview(req: OperationRequest, model: ChangeModel): void {
    this.emit(req, (x) => ({ kind: 'preview-ready', ...x, stack: req.stack, at: Date.now(), model }));
  }

  /** The newest change model of each running operation (for the counts of a failed one). */
  private readonly lastModel = new Map<string, ChangeModel>();

  /** Tells the listeners about each resource that failed, once, with its error. */
  private reportFailed(req: OperationRequest, key: string, model: ChangeModel, seen: Set<string>): void {
    for (const r of model.resources) {
      if (r.status !== 'failed' || seen.has(r.urn)) continue;
      seen.add(r.urn);
      const message =
        r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message.trim())[0] ??
        model.diagnostics.filter((d) => d.severity === 'error' && (!d.urn || d.urn === r.urn)).map((d) => d.message.trim())[0] ??
        'failed';
      this.emit(req, (x) => ({
        kind: 'resource-failed',
        key: x.key,
        at: Date.now(),
        resource: r.name,
        type: r.type,
        message: this.service.mask(message),
      }));
    }
    void key;
  }

  private forgetPreview(key: string): void {
    const p = this.previews.get(key);
    this.previews.delete(key);
    if (p?.planFile) removePlan(p.planFile);
  }

  private show(
    key: string,
    model: ChangeModel,
    project: string,
    status: string,
    route: string | undefined,
    planNote: string | undefined,
    canDeploy: boolean,
    failure?: Failure,
    drift?: DriftReport,
    reveal = false,
  ): void {
    const state = this.service.peekState(key);
    this.views.show(
      key,
      maskViewState(
        toViewState(model, {
          project,
          status,
          route,
          planNote,
          canDeploy,
          failure: failure ? { message: failure.message, remedy: failure.remedy } : undefined,
          hasSource: (urn) => !!state?.sourceOf(urn),
          policyPacks: this.runPacks.get(key),
          drift,
        }),
        this.service.masker,
      ),
      reveal,
    );
  }

  private async engine(
    req: OperationRequest,
    key: string,
    operation: OperationKind,
    o: { planFile?: string; previewOnly?: boolean; clearPendingCreates?: boolean; policyPacks?: string[]; refresh?: boolean },
    signal: AbortSignal,
    report: (m: string) => void,
    route: string | undefined,
    labelOverride?: string,
  ): Promise<{ kind: 'ok'; model: ChangeModel; outcome: RunOutcome } | { kind: 'stop'; result: OperationResult }> {
    const projectLabel = req.project.parsed.ok ? req.project.parsed.value.name : req.project.dir;
    const isPreview = operation === 'preview' || !!o.previewOnly;
    const b = new ChangeModelBuilder(operation, req.stack);
    const label = labelOverride ?? (isPreview && operation !== 'preview' ? `${operation} preview` : operation);
    this.log.line(`[${key}] ${label} started`);
    const status = isPreview ? 'previewing' : 'running';
    this.show(key, b.model, projectLabel, status, route, undefined, false);
    let done = 0;
    let skipped = 0;
    const failed = new Set<string>();
    if (!isPreview) this.lastModel.set(key, b.model);
    // What the user sees during the run is redrawn on timers, not per engine event: the progress
    // message and the stack's row every REPAINT_MS, the change view at a pace that slows with the
    // stack's size (model/repaintPace.ts), since each of its redraws costs in proportion to it.
    let repaint: ReturnType<typeof setTimeout> | undefined;
    let viewRepaint: ReturnType<typeof setTimeout> | undefined;
    let pendingReport: string | undefined;
    const repaintSoon = () => {
      repaint ??= setTimeout(() => {
        repaint = undefined;
        if (pendingReport !== undefined) report(pendingReport);
        pendingReport = undefined;
        if (!isPreview && done) this.tree.setProgress(key, `${operation}: ${done} done`);
      }, REPAINT_MS);
      viewRepaint ??= setTimeout(() => {
        viewRepaint = undefined;
        this.show(key, b.model, projectLabel, status, route, undefined, false);
      }, viewRepaintMs(b.model.resources.length));
    };
    const onEvent = (e: EngineEventLike) => {
      const bad = malformedEvent(e);
      if (bad) {
        // Logged once per run (with the count at the end): the operation goes on.
        if (skipped++ === 0) this.log.line(`[${key}] skipped a malformed engine event (${bad}); the operation goes on`);
        return;
      }
      for (const l of formatEvent(e, isPreview, this.service.masker, e.summaryEvent ? changeCounts(b.model) : undefined))
        this.log.line(`[${req.stack}] ${l}`);
      if (!b.apply(e)) return;
      if (!isPreview && (e.resOpFailedEvent || e.diagnosticEvent?.severity === 'error')) this.reportFailed(req, key, b.model, failed);
      if (e.resOutputsEvent && !isPreview) {
        done++;
        const name = e.resOutputsEvent.metadata.urn.split('::').pop();
        pendingReport = `${done} done — ${name}`;
        this.resourcesChanged(req, key);
      } else if (e.resourcePreEvent) {
        pendingReport = `${e.resourcePreEvent.metadata.op} ${e.resourcePreEvent.metadata.urn.split('::').pop()}`;
      }
      repaintSoon();
    };
    const session = this.service.session(req.project);
    const r: Result<RunOutcome, Failure> = await session.run(operation, req.stack, {
      onEvent,
      signal,
      kill: this.kills.get(key)?.signal,
      planFile: o.planFile,
      previewOnly: o.previewOnly,
      clearPendingCreates: o.clearPendingCreates,
      policyPacks: o.policyPacks?.length ? o.policyPacks : undefined,
      refresh: o.refresh,
      onNote: (t) => this.log.line(`[${key}] ${label}: ${this.service.masker.mask(t)}`),
    });
    // The result below is shown at once.
    if (repaint) clearTimeout(repaint);
    if (viewRepaint) clearTimeout(viewRepaint);
    repaint = viewRepaint = undefined;
    if (skipped > 1) this.log.line(`[${key}] ${skipped} malformed engine events were skipped in all`);
    if (o.policyPacks?.length) await this.publishPolicies(req, key, b.model, operation);
    if (r.ok) {
      b.finish('succeeded');
      this.log.line(`[${key}] ${label} succeeded: ${countsLine(changeCounts(b.model), isPreview)}`);
      this.show(key, b.model, projectLabel, isPreview ? 'preview ready' : 'succeeded', route, undefined, false);
      return { kind: 'ok', model: b.model, outcome: r.value };
    }
    if (signal.aborted || r.error.kind === 'cancelled') {
      b.finish('cancelled');
      const pending = b.model.resources.filter((x) => x.status === 'pending' && x.steps.length).map((x) => x.name);
      this.log.line(
        `[${key}] ${label} cancelled${pending.length ? `; not completed: ${pending.join(', ')}` : ''}. The stack stays usable; Refresh shows what exists.`,
      );
      this.show(key, b.model, projectLabel, 'cancelled', route, undefined, false, {
        ...r.error,
        kind: 'cancelled',
        message: 'Cancelled.',
        remedy:
          'The engine stopped after the steps in flight; the state records what was done. Run Refresh to compare it with what exists.',
      });
      return { kind: 'stop', result: { status: 'cancelled', operation: req.operation, stack: req.stack } };
    }
    b.finish('failed');
    if (!isPreview) this.reportFailed(req, key, b.model, failed);
    const blocked = o.policyPacks?.length
      ? blockedMessage(operation === 'preview' && req.operation === 'preview' ? 'preview' : 'up', req.stack, b.model.policies)
      : undefined;
    const f: Failure = blocked
      ? {
          ...r.error,
          kind: 'resource',
          message: blocked,
          remedy:
            'Nothing was deployed. Change the resources so they meet the policies (the Problems panel and the change view show where), or change opsdeck.pulumi.policyPacks, then preview again.',
        }
      : r.error;
    this.log.line(`[${key}] ${label} failed: ${this.service.masker.mask(f.message)}`);
    this.log.line(`[${key}] what to do: ${f.remedy}`);
    for (const l of f.detail.split('\n').slice(0, 60)) this.log.line(`[${key}]   ${this.service.masker.mask(l)}`);
    this.show(key, b.model, projectLabel, 'failed', route, undefined, false, f);
    if (!req.confirm) void this.notifyFailure(req, key, f);
    return { kind: 'stop', result: { status: 'failed', failure: f } };
  }

  /** The run's violations in the Problems panel, at the source lines the state records (read afresh after an up). */
  private async publishPolicies(req: OperationRequest, key: string, model: ChangeModel, operation: OperationKind): Promise<void> {
    if (!this.hooks.policy) return;
    if (operation === 'up') this.service.invalidateState(req.project, req.stack);
    const st = await this.service.state({ project: req.project, stack: req.stack });
    const sources = st.ok ? st.value.sources : new Map<string, SourcePosition>();
    this.hooks.policy.set(key, req.project, req.stack, model.policies, (urn) => sources.get(urn));
    const n = model.policies.length;
    this.log.line(
      `[${key}] policy packs: ${n ? `${n} violation${n === 1 ? '' : 's'} or remediation${n === 1 ? '' : 's'} (in the change view and the Problems panel)` : 'no violations'}`,
    );
  }

  private async notifyFailure(req: OperationRequest, key: string, f: Failure): Promise<void> {
    const actions =
      f.kind === 'locked'
        ? ['Clear Lock', 'Show Log']
        : f.kind === 'killed'
          ? ['Refresh Stack', 'Clear Lock', 'Show Log']
          : f.kind === 'passphrase'
            ? ['Set Passphrase', 'Show Log']
            : f.kind === 'cli-missing'
              ? ['Open Settings', 'Show Log']
              : f.locations.length
                ? ['Open Location', 'Show Log']
                : ['Show Log'];
    const choice = await vscode.window.showErrorMessage(this.service.mask(`${f.message} ${f.remedy}`), ...actions);
    if (choice === 'Clear Lock')
      await vscode.commands.executeCommand('opsdeck.clearStackLock', { project: req.project.dir, stack: req.stack });
    else if (choice === 'Refresh Stack')
      await vscode.commands.executeCommand('opsdeck.refreshStack', { project: req.project.dir, stack: req.stack });
    else if (choice === 'Set Passphrase') await vscode.commands.executeCommand('opsdeck.setPulumiPassphrase', { project: req.project.dir });
    else if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', 'opsdeck.pulumi.cliPath');
    else if (choice === 'Open Location') {
      const loc = f.locations[0]!;
      const file = path.isAbsolute(loc.file) ? loc.file : path.join(req.project.dir, loc.file);
      const doc = await vscode.workspace.openTextDocument(file);
      const pos = new vscode.Position(Math.max(0, loc.line - 1), Math.max(0, (loc.column ?? 1) - 1));
      await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos) });
    } else if (choice === 'Show Log') await vscode.commands.executeCommand('opsdeck.showStacksLog');
    void key;
  }
}

export const UNTRUSTED_OPERATIONS =
  "Pulumi operations run the workspace's program, so they are off in an untrusted workspace. Trust the folder to use them.";

/** The interactive guard: a modal (or a notification) with the preview's counts, then the stack's name for production. */
async function askUser(q: GuardQuestion, prompt: 'modal' | 'notification' = 'modal'): Promise<GuardAnswer> {
  const pick =
    prompt === 'modal'
      ? await vscode.window.showWarningMessage(q.title, { modal: true, detail: q.detail }, q.confirmLabel)
      : await vscode.window.showWarningMessage(`${q.title} ${q.detail}`, q.confirmLabel, 'Cancel');
  if (pick !== q.confirmLabel) return { confirmed: false };
  if (q.typeToConfirm === undefined) return { confirmed: true };
  const typed = await vscode.window.showInputBox({
    title: `Type "${q.typeToConfirm}" to ${q.operation === 'up' ? 'deploy to' : 'destroy'} this production stack`,
    prompt: q.detail,
    placeHolder: q.typeToConfirm,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() === '' || v.trim() === q.typeToConfirm ? undefined : `Type the stack name exactly: ${q.typeToConfirm}`),
  });
  return { confirmed: true, typedName: typed };
}
