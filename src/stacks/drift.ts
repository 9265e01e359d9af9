// Drift in the Stacks view: the latest drift check per stack (a badge with a tooltip on the stack and
// on each drifted resource, through a FileDecorationProvider), and the optional schedule
// (opsdeck.pulumi.driftCheckMinutes) that checks stacks that are not busy: never in an untrusted
// workspace, never beside an operation on the same stack, backing off while the backend is unreachable.
import * as vscode from 'vscode';
import { DiscoveredProject, ProjectDiscovery } from './discovery';
import { DriftReport, checkDue, driftLine, driftedResourceLine } from './model/drift';
import { OperationGate } from './model/operationGate';
import type { OperationRequest, OperationResult } from './operations';
import { StackService, stackKey } from './stackService';

const SCHEME = 'opsdeck-drift';

export class StackDrift implements vscode.FileDecorationProvider, vscode.Disposable {
  private readonly reports = new Map<string, DriftReport>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri[] | undefined>();
  readonly onDidChangeFileDecorations = this.emitter.event;
  private readonly changed = new vscode.EventEmitter<string>();
  /** A stack's drift changed (its key). */
  readonly onDidChange = this.changed.event;

  set(key: string, report: DriftReport | undefined): void {
    if (report) this.reports.set(key, report);
    else this.reports.delete(key);
    this.emitter.fire(undefined);
    this.changed.fire(key);
  }

  get(key: string): DriftReport | undefined {
    return this.reports.get(key);
  }

  /** The URI a tree item carries so the badge finds it (the stack, or one of its resources). */
  static uri(key: string, urn?: string): vscode.Uri {
    return vscode.Uri.from({ scheme: SCHEME, path: `/${encodeURIComponent(key)}`, query: urn ? encodeURIComponent(urn) : '' });
  }

  /** The tree's words for a stack: description part and tooltip lines (undefined: no drift known). */
  stackText(key: string): { description: string; tooltip: string } | undefined {
    const r = this.reports.get(key);
    if (!r || !r.resources.length) return undefined;
    return {
      description: driftLine(r),
      tooltip: [
        `Drift (checked ${new Date(r.checkedAt).toLocaleString()}):`,
        ...r.resources.map((d) => `  ${driftedResourceLine(d)}`),
      ].join('\n'),
    };
  }

  resourceText(key: string, urn: string): string | undefined {
    const d = this.reports.get(key)?.resources.find((x) => x.urn === urn);
    return d ? `Drifted: ${driftedResourceLine(d)}` : undefined;
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== SCHEME) return undefined;
    const key = decodeURIComponent(uri.path.slice(1));
    const urn = uri.query ? decodeURIComponent(uri.query) : undefined;
    const text = urn ? this.resourceText(key, urn) : this.stackText(key)?.tooltip;
    if (!text) return undefined;
    return new vscode.FileDecoration('≠', text, new vscode.ThemeColor('list.warningForeground'));
  }

  dispose(): void {
    this.emitter.dispose();
    this.changed.dispose();
  }
}

export interface DriftScheduleDeps {
  minutes: () => number;
  discovery: ProjectDiscovery;
  service: StackService;
  gate: OperationGate;
  run: (req: OperationRequest) => Promise<OperationResult>;
  log: (line: string) => void;
}

/** Checks due stacks once a minute; each check is an ordinary (non-interactive) operation on the stack. */
export class DriftSchedule implements vscode.Disposable {
  private timer?: ReturnType<typeof setInterval>;
  private readonly last = new Map<string, { at: number; unreachable: number }>();
  private ticking = false;

  constructor(private readonly deps: DriftScheduleDeps) {
    this.timer = setInterval(() => void this.tick(), 60_000);
  }

  /** One pass over the workspace's stacks (also what the timer runs). */
  async tick(now = Date.now()): Promise<void> {
    const minutes = this.deps.minutes();
    if (!(minutes > 0) || this.ticking || !vscode.workspace.isTrusted) return;
    this.ticking = true;
    try {
      for (const project of await this.deps.discovery.list()) {
        if (!project.parsed.ok) continue;
        const stacks = await this.deps.service.stacks(project);
        if (!stacks.ok) continue;
        for (const s of stacks.value) {
          if (!s.lastUpdate) continue; // never deployed: nothing can drift
          await this.checkOne(project, s.name, minutes, now);
        }
      }
    } finally {
      this.ticking = false;
    }
  }

  private async checkOne(project: DiscoveredProject, stack: string, minutes: number, now: number): Promise<void> {
    const key = stackKey(project, stack);
    const prev = this.last.get(key);
    const due = checkDue({
      intervalMinutes: minutes,
      trusted: vscode.workspace.isTrusted,
      busy: !!this.deps.gate.get(key),
      lastCheckAt: prev?.at,
      unreachableInARow: prev?.unreachable ?? 0,
      now,
    });
    if (!due) return;
    const r = await this.deps.run({ project, stack, operation: 'refresh', driftCheck: true, scheduled: true, confirm: { yes: false } });
    const unreachable = r.status === 'failed' && r.failure.kind === 'backend' ? (prev?.unreachable ?? 0) + 1 : 0;
    this.last.set(key, { at: now, unreachable });
    if (unreachable)
      this.deps.log(`[${key}] scheduled drift check: the backend is unreachable (${unreachable} in a row); checking less often`);
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
