// Host benchmark for operations, in the real extension host on the E2E fixture (a dynamic provider
// writes the state a loopback service answers from): a deploy that breaks the service, then the time
// from the deploy's end to the regression being detected, and from detection to the rollback having
// completed. The rollback is the automatic one (opsdeck.operations.autoRollback), so no person's
// reaction time is in the figure. Targets: ≤ 15 s each (the team's: < 30 s).
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import * as vscode from 'vscode';
import { outputDir } from '../rig';
import type { OperationsApi } from '../../../src/operations';
import { api, cmd, copyFixture, dataDir, OpResult, toolsHavePulumi, until, useFileBackend, workspaceDir } from '../suite/stacks/support';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=OpsDeck Bench', '-c', 'user.email=bench@opsdeck.invalid', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();
}

describe('Operations bench: detection and rollback in the real host', () => {
  it('measures deploy end → regression detected, and detection → rollback completed', async function () {
    if (!toolsHavePulumi()) this.skip();
    await api();
    const ext = vscode.extensions.getExtension<Record<string, unknown>>('opsdeck.opsdeck')!;
    const ops = (await ext.activate()).operations as OperationsApi;
    await useFileBackend();
    const project = copyFixture('service', 'bench-service');
    fs.writeFileSync(
      path.join(project, 'Pulumi.yaml'),
      fs.readFileSync(path.join(project, 'Pulumi.yaml'), 'utf8').replace('name: opsdeck-service', 'name: opsdeck-bench-ops'),
    );
    const data = dataDir('bench-service');
    const stateFile = path.join(data, 'state.json');
    fs.rmSync(stateFile, { force: true });
    const server = http.createServer((_q, res) => {
      let healthy = true;
      try {
        healthy = (JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { healthy: boolean }).healthy;
      } catch {
        /* not deployed yet */
      }
      res.writeHead(healthy ? 200 : 503).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
    const healthYaml = path.join(workspaceDir(), '.opsdeck', 'health.yaml');
    const ops_ = vscode.workspace.getConfiguration('opsdeck.operations');
    const healthCfg = vscode.workspace.getConfiguration('opsdeck.health');
    try {
      // The defaults a team would use for the window: checks every 5 s (the default verify interval,
      // which is also the default interval floor), two failed checks make "down".
      fs.mkdirSync(path.dirname(healthYaml), { recursive: true });
      fs.writeFileSync(
        healthYaml,
        `version: 1\ndefaults: { interval: 10s, timeout: 3s, failureThreshold: 2, retries: 0 }\nendpoints:\n  - { name: svc, url: "${url}", stack: dev }\n`,
      );
      await vscode.commands.executeCommand('opsdeck.refreshHealth');
      await healthCfg.update('notifications', false, vscode.ConfigurationTarget.Workspace);
      await ops_.update('record', 'always', vscode.ConfigurationTarget.Workspace);
      await ops_.update('verifyMinutes', 0.1, vscode.ConfigurationTarget.Workspace);
      await ops_.update('autoRollback', ['dev'], vscode.ConfigurationTarget.Workspace);

      git(project, 'init', '-q');
      await cmd('refreshStacks');
      await cmd('setPulumiPassphrase', { project, passphrase: 'opsdeck integration passphrase' });
      await cmd('newStack', { project, name: 'dev' });
      const set = (key: string, value: string) => cmd('setConfig', { project, stack: 'dev', key, value, secret: false });
      await set('dir', data);
      await set('healthy', 'true');
      git(project, 'add', '-A');
      git(project, 'commit', '-qm', 'healthy');
      const up1 = await cmd<OpResult>('deploy', { project, stack: 'dev', confirm: { yes: true } });
      assert.strictEqual(up1.status, 'succeeded', JSON.stringify(up1));
      await until('the first window', () => ops.entries(project, 'dev')[0]?.verdict === 'passed', 60_000);

      await ops_.update('verifyMinutes', 2, vscode.ConfigurationTarget.Workspace);
      await set('healthy', 'false');
      git(project, 'commit', '-qam', 'unhealthy');
      const up2 = await cmd<OpResult>('deploy', { project, stack: 'dev', confirm: { yes: true } });
      assert.strictEqual(up2.status, 'succeeded', JSON.stringify(up2));
      const e = await until(
        'the automatic rollback',
        () => {
          const x = ops.entries(project, 'dev')[0];
          return x?.result === 'rolled back' ? x : undefined;
        },
        180_000,
      );
      const text = await until('the record closed', () => {
        const t = fs.readFileSync(e.record!, 'utf8');
        return t.includes('"closed":true') ? t : undefined;
      });
      const detected = Number(/\*\*Detected\*\*: ([\d.]+) s/.exec(text)?.[1]);
      const rolledBack = Number(/\*\*Rolled back\*\*: ([\d.]+) s/.exec(text)?.[1]);
      assert.ok(Number.isFinite(detected) && Number.isFinite(rolledBack), text);
      const results = [
        {
          name: 'deploy end → regression detected (service down: 2 failed checks)',
          value: detected,
          unit: 's',
          note: 'verify interval 5 s (default), failureThreshold 2; target ≤ 15 s',
        },
        {
          name: 'detection → rollback completed (git worktree, preview, deploy of the previous update)',
          value: rolledBack,
          unit: 's',
          note: 'automatic rollback (no human in the loop); target ≤ 15 s',
        },
      ];
      fs.mkdirSync(path.join(outputDir(), 'bench'), { recursive: true });
      fs.writeFileSync(path.join(outputDir(), 'bench', 'operations.json'), JSON.stringify(results, null, 2));
      console.log(JSON.stringify(results));
    } finally {
      for (const k of ['record', 'verifyMinutes', 'autoRollback']) await ops_.update(k, undefined, vscode.ConfigurationTarget.Workspace);
      await healthCfg.update('notifications', undefined, vscode.ConfigurationTarget.Workspace);
      fs.rmSync(healthYaml, { force: true });
      await vscode.commands.executeCommand('opsdeck.refreshHealth');
      await new Promise((r) => server.close(r));
    }
  });
});
