// One workflow: an operation run from the Stacks view writes its own record, is verified against the
// stack's health afterwards, and offers the rollback when it made things worse.
//
// It listens to the stacks capability's operation events. At a preview it takes the "before" state
// (health figures of the stack's endpoints, alarms, cost, resource count, last update). When an up,
// destroy, refresh or rollback starts, it records (per `opsdeck.operations.record`): it continues the
// open record of the same stack or creates one, fills it from facts, and appends a progress entry per
// phase as it happens. After an up or a rollback succeeds it opens the verification window; the first
// regression gives one notification with "Roll back now" / "Keep" (or rolls back by itself where
// `opsdeck.operations.autoRollback` says so). Recording never blocks or fails an operation.
import * as fs from 'fs';
import * as vscode from 'vscode';
import { clockFacts, localTimeZone } from '../documents/clock';
import { CHANGE_OPS, ChangeModel, changeCounts, countsLine, isUserResource } from '../stacks/model/changeModel';
import type { HealthSnapshot } from '../health/model/snapshot';
import { readMarker } from './model/recordEdits';
import { RecordEvent } from './model/record';
import { ChangeSummary, PreState, RollbackTarget, VerificationResult } from './model/recordContent';
import { describeRegression, firstRegressionAt, percentile, Regression } from './model/regression';
import { riskOf, Risk } from './model/risk';
import { autoRollback, countdown, recordChoice, RecordChoice } from './model/policy';
import { RecordFile } from './recordFile';
import { VerificationWindow, WindowEnd } from './runner/verificationWindow';
import type { DocumentsPort, HealthPort, RecordedOperation, StackFacts, StackOperationEvent, StacksPort } from './ports';

export interface OperationsSettings {
  record(): RecordChoice;
  recordByStack(): Record<string, string>;
  verifyMinutes(): number;
  verifyIntervalSeconds(): number;
  autoRollback(): string[];
}

/** One operation as the Stacks view's Operations section lists it. */
export interface OperationEntry {
  id: string;
  key: string;
  stack: string;
  operation: RecordedOperation;
  startedAt: number;
  endedAt?: number;
  result?: string;
  durationMs?: number;
  verdict?: 'verifying' | 'passed' | 'regressed' | 'cut short' | 'not verified';
  record?: string;
  /** The update a rollback of this operation returns to. */
  rollbackTo?: { version: number; commit?: string };
}

interface Before {
  at: number;
  model: ChangeModel;
  pre: PreState;
  facts: StackFacts;
  snapshot: HealthSnapshot;
  risk: Risk;
}

interface Running {
  entry: OperationEntry;
  projectDir: string;
  project: string;
  before?: Before;
  file?: RecordFile;
  /** Events that happened before the user answered "Record?": replayed into the record once it exists. */
  backlog: RecordEvent[];
  recording: 'undecided' | 'yes' | 'no';
  window?: VerificationWindow;
  finishedAt?: number;
  detectedAt?: number;
  regressions: Regression[];
  rollbackStartedAt?: number;
  notified?: boolean;
  verification?: VerificationResult;
}

const MAX_ENTRIES = 20;

