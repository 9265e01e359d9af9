// The stacks command table. Every command takes either a tree node (menus) or an options object
// ({ project, stack, confirm, wait }) for the palette, keybindings, other extensions and tests;
// options never skip a check, they only answer the questions a person would be asked.
import * as path from 'path';
import * as vscode from 'vscode';
import { CommandHandler, OpsDeckContext } from '../context';
import { DiscoveredProject, ProjectDiscovery } from './discovery';
import { OperationRequest, OperationResult, OperationRunner, ConfirmAnswers } from './operations';
import { StackService, stackKey } from './stackService';
import { StackNode, StacksTree } from './tree';
import { OperationKind } from './model/engineEvents';
import { resourceStateJson, sourceFile } from './model/stateTree';
import { parseUrn } from './model/urn';
import { renderValue } from './model/values';
import { historyRows } from './model/history';
import { Rollback } from './rollback';
import { UNTRUSTED_MESSAGE } from './runner/session';

export interface StackArg {
  project?: string;
  stack?: string;
  confirm?: ConfirmAnswers;
  wait?: boolean;
  /** How the guard asks: a modal dialog (the default) or a notification (VS Code refuses modal dialogs in its test hosts). */
  guardPrompt?: 'modal' | 'notification';
}

export interface Selected {
  project: string;
  projectDir: string;
  stack: string;
}

export class StackCommands {
  selected: Selected | undefined;
  private readonly docs = new Map<string, string>();
  readonly docProvider: vscode.TextDocumentContentProvider = { provideTextDocumentContent: (uri) => this.docs.get(uri.toString()) ?? '' };

  constructor(
    private readonly ctx: OpsDeckContext,
    private readonly discovery: ProjectDiscovery,
    private readonly service: StackService,
    private readonly tree: StacksTree,
    private readonly runner: OperationRunner,
    private readonly rollback: Rollback,
  ) {}

  private async findProject(p: string | undefined): Promise<DiscoveredProject | undefined> {
    const all = await this.discovery.list();
    if (p === undefined) {
      if (this.selected) return all.find((x) => x.dir === this.selected!.projectDir);
      if (all.length === 1) return all[0];
      const pick = await vscode.window.showQuickPick(
        all.map((x) => ({
          label: x.parsed.ok ? x.parsed.value.name : path.basename(x.dir),
          description: vscode.workspace.asRelativePath(x.dir),
          x,
        })),
        { title: 'Pulumi project' },
      );
      return pick?.x;
    }
    return all.find((x) => x.dir === p || path.resolve(p) === x.dir || (x.parsed.ok && x.parsed.value.name === p));
  }

  /** Resolves (node | options) into a project and stack, asking only when interactive. */
  async resolve(arg: unknown): Promise<{ project: DiscoveredProject; stack: string; opts: StackArg } | undefined> {
    const node = arg as StackNode | undefined;
    if (node && typeof node === 'object' && 'kind' in node) {
      if (node.kind === 'stack') return { project: node.project, stack: node.stack.name, opts: {} };
      if ('stack' in node && 'project' in node && typeof node.stack === 'string')
        return { project: node.project, stack: node.stack, opts: {} };
    }
    const opts = (arg && typeof arg === 'object' ? arg : {}) as StackArg;
    const project = await this.findProject(opts.project);
    if (!project) {
      if (opts.project) throw new Error(`No Pulumi project "${opts.project}" in this workspace.`);
      return undefined;
    }
    let stack = opts.stack ?? (this.selected?.projectDir === project.dir ? this.selected.stack : undefined);
    if (!stack) {
      const r = await this.service.stacks(project);
      if (!r.ok) throw new Error(`${r.error.message} ${r.error.remedy}`);
      const current = r.value.find((s) => s.current);
      stack =
        current?.name ??
        (await vscode.window.showQuickPick(
          r.value.map((s) => s.name),
          { title: 'Stack' },
        ));
    }
    return stack ? { project, stack, opts } : undefined;
  }

