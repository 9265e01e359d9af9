// "Roll back to this update": check the update's recorded git commit out into a temporary git
// worktree, preview from there, and after confirmation deploy it (through the same guarded
// runner). The worktree is removed whatever happens.
//
// `git worktree add` runs the repository's hooks and the deploy runs its program, so nothing here
// happens in an untrusted workspace (checked here too, not only by the command). git is the one on
// PATH by absolute path (never one inside the workspace), always with -C. The worktree lives inside
// a private folder (mkdtemp, mode 0700) that exists for the whole rollback, so no other local user
// can predict or take its path.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { findGit } from '../shared/gitPath';
import { run } from '../shared/process';
import { DiscoveredProject } from './discovery';
import { parseProjectFile } from './model/projectFile';
import { OperationGate } from './model/operationGate';
import { OperationRequest, OperationResult, ConfirmAnswers } from './operations';
import { StackService, stackKey } from './stackService';
import { StackNode } from './tree';

export class Rollback {
  constructor(
    private readonly service: StackService,
    private readonly gate: OperationGate,
    private readonly log: (line: string) => void,
    private readonly isTrusted: () => boolean,
    private readonly tmpRoot: string = os.tmpdir(),
  ) {}

  private gitPath(workspace: string): string {
    const g = findGit(process.env.PATH, [workspace]);
    if (!g) throw new Error('git was not found on PATH: rollback needs git.');
    return g;
  }

  private async git(git: string, dir: string, args: string[]): Promise<string> {
    const r = await run(git, ['-C', dir, ...args], { cwd: os.homedir(), timeoutMs: 60_000 });
    if (!r.ok) throw new Error(`git ${args[0]} failed: ${r.error.message}`);
    return r.value.stdout.trim();
  }

  async run(
    arg: StackNode & { confirm?: ConfirmAnswers; record?: boolean; guardPrompt?: 'modal' | 'notification' },
    runOp: (req: OperationRequest) => Promise<OperationResult>,
  ): Promise<OperationResult> {
    if (!this.isTrusted()) {
      return {
        status: 'refused',
        reason:
          "Rolling back runs git (and its hooks) and the workspace's program, so it is off in an untrusted workspace. Trust the folder to use it.",
      };
    }
    if (arg?.kind !== 'history' || !arg.row.commit) {
      return { status: 'refused', reason: 'This history entry recorded no git commit, so there is nothing to roll back to.' };
    }
    const { project, stack } = arg;
    const commit = arg.row.commit;
    const key = stackKey(project, stack);
    const held = this.gate.tryAcquire(key, 'rollback');
    if (!held.ok) return { status: 'refused', reason: held.message };
    let root = '';
    let priv = '';
    let tmp = '';
    let git = '';
    try {
      git = this.gitPath(project.dir);
      root = await this.git(git, project.dir, ['rev-parse', '--show-toplevel']);
      const rel = path.relative(root, project.dir);
      priv = await fs.promises.mkdtemp(path.join(this.tmpRoot, 'opsdeck-rollback-'));
      await fs.promises.chmod(priv, 0o700);
      tmp = path.join(priv, 'worktree');
      this.log(`[${key}] rollback: checking out ${commit.slice(0, 12)} into a temporary worktree`);
      await this.git(git, root, ['worktree', 'add', '--detach', tmp, commit]);
      const wtDir = path.join(tmp, rel);
      const file = ['Pulumi.yaml', 'Pulumi.yml'].map((f) => path.join(wtDir, f)).find((f) => fs.existsSync(f));
      if (!file) return { status: 'refused', reason: `Commit ${commit.slice(0, 12)} has no Pulumi project at ${rel || '.'}.` };
      linkNodeModules(project.dir, wtDir);
      const wtProject: DiscoveredProject = {
        dir: wtDir,
        fileUri: vscode.Uri.file(file),
        parsed: parseProjectFile(fs.readFileSync(file, 'utf8'), `Pulumi.yaml at ${commit.slice(0, 12)}`),
      };
      await this.service.sharePassphrase(project, wtProject);
      const result = await runOp({
        project: wtProject,
        stack,
        operation: 'up',
        confirm: arg.confirm,
        guardPrompt: arg.guardPrompt,
        rollbackOf: { project, version: arg.row.version, record: arg.record !== false },
      });
      this.log(`[${key}] rollback to ${commit.slice(0, 12)}: ${result.status}`);
      return result;
    } finally {
      held.release();
      if (priv) {
        if (root) await run(git, ['-C', root, 'worktree', 'remove', '--force', tmp], { cwd: os.homedir(), timeoutMs: 60_000 });
        await fs.promises.rm(priv, { recursive: true, force: true });
        if (root) await run(git, ['-C', root, 'worktree', 'prune'], { cwd: os.homedir(), timeoutMs: 60_000 });
      }
      this.service.invalidate(project, stack);
    }
  }
}

/** A fresh worktree has no node_modules: link the project's nearest one so the program resolves. */
function linkNodeModules(projectDir: string, wtDir: string): void {
  if (fs.existsSync(path.join(wtDir, 'node_modules'))) return;
  let d = projectDir;
  for (;;) {
    const nm = path.join(d, 'node_modules');
    if (fs.existsSync(nm)) {
      fs.symlinkSync(nm, path.join(wtDir, 'node_modules'), 'dir');
      return;
    }
    const up = path.dirname(d);
    if (up === d) return;
    d = up;
  }
}
