// "Roll back to this update": check the update's recorded git commit out into a temporary git
// worktree, preview from there, and after confirmation deploy it (through the same guarded
// runner). The worktree is removed whatever happens.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
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
  ) {}

  private async git(cwd: string, args: string[]): Promise<string> {
    const r = await run('git', ['-C', cwd, ...args], { timeoutMs: 60_000 });
    if (!r.ok)
      throw new Error(
        r.error.kind === 'not-found' ? 'git was not found on PATH: rollback needs git.' : `git ${args[0]} failed: ${r.error.message}`,
      );
    return r.value.stdout.trim();
  }

  async run(
    arg: StackNode & { confirm?: ConfirmAnswers },
    runOp: (req: OperationRequest) => Promise<OperationResult>,
  ): Promise<OperationResult> {
    if (arg?.kind !== 'history' || !arg.row.commit) {
      return { status: 'refused', reason: 'This history entry recorded no git commit, so there is nothing to roll back to.' };
    }
    const { project, stack } = arg;
    const commit = arg.row.commit;
    const key = stackKey(project, stack);
    const held = this.gate.tryAcquire(key, 'rollback');
    if (!held.ok) return { status: 'refused', reason: held.message };
    let root = '';
    let tmp = '';
    try {
      root = await this.git(project.dir, ['rev-parse', '--show-toplevel']);
      const rel = path.relative(root, project.dir);
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-rollback-'));
      fs.rmSync(tmp, { recursive: true, force: true });
      this.log(`[${key}] rollback: checking out ${commit.slice(0, 12)} into a temporary worktree`);
      await this.git(root, ['worktree', 'add', '--detach', tmp, commit]);
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
      const result = await runOp({ project: wtProject, stack, operation: 'up', confirm: arg.confirm });
      this.log(`[${key}] rollback to ${commit.slice(0, 12)}: ${result.status}`);
      return result;
    } finally {
      held.release();
      if (tmp) {
        await run('git', ['-C', root, 'worktree', 'remove', '--force', tmp], { timeoutMs: 60_000 });
        fs.rmSync(tmp, { recursive: true, force: true });
        await run('git', ['-C', root, 'worktree', 'prune'], { timeoutMs: 60_000 });
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