  /**
   * Select Stack: from a tree node or with a stack named, that stack; from the palette, always a
   * picker of the project's stacks (resolve() would take the current stack and ask nothing), or a
   * message saying why there is nothing to pick.
   */
  private async resolveForSelect(arg: unknown): Promise<{ project: DiscoveredProject; stack: string } | undefined> {
    const a = (arg && typeof arg === 'object' ? arg : {}) as StackNode | StackArg;
    if ('kind' in a || a.stack !== undefined) return this.resolve(arg);
    const project = await this.findProject(a.project);
    if (!project) {
      if (a.project) throw new Error(`No Pulumi project "${a.project}" in this workspace.`);
      if (!(await this.discovery.list()).length)
        void vscode.window.showInformationMessage(
          'There is no Pulumi project (Pulumi.yaml) in this workspace, so there is no stack to select.',
        );
      return undefined;
    }
    const name = project.parsed.ok ? project.parsed.value.name : path.basename(project.dir);
    const list = await this.service.stacks(project);
    if (!list.ok) throw new Error(`${list.error.message} ${list.error.remedy}`);
    if (!list.value.length) {
      const choice = await vscode.window.showInformationMessage(`Project "${name}" has no stacks yet.`, 'New Stack');
      if (choice === 'New Stack') await vscode.commands.executeCommand('opsdeck.newStack', { kind: 'project', project });
      return undefined;
    }
    const selected = this.selected?.projectDir === project.dir ? this.selected.stack : undefined;
    const pick = await vscode.window.showQuickPick(
      list.value.map((st) => ({
        label: st.name,
        description: [st.current ? 'current' : undefined, st.name === selected ? 'selected in OpsDeck' : undefined]
          .filter(Boolean)
          .join(' · '),
      })),
      { title: `Select a stack of ${name}`, placeHolder: 'The stack that Preview, Deploy and the documents act on' },
    );
    return pick ? { project, stack: pick.label } : undefined;
  }

  private async operation(
    operation: OperationKind,
    arg: unknown,
    extra: Partial<OperationRequest> = {},
  ): Promise<OperationResult | undefined> {
    // Before anything about the project is read (resolving a stack may run the CLI).
    if (!vscode.workspace.isTrusted) return this.refuseUntrusted(arg);
    const r = await this.resolve(arg);
    if (!r) return undefined;
    this.select(r.project, r.stack);
    const { confirm, wait, guardPrompt } = r.opts;
    return this.runner.run({ project: r.project, stack: r.stack, operation, confirm, wait, guardPrompt, ...extra });
  }

  private refuseUntrusted(arg: unknown): OperationResult {
    const o = (arg && typeof arg === 'object' ? arg : {}) as { project?: unknown; stack?: unknown; confirm?: unknown };
    const p = o.project as { dir?: unknown } | string | undefined;
    const st = o.stack as { name?: unknown } | string | undefined;
    const dir = typeof p === 'string' ? p : typeof p?.dir === 'string' ? p.dir : 'stacks';
    const stack = typeof st === 'string' ? st : typeof st?.name === 'string' ? st.name : '';
    return this.runner.refuseUntrusted(stack ? `${dir}#${stack}` : dir, !o.confirm);
  }

  select(project: DiscoveredProject, stack: string): void {
    this.selected = { project: project.parsed.ok ? project.parsed.value.name : path.basename(project.dir), projectDir: project.dir, stack };
  }