export class OperationRecorder implements vscode.Disposable {
  /** The "before" of each stack's last preview: a promise, as the stack's facts take a moment to read. */
  private readonly befores = new Map<string, Promise<Before>>();
  private readonly running = new Map<string, Running>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with the stack key whose operations changed (the Stacks view's Operations section listens). */
  readonly onDidChange = this.changed.event;
  private readonly opened = new vscode.EventEmitter<{ uri: vscode.Uri; key: string; stackRef: string; operation: RecordedOperation }>();
  /** Fires when an operation's record is created or continued (the session log links it). */
  readonly onRecordOpened = this.opened.event;
  private readonly statusItem: vscode.StatusBarItem;
  private statusTimer: ReturnType<typeof setInterval> | undefined;
  /** For tests and the API: regression notifications shown, newest last. */
  readonly notices: Array<{ key: string; message: string; at: number; answer?: string }> = [];

  constructor(
    private readonly stacks: StacksPort,
    private readonly health: HealthPort | undefined,
    private readonly documents: DocumentsPort,
    private readonly settings: OperationsSettings,
    private readonly memento: vscode.Memento,
    private readonly log: (line: string) => void,
  ) {
    this.statusItem = vscode.window.createStatusBarItem('opsdeck.operations.verifying', vscode.StatusBarAlignment.Left, 50);
    this.statusItem.name = 'OpsDeck: verification window';
    this.disposables.push(
      this.statusItem,
      this.changed,
      this.opened,
      stacks.onOperation((e) => void this.on(e)),
    );
  }

  /** Recent operations of a stack, newest first. */
  entries(key: string): OperationEntry[] {
    return (this.memento.get<OperationEntry[]>(`opsdeck.operations.${key}`) ?? []).slice().reverse();
  }

  private async save(entry: OperationEntry): Promise<void> {
    const list = (this.memento.get<OperationEntry[]>(`opsdeck.operations.${entry.key}`) ?? []).filter((e) => e.id !== entry.id);
    list.push(entry);
    await this.memento.update(`opsdeck.operations.${entry.key}`, list.slice(-MAX_ENTRIES));
    this.changed.fire(entry.key);
  }

  private clock(t: number): { time: string; stamp: string } {
    const c = clockFacts(new Date(t), localTimeZone());
    return { time: c.time, stamp: `${c.date} ${c.time} ${c.tz}` };
  }

  private async on(e: StackOperationEvent): Promise<void> {
    try {
      if (e.kind === 'preview-ready') return await this.onPreview(e);
      if (e.kind === 'started') return await this.onStarted(e);
      const r = this.running.get(e.key);
      if (!r) return;
      if (e.kind === 'resource-failed') {
        return this.add(r, {
          kind: 'progress',
          time: this.clock(e.at).time,
          phase: `Resource failed: ${e.resource}`,
          body: [`\`${e.type}\`: ${this.stacks.mask(e.message).split('\n')[0]}`],
        });
      }
      if (e.kind === 'finished') return await this.onFinished(r, e);
    } catch (err) {
      // Recording is a by-product: it never fails the operation.
      this.log(`operation record: ${(err as Error).message}`);
    }
  }

  // ---------------------------------------------------------------- before: the preview

  private async onPreview(e: Extract<StackOperationEvent, { kind: 'preview-ready' }>): Promise<void> {
    // Health as it is now, when the preview is ready; the stack's facts (CLI reads) follow. The deploy
    // that applies this preview waits for them before it writes the record.
    const snapshot = this.health?.snapshot();
    const before = (async (): Promise<Before> => {
      const facts = await this.stacks.facts(e.projectDir, e.stack).catch(() => ({}) as StackFacts);
      const stackRef = `${e.project}/${e.stack}`;
      const pre = this.preState(stackRef, e.stack, snapshot, facts, e.at);
      const risk = riskOf(changeCounts(e.model), this.stacks.isProduction(e.stack));
      return { at: e.at, model: e.model, pre, facts, snapshot: snapshot ?? emptySnapshot(), risk };
    })();
    this.befores.set(e.key, before);
    await before;
  }

  private preState(stackRef: string, stack: string, s: HealthSnapshot | undefined, facts: StackFacts, at: number): PreState {
    const notes: string[] = [];
    if (!s || !s.endpoints.length)
      notes.push('No health checks are configured for this workspace (.opsdeck/health.yaml): nothing to compare after the deploy.');
    const scope = this.health?.scope(stackRef, stack);
    const endpoints = (s?.endpoints ?? [])
      .filter((ep) => !scope || scope.endpoints.includes(ep.name))
      .map((ep) => {
        const day = ep.sla.windows.find((x) => x.window === '24h');
        const month = ep.sla.windows.find((x) => x.window === '30d');
        return {
          name: ep.name,
          status: ep.status,
          // health keeps the SLO as a fraction (0.999); the record and the rules speak percent
          slo: ep.slo * 100,
          availability24h: percentOf(day?.availability),
          availability30d: percentOf(month?.availability),
          p95Ms: day?.p95,
          budgetLeftPct: ep.sla.budget.remainingRatio * 100,
        };
      });
    const alarmsFiring = (s?.alarms ?? [])
      .filter((a) => a.state === 'ALARM' && (!scope || scope.alarmNames(a.name)))
      .map((a) => ({ name: a.name, since: a.since ? this.clock(a.since).stamp : undefined, reason: a.reason }));
    const cost = s?.cost
      ? {
          text: `${s.cost.currency} ${s.cost.monthToDate.toFixed(2)} month to date, forecast ${s.cost.forecastMonthEnd.toFixed(2)}${s.cost.budget !== undefined ? ` (budget ${s.cost.budget})` : ''}`,
        }
      : undefined;
    return {
      takenAt: this.clock(at).stamp,
      endpoints,
      alarmsFiring,
      cost,
      resources: facts.resources,
      lastUpdate: facts.lastUpdate,
      notes,
    };
  }

  // ---------------------------------------------------------------- during

  private async onStarted(e: Extract<StackOperationEvent, { kind: 'started' }>): Promise<void> {
    this.running.get(e.key)?.window?.stop('another operation started on the stack');
    const entry: OperationEntry = {
      id: `${e.at.toString(36)}-${Math.random().toString(36).slice(2, 6)}`,
      key: e.key,
      stack: e.stack,
      operation: e.operation,
      startedAt: e.at,
    };
    // Registered at once, so what the operation reports while the "before" is read is not lost.
    const r: Running = {
      entry,
      projectDir: e.projectDir,
      project: e.project,
      backlog: [],
      recording: 'undecided',
      regressions: [],
    };
    this.running.set(e.key, r);
    const before = await this.beforeFor(e.key, e.model);
    r.before = before;
    entry.rollbackTo = before?.facts.lastUpdate
      ? { version: before.facts.lastUpdate.version, commit: before.facts.lastUpdate.commit }
      : undefined;
    await this.save(entry);
    const stackRef = `${e.project}/${e.stack}`;
    const first: RecordEvent[] = [];
    if (before) {
      first.push({
        kind: 'progress',
        time: this.clock(before.at).time,
        phase: 'Preview ready',
        body: [countsLine(changeCounts(before.model))],
      });
    }
    first.push({
      kind: 'progress',
      time: this.clock(e.at).time,
      phase: `${verb(e.operation)} started`,
      body: [`${e.operation} on \`${stackRef}\`${before ? `: ${countsLine(changeCounts(before.model))}` : ''}`],
    });
    r.backlog.unshift(...first);
    const choice = recordChoice(e.stack, this.settings.record(), this.settings.recordByStack());
    if (choice === 'never') {
      r.recording = 'no';
      return;
    }
    if (choice === 'always') return this.startRecording(r, stackRef);
    void vscode.window
      .showInformationMessage(
        `OpsDeck: record this ${e.operation} of ${e.stack} in an operation record?`,
        { detail: 'OpsDeck fills the record from the preview, the deploy and the health checks afterwards.' },
        'Record',
        'Not Now',
      )
      .then((answer) => {
        if (answer === 'Record') void this.startRecording(r, stackRef);
        else r.recording = 'no';
      });
  }

  private async beforeFor(key: string, model: ChangeModel | undefined): Promise<Before | undefined> {
    const b = await this.befores.get(key)?.catch(() => undefined);
    // The operation's own change list wins over the remembered preview's.
    return b && model && b.model !== model ? { ...b, model } : b;
  }

  /** Opens (continues or creates) the record and writes everything known so far. */
  async startRecording(r: Running, stackRef: string): Promise<void> {
    if (r.recording === 'yes') return;
    r.recording = 'yes';
    try {
      const uri =
        this.openRecordFor(stackRef) ??
        (await this.documents.createOperationRecord(
          `${verb(r.entry.operation).toLowerCase()} ${r.entry.stack}`,
          { status: '🔄 IN PROGRESS', ...(r.before ? { risk: r.before.risk.level } : {}) },
          { project: r.project, stack: r.entry.stack },
        ));
      r.file = new RecordFile(uri, (l) => this.log(l));
      r.entry.record = uri.fsPath;
      await this.save(r.entry);
      const marker = uri && vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      const operationId = readMarker(marker?.getText() ?? '')?.operationId ?? r.entry.id;
      await this.write(r, {
        kind: 'opened',
        stackRef,
        operationId,
        risk: r.before?.risk,
        pre: r.before?.pre,
        change: r.before ? changeSummary(r.before.model) : undefined,
      });
      const backlog = r.backlog.splice(0);
      for (const ev of backlog) await this.write(r, ev);
      this.log(`operation record: ${vscode.workspace.asRelativePath(uri)} for ${stackRef}`);
      this.opened.fire({ uri, key: r.entry.key, stackRef, operation: r.entry.operation });
    } catch (e) {
      this.log(`operation record: could not create it (${(e as Error).message}); the ${r.entry.operation} goes on`);
    }
  }

  /** An open, unfinished record of the same stack (its marker says so). */
  private openRecordFor(stackRef: string): vscode.Uri | undefined {
    for (const d of vscode.workspace.textDocuments) {
      if (d.languageId !== 'markdown' || d.isClosed) continue;
      // An editor left open on a record deleted from disk is not continued (a new record is made).
      if (d.uri.scheme === 'file' && !d.isDirty && !fs.existsSync(d.uri.fsPath)) continue;
      const m = readMarker(d.getText());
      if (m && m.stack === stackRef && !m.closed) return d.uri;
    }
    return undefined;
  }

  private add(r: Running, ev: RecordEvent): void {
    if (r.recording === 'no') return;
    if (!r.file) r.backlog.push(ev);
    else void this.write(r, ev);
  }

  private async write(r: Running, ev: RecordEvent): Promise<void> {
    if (!r.file) return;
    const out = await r.file.apply(ev);
    if (out.kind === 'gone') {
      this.log(`operation record for ${r.entry.stack}: no record updated (${out.reason})`);
      r.recording = 'no';
      r.file = undefined;
      return;
    }
    if (out.kept.length && ev.kind !== 'progress') {
      await r.file.apply({
        kind: 'progress',
        time: this.clock(Date.now()).time,
        phase: 'Note from OpsDeck',
        body: [`Left as you wrote it: ${out.kept.join('; ')}.`],
      });
    }
  }

  // ---------------------------------------------------------------- after

  private async onFinished(r: Running, e: Extract<StackOperationEvent, { kind: 'finished' }>): Promise<void> {
    r.finishedAt = e.at;
    r.entry.endedAt = e.at;
    r.entry.result = e.result;
    r.entry.durationMs = e.durationMs;
    this.add(r, {
      kind: 'progress',
      time: this.clock(e.at).time,
      phase: `${verb(e.operation)} finished`,
      body: [
        `${e.result} in ${(e.durationMs / 1000).toFixed(1)} s${e.countsLine ? `: ${e.countsLine}` : ''}`,
        ...(e.failure ? [this.stacks.mask(e.failure).split('\n')[0]] : []),
      ],
    });
    if (e.result !== 'succeeded' || (e.operation !== 'up' && e.operation !== 'rollback')) {
      r.entry.verdict = 'not verified';
      await this.save(r.entry);
      const status = e.result === 'succeeded' || e.result === 'no-changes' ? '✅ COMPLETED SUCCESSFULLY' : '❌ FAILED';
      if (r.entry.operation === 'rollback' && e.result === 'succeeded') return this.close(r, '🔁 ROLLED BACK');
      return this.close(r, status);
    }
    const scope = this.health?.scope(`${r.project}/${r.entry.stack}`, r.entry.stack);
    const minutes = this.settings.verifyMinutes();
    if (
      !this.health ||
      !scope ||
      (!scope.endpoints.length && !this.health.snapshot().alarms.some((a) => scope.alarmNames(a.name))) ||
      minutes <= 0
    ) {
      r.entry.verdict = 'not verified';
      await this.save(r.entry);
      this.add(r, {
        kind: 'progress',
        time: this.clock(Date.now()).time,
        phase: 'Verification skipped',
        body: [minutes <= 0 ? 'opsdeck.operations.verifyMinutes is 0.' : 'No health checks or alarms belong to this stack.'],
      });
      return this.close(r, r.entry.operation === 'rollback' ? '🔁 ROLLED BACK' : '✅ COMPLETED SUCCESSFULLY');
    }
    this.verify(r, scope.endpoints, scope.alarmNames, minutes);
  }

  private verify(r: Running, endpoints: string[], alarmNames: (n: string) => boolean, minutes: number): void {
    const health = this.health!;
    const snap = r.before?.snapshot ?? health.snapshot();
    const endpointsBefore = snap.endpoints
      .filter((e) => endpoints.includes(e.name))
      .map((e) => ({ name: e.name, status: e.status, p95Ms: e.sla.windows.find((w) => w.window === '24h')?.p95 }));
    const alarmsBefore = snap.alarms.filter((a) => alarmNames(a.name));
    const fast = health.probeFaster(endpoints, this.settings.verifyIntervalSeconds() * 1000);
    r.entry.verdict = 'verifying';
    void this.save(r.entry);
    const win = new VerificationWindow({
      stackKey: r.entry.key,
      minutes,
      endpointsBefore,
      alarmsBefore,
      rules: health.verifyRules(),
      source: {
        endpoints: () =>
          health
            .snapshot()
            .endpoints.filter((e) => endpoints.includes(e.name))
            .map((e) => ({ name: e.name, status: e.status, since: e.since, error: e.lastCheck?.error, slo: e.slo * 100 })),
        alarms: () => health.snapshot().alarms.filter((a) => alarmNames(a.name)),
      },
      onRegression: (rs, at) => this.onRegression(r, rs, at),
      onEnd: (end) => {
        sub.dispose();
        fast.dispose();
        void this.onWindowEnd(r, end, endpointsBefore, snap);
      },
    });
    const sub = health.onCheck((name, c) => win.check(name, c));
    r.window = win.start();
    this.add(r, {
      kind: 'progress',
      time: this.clock(win.startedAt).time,
      phase: 'Verification started',
      body: [
        `${minutes} min on ${endpoints.length ? endpoints.join(', ') : 'no endpoints'}${alarmsBefore.length ? ` and ${alarmsBefore.length} alarm(s)` : ''}`,
      ],
    });
    this.renderStatus();
  }

  private onRegression(r: Running, rs: Regression[], at: number): void {
    r.regressions.push(...rs);
    r.detectedAt ??= at;
    const text = rs.map((x) => describeRegression(x, (t) => this.clock(t).time)).join('; ');
    this.add(r, { kind: 'progress', time: this.clock(at).time, phase: 'Regression detected', body: [text] });
    if (r.notified) return;
    r.notified = true;
    const message = `${verb(r.entry.operation)} of ${r.entry.stack}: ${text}`;
    const notice: (typeof this.notices)[number] = { key: r.entry.key, message, at };
    this.notices.push(notice);
    const target = r.entry.rollbackTo;
    if (target && autoRollback(r.entry.stack, this.settings.autoRollback())) {
      notice.answer = 'auto';
      void vscode.window.showWarningMessage(
        `OpsDeck: ${message}. Rolling back to update #${target.version} (opsdeck.operations.autoRollback).`,
      );
      void this.rollBack(r, { yes: true, typedName: r.entry.stack.split('/').pop() });
      return;
    }
    const actions = target?.commit ? ['Roll back now', 'Keep'] : ['Keep'];
    void vscode.window
      .showErrorMessage(
        `OpsDeck: ${message}`,
        {
          detail: target?.commit
            ? `Roll back returns the stack to update #${target.version}.`
            : 'The previous update recorded no git commit, so there is nothing to roll back to from here.',
        },
        ...actions,
      )
      .then((answer) => {
        notice.answer = answer ?? 'dismissed';
        if (answer === 'Roll back now') void this.rollBackAsked(r);
        else if (answer === 'Keep')
          this.add(r, {
            kind: 'progress',
            time: this.clock(Date.now()).time,
            phase: 'Kept',
            body: ['The operator chose to keep the new state.'],
          });
      });
  }

  /**
   * "Roll back now" starts the rollback with all its guard rails: its preview shows in the change view
   * and the deploy question follows (as a notification, since the person is answering notifications
   * already), then the stack's name for a production stack. Declining is recorded like any refusal.
   */
  private rollBackAsked(r: Running): Promise<void> {
    return this.rollBack(r, undefined, 'notification');
  }

  /**
   * The rollback to the update before the operation, through `opsdeck.rollback` (its preview and
   * guard). An automatic one (the stack matches opsdeck.operations.autoRollback) answers the guard
   * as that setting says: the user chose, per stack, to roll back without being asked.
   */
  private async rollBack(r: Running, confirm?: { yes: boolean; typedName?: string }, guardPrompt?: 'notification'): Promise<void> {
    const target = r.entry.rollbackTo;
    if (!target) return;
    r.rollbackStartedAt = Date.now();
    r.window?.stop('a rollback started');
    this.add(r, {
      kind: 'progress',
      time: this.clock(r.rollbackStartedAt).time,
      phase: 'Rollback started',
      body: [`to update #${target.version}${target.commit ? ` (commit ${target.commit.slice(0, 12)})` : ''}`],
    });
    const result = (await vscode.commands.executeCommand('opsdeck.rollback', {
      project: r.projectDir,
      stack: r.entry.stack,
      version: target.version,
      record: false,
      confirm,
      guardPrompt,
    })) as { status: string } | undefined;
    const done = Date.now();
    const ok = result?.status === 'succeeded';
    this.add(r, {
      kind: 'progress',
      time: this.clock(done).time,
      phase: ok ? 'Rollback finished' : 'Rollback not completed',
      body: [ok ? `in ${((done - r.rollbackStartedAt) / 1000).toFixed(1)} s` : `${result?.status ?? 'no result'}`],
    });
    await this.finishVerification(r, ok ? '🔁 ROLLED BACK' : '❌ FAILED', ok ? done : undefined);
  }

  private async onWindowEnd(
    r: Running,
    end: WindowEnd,
    before: Array<{ name: string; p95Ms?: number }>,
    snap: HealthSnapshot,
  ): Promise<void> {
    this.renderStatus();
    r.entry.verdict = end.verdict;
    await this.save(r.entry);
    const result: VerificationResult = {
      minutes: this.settings.verifyMinutes(),
      endpoints: before.map((b) => {
        const checks = end.checks.get(b.name) ?? [];
        const ok = checks.filter((c) => c.ok).map((c) => c.latencyMs);
        const ep = snap.endpoints.find((x) => x.name === b.name);
        return {
          name: b.name,
          beforeP95Ms: b.p95Ms,
          afterP95Ms: ok.length ? percentile(ok, 95) : undefined,
          beforeAvailability: percentOf(ep?.sla.windows.find((w) => w.window === '24h')?.availability),
          afterAvailability: checks.length ? (ok.length / checks.length) * 100 : undefined,
          checks: checks.length,
        };
      }),
      alarmsStarted: end.regressions.flatMap((x) => (x.kind === 'alarm' ? [{ name: x.alarm, since: this.clock(x.since).stamp }] : [])),
      verdict: end.verdict,
      regressions: end.regressions.map((x) => describeRegression(x, (t) => this.clock(t).time)),
      detectionSeconds:
        r.detectedAt !== undefined && r.finishedAt !== undefined
          ? (firstRegressionAt(end.regressions, r.detectedAt) - r.finishedAt) / 1000
          : undefined,
    };
    r.verification = result;
    this.add(r, {
      kind: 'progress',
      time: this.clock(end.endedAt).time,
      phase: 'Verification finished',
      body: [end.verdict === 'passed' ? 'no regression' : result.regressions.join('; ') || end.reason || end.verdict],
    });
    if (end.reason === 'a rollback started') return; // rollBack() finishes the record
    await this.finishVerification(
      r,
      end.verdict === 'passed' ? (r.entry.operation === 'rollback' ? '🔁 ROLLED BACK' : '✅ COMPLETED SUCCESSFULLY') : '❌ FAILED',
    );
  }

  private async finishVerification(
    r: Running,
    status: '✅ COMPLETED SUCCESSFULLY' | '❌ FAILED' | '🔁 ROLLED BACK',
    rollbackDoneAt?: number,
  ): Promise<void> {
    if (r.verification) {
      if (rollbackDoneAt !== undefined && r.detectedAt !== undefined)
        r.verification.rollbackSeconds = (rollbackDoneAt - r.detectedAt) / 1000;
      this.add(r, { kind: 'verified', result: r.verification });
    }
    await this.close(r, status);
  }

  private async close(r: Running, status: '✅ COMPLETED SUCCESSFULLY' | '❌ FAILED' | '🔁 ROLLED BACK'): Promise<void> {
    const target = r.entry.rollbackTo;
    if (target) {
      const args = encodeURIComponent(JSON.stringify([{ project: r.projectDir, stack: r.entry.stack, version: target.version }]));
      const t: RollbackTarget = {
        version: target.version,
        commit: target.commit,
        when: r.before?.facts.lastUpdate?.when,
        commandUri: `command:opsdeck.rollback?${args}`,
      };
      this.add(r, { kind: 'rollbackTarget', target: t });
    }
    this.add(r, { kind: 'status', status, completion: this.clock(Date.now()).stamp, close: true });
    r.entry.result = status === '🔁 ROLLED BACK' ? 'rolled back' : r.entry.result;
    await this.save(r.entry);
    if (this.running.get(r.entry.key) === r) this.running.delete(r.entry.key);
    this.renderStatus();
  }

  private renderStatus(): void {
    const windows = [...this.running.values()].filter((x) => x.window?.running);
    if (!windows.length) {
      this.statusItem.hide();
      if (this.statusTimer) clearInterval(this.statusTimer);
      this.statusTimer = undefined;
      return;
    }
    const paint = () => {
      const live = [...this.running.values()].filter((x) => x.window?.running);
      if (!live.length) return this.renderStatus();
      this.statusItem.text = live.map((x) => `$(pulse) verifying ${x.entry.stack} ${countdown(x.window!.msLeft())} left`).join('  ');
      this.statusItem.tooltip = "OpsDeck watches the stack's endpoints and alarms after the deploy, and offers a rollback on a regression.";
    };
    paint();
    this.statusItem.show();
    this.statusTimer ??= setInterval(paint, 1000);
  }

  /** Status bar text (tests read it through the API). */
  get statusText(): string | undefined {
    return [...this.running.values()].some((x) => x.window?.running) ? this.statusItem.text : undefined;
  }

  dispose(): void {
    for (const r of this.running.values()) r.window?.stop('the window closed');
    if (this.statusTimer) clearInterval(this.statusTimer);
    for (const d of this.disposables) d.dispose();
  }
}

function verb(op: RecordedOperation): string {
  return op === 'up' ? 'Deploy' : op === 'destroy' ? 'Destroy' : op === 'refresh' ? 'Refresh' : 'Rollback';
}

function changeSummary(model: ChangeModel): ChangeSummary {
  const entries = model.resources
    .filter((r) => isUserResource(r) && r.op !== 'same')
    .sort((a, b) => CHANGE_OPS.indexOf(a.op) - CHANGE_OPS.indexOf(b.op))
    .map((r) => ({ op: r.op, type: r.type, name: r.name, properties: r.diffs.map((d) => d.path), replaceReasons: r.replaceReasons }));
  return { operation: 'Preview', countsLine: countsLine(changeCounts(model)), entries };
}

const percentOf = (ratio: number | undefined) => (ratio === undefined ? undefined : ratio * 100);

function emptySnapshot(): HealthSnapshot {
  return {
    generatedAt: 0,
    role: 'idle',
    endpoints: [],
    alarms: [],
    metrics: [],
    overall: 'unknown',
    statusText: '',
    historySkippedLines: 0,
    maintenance: [],
  };
}