  private async openDoc(name: string, content: string, beside = false): Promise<vscode.TextEditor> {
    const uri = vscode.Uri.from({ scheme: 'opsdeck-pulumi', path: `/${name}`, query: String(Date.now()) });
    this.docs.set(uri.toString(), content);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'json');
    return vscode.window.showTextDocument(doc, { preview: true, viewColumn: beside ? vscode.ViewColumn.Beside : undefined });
  }

  table(): Record<string, CommandHandler> {
    const table = this.commands();
    // These run the Pulumi CLI on the workspace's project, or load the project's own code (its
    // @pulumi/pulumi for the Automation API), or run git in it (rollback: `git worktree add` runs
    // its hooks). Like the operations (refused in operation() and again in OperationRunner), they
    // wait for the user to trust the folder; the session and the rollback check again themselves.
    for (const name of [
      'selectStack',
      'newStack',
      'cancel',
      'clearStackLock',
      'revealOutput',
      'copyOutput',
      'setConfig',
      'removeConfig',
      'showResourceState',
      'openResourceSource',
    ] as const) {
      const handler = table[name]!;
      table[name] = (...args: unknown[]) => {
        if (!vscode.workspace.isTrusted) throw new Error(UNTRUSTED_MESSAGE);
        return handler(...args);
      };
    }
    // Rollback is an operation: refused with a result, as preview and deploy are.
    const rollback = table.rollback!;
    table.rollback = (...args: unknown[]) => (vscode.workspace.isTrusted ? rollback(...args) : this.refuseUntrusted(args[0]));
    return table;
  }

  private commands(): Record<string, CommandHandler> {
    return {
      refreshStacks: async () => {
        this.service.invalidateAll();
        await this.discovery.rescan();
        this.tree.refresh();
      },
      selectStack: async (arg: unknown) => {
        const r = await this.resolveForSelect(arg);
        if (!r) return;
        const res = await this.service.session(r.project).selectStack(r.stack);
        if (!res.ok) throw new Error(`${res.error.message} ${res.error.remedy}`);
        this.select(r.project, r.stack);
        this.service.invalidate(r.project);
        this.tree.refresh();
        return this.selected;
      },
      newStack: async (arg: unknown) => {
        const a = (arg ?? {}) as StackNode | (StackArg & { name?: string });
        const project = 'kind' in a && a.kind === 'project' ? a.project : await this.findProject((a as StackArg).project);
        if (!project) return;
        const name =
          (a as { name?: string }).name ??
          (await vscode.window.showInputBox({
            title: 'New stack name',
            prompt: 'e.g. dev, staging, prod',
            validateInput: (v) => (/^[A-Za-z0-9_.\-/]+$/.test(v) ? undefined : 'Letters, digits, - _ . / only'),
          }));
        if (!name) return;
        if (!(await this.service.ensurePassphrase(project, !(a as { name?: string }).name)))
          throw new Error('This backend needs a passphrase for the new stack. Run "OpsDeck: Set Pulumi Passphrase" first.');
        const r = await this.service.session(project).createStack(name);
        if (!r.ok) throw new Error(`${r.error.message} ${r.error.remedy}`);
        this.select(project, name);
        this.service.invalidate(project);
        this.tree.refresh();
        return { project: project.dir, stack: name };
      },
      preview: (arg: unknown) => this.operation('preview', arg),
      deploy: (arg: unknown) => this.operation('up', arg),
      deployPreview: (arg: unknown) => this.operation('up', arg, { fromPreview: true }),
      refreshStack: (arg: unknown) => this.operation('refresh', arg),
      // Drift: a preview-only refresh (changes nothing); Accept is a refresh, Revert an up that
      // refreshes first, both with the usual guard rails.
      checkDrift: (arg: unknown) => this.operation('refresh', arg, { driftCheck: true }),
      acceptDrift: (arg: unknown) => this.operation('refresh', arg),
      revertDrift: (arg: unknown) => this.operation('up', arg, { refreshFirst: true }),
      destroy: (arg: unknown) => this.operation('destroy', arg),
      cancel: async (arg: unknown) => {
        const r = await this.resolve(arg);
        if (!r) return false;
        if (this.runner.cancel(stackKey(r.project, r.stack))) return true;
        const choice = r.opts.confirm
          ? 'Clear Lock'
          : await vscode.window.showInformationMessage(
              `Nothing is running on "${r.stack}" from OpsDeck. If an update was killed and left the stack locked, you can clear the lock.`,
              { modal: true },
              'Clear Lock',
            );
        if (choice === 'Clear Lock')
          return vscode.commands.executeCommand('opsdeck.clearStackLock', {
            project: r.project.dir,
            stack: r.stack,
            confirm: r.opts.confirm,
          });
        return false;
      },
      clearStackLock: async (arg: unknown) => {
        const r = await this.resolve(arg);
        if (!r) return false;
        if (!r.opts.confirm) {
          const ok = await vscode.window.showWarningMessage(
            `Clear the lock on "${r.stack}"?`,
            {
              modal: true,
              detail:
                'Only do this when no update is really running (for example after a killed process): clearing the lock of a live update can corrupt the state.',
            },
            'Clear Lock',
          );
          if (ok !== 'Clear Lock') return false;
        }
        const res = await this.service.session(r.project).clearLock(r.stack);
        if (!res.ok) throw new Error(`${res.error.message} ${res.error.remedy}`);
        this.ctx.output.info(`[${stackKey(r.project, r.stack)}] lock cleared`);
        this.service.invalidate(r.project, r.stack);
        this.tree.refresh();
        return true;
      },
      openProgram: async (arg: unknown) => {
        const node = arg as StackNode | undefined;
        const project = node && 'project' in node ? node.project : await this.findProject((arg as StackArg | undefined)?.project);
        if (!project) return;
        const main = project.parsed.ok ? project.parsed.value.main : undefined;
        const candidates = [main, 'index.ts', 'index.js', 'Pulumi.yaml']
          .filter((x): x is string => !!x)
          .map((f) => vscode.Uri.file(path.join(project.dir, f)));
        for (const c of candidates) {
          try {
            await vscode.workspace.fs.stat(c);
            await vscode.window.showTextDocument(c);
            return;
          } catch {
            /* try the next */
          }
        }
      },
      // From a tree node, or from the resource graph ({ project, stack, urn, beside }).
      showResourceState: async (arg: StackNode | (StackArg & { urn?: string; beside?: boolean })) => {
        const r =
          arg && 'kind' in arg
            ? arg.kind === 'resource'
              ? { project: arg.project, stack: arg.stack }
              : undefined
            : await this.resolve(arg);
        const urn = arg && 'kind' in arg ? (arg.kind === 'resource' ? arg.node.urn : undefined) : arg?.urn;
        if (!r || !urn) return;
        const st = await this.service.state({ project: r.project, stack: r.stack });
        if (!st.ok) throw new Error(st.error.message);
        const raw = st.value.byUrn.get(urn) ?? (await st.value.rawOf?.(urn));
        if (raw) await this.openDoc(`${r.stack}/${parseUrn(urn).name}.json`, resourceStateJson(raw), !('kind' in arg) && arg.beside);
      },
      // From a tree node, or from the change view's link ({ project, stack, urn }).
      openResourceSource: async (arg: StackNode | (StackArg & { urn?: string; beside?: boolean })) => {
        if (arg && 'kind' in arg) {
          if (arg.kind !== 'resource' || !arg.node.source) return false;
          await this.openSource(arg.project, arg.node.source);
          return true;
        }
        const urn = arg?.urn;
        const r = typeof urn === 'string' ? await this.resolve(arg) : undefined;
        if (!r || !urn) return false;
        const st = await this.service.state({ project: r.project, stack: r.stack });
        const src = st.ok ? st.value.sources.get(urn) : undefined;
        if (!src) {
          void vscode.window.showInformationMessage(
            'The state records no source position for this resource (it is recorded once the resource has been deployed).',
          );
          return false;
        }
        await this.openSource(r.project, src, arg.beside);
        return true;
      },
      revealOutput: (node: StackNode) => {
        if (node?.kind === 'output') this.tree.reveal(node);
      },
      copyOutput: async (node: StackNode) => {
        if (node?.kind !== 'output') return;
        await vscode.env.clipboard.writeText(typeof node.value === 'string' ? node.value : JSON.stringify(node.value));
        void vscode.window.setStatusBarMessage(`Copied ${node.secret ? 'secret ' : ''}output ${node.key}`, 3000);
      },
      setConfig: async (arg: unknown) => {
        const a = (arg ?? {}) as StackNode | (StackArg & { key?: string; value?: string; secret?: boolean });
        const r = await this.resolve(arg);
        if (!r) return;
        const given = 'kind' in a ? undefined : a;
        const existingKey = 'kind' in a && a.kind === 'config' ? a.key : undefined;
        const key =
          given?.key ??
          existingKey ??
          (await vscode.window.showInputBox({ title: `Config key for ${r.stack}`, placeHolder: 'e.g. region or myproject:setting' }));
        if (!key) return;
        const secret =
          given?.secret ??
          ('kind' in a && a.kind === 'config'
            ? a.secret
            : (await vscode.window.showQuickPick(['Plain value', 'Secret (encrypted)'], { title: `Is ${key} a secret?` })) ===
              'Secret (encrypted)');
        const value =
          given?.value ?? (await vscode.window.showInputBox({ title: `Value for ${key}`, password: secret, ignoreFocusOut: true }));
        if (value === undefined) return;
        if (secret) this.service.masker.add(value, { key });
        if (!(await this.service.ensurePassphrase(r.project, !given)))
          throw new Error('Setting config needs the stack passphrase. Run "OpsDeck: Set Pulumi Passphrase".');
        const res = await this.service.session(r.project).setConfig(r.stack, key, value, secret);
        if (!res.ok) throw new Error(`${res.error.message} ${res.error.remedy}`);
        this.service.invalidate(r.project, r.stack);
        this.tree.refresh();
      },
      removeConfig: async (arg: unknown) => {
        const a = (arg ?? {}) as StackNode | (StackArg & { key?: string });
        const r = await this.resolve(arg);
        if (!r) return;
        const key = 'kind' in a ? (a.kind === 'config' ? a.key : undefined) : a.key;
        if (!key) return;
        if ('kind' in a) {
          const ok = await vscode.window.showWarningMessage(`Remove config "${key}" from ${r.stack}?`, { modal: true }, 'Remove');
          if (ok !== 'Remove') return;
        }
        const res = await this.service.session(r.project).removeConfig(r.stack, key);
        if (!res.ok) throw new Error(`${res.error.message} ${res.error.remedy}`);
        this.service.invalidate(r.project, r.stack);
        this.tree.refresh();
      },
      showUpdateRecord: async (node: StackNode) => {
        if (node?.kind !== 'history') return;
        const redacted = JSON.parse(
          JSON.stringify(node.raw, (_k, v) =>
            typeof v === 'object' && v && 'secret' in v && (v as { secret: boolean }).secret ? { ...v, value: '[secret]' } : v,
          ),
        ) as unknown;
        await this.openDoc(`${node.stack}/update-${node.row.version}.json`, JSON.stringify(redacted, null, 2));
      },
      rollback: async (arg: unknown) => {
        let node = arg as (StackNode & { confirm?: ConfirmAnswers; record?: boolean; guardPrompt?: 'modal' | 'notification' }) | undefined;
        if (!node || !('kind' in node)) {
          // { project, stack, version, confirm }: the history entry by its number in the History list.
          const r = await this.resolve(arg);
          if (!r) return undefined;
          const version = (arg as { version?: number }).version;
          const h = await this.service.history({ project: r.project, stack: r.stack });
          if (!h.ok) throw new Error(`${h.error.message} ${h.error.remedy}`);
          const rows = historyRows(h.value, new Date());
          const i = rows.findIndex((x) => x.version === version);
          if (i < 0) throw new Error(`Stack "${r.stack}" has no update #${version}.`);
          node = {
            kind: 'history',
            project: r.project,
            stack: r.stack,
            row: rows[i]!,
            raw: h.value[rows[i]!.index!]!,
            confirm: r.opts.confirm,
            // false when the operations recorder rolls back an operation it is recording already
            record: (arg as { record?: boolean }).record,
            // 'notification' when the operations recorder asks after its "Roll back now"
            guardPrompt: (arg as { guardPrompt?: 'modal' | 'notification' }).guardPrompt,
          };
        } else if (node.kind === 'history' && !node.confirm) {
          const ok = await vscode.window.showInformationMessage(
            `Roll "${node.stack}" back to update ${node.row.label}?`,
            {
              modal: true,
              detail: `OpsDeck checks out commit ${node.row.commit ?? '?'} into a temporary git worktree, previews it, and deploys it after you confirm the preview. The worktree is removed afterwards.`,
            },
            'Preview Rollback',
          );
          if (ok !== 'Preview Rollback') return undefined;
        }
        return this.rollback.run(node, (req) => this.runner.run(req));
      },
      setPulumiPassphrase: async (arg: unknown) => {
        const a = (arg ?? {}) as StackNode | { project?: string; stack?: string; passphrase?: string };
        const project = 'kind' in a && 'project' in a ? a.project : await this.findProject((a as { project?: string }).project);
        if (!project) return;
        const stack =
          'kind' in a ? (a.kind === 'stack' ? a.stack.name : 'stack' in a && typeof a.stack === 'string' ? a.stack : undefined) : a.stack;
        if (!('kind' in a) && a.passphrase !== undefined) await this.service.setPassphrase(project, a.passphrase);
        // The prompt names the project and the stack (not the folder).
        else if (!(await this.service.promptPassphrase(project, stack))) return;
        this.tree.refresh();
      },
      showStacksLog: () => this.ctx.output.show(true),
    };
  }

  // The engine records TypeScript positions on both routes (the inline worker is plain Node with
  // source maps on), so the position opens as recorded: no workspace code runs to map it.
  async openSource(project: DiscoveredProject, pos: { file: string; line: number; column?: number }, beside = false): Promise<void> {
    const file = sourceFile(pos, project.dir);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    const p = new vscode.Position(Math.max(0, pos.line - 1), Math.max(0, (pos.column ?? 1) - 1));
    await vscode.window.showTextDocument(doc, {
      selection: new vscode.Range(p, p),
      preview: true,
      viewColumn: beside ? vscode.ViewColumn.Beside : undefined,
    });
  }
}

export function describeValue(v: unknown): string {
  return renderValue(v, 200);
}
