// Health in an UNTRUSTED workspace (the rig's untrusted pass): a cloned repository's health.yaml is
// read and its endpoints are listed, but nothing is probed until the user trusts the folder, and the
// Health view says so. The rules that hold in every workspace (GET/HEAD only, no link-local targets)
// show as diagnostics here too. (Starting the checks once trust is granted is covered by
// test/unit/health/probeCoordinator.test.ts: granting trust here would end the untrusted pass.)
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { domText, hasRig, screenshot, waitFor } from '../rig';
import type { HealthApi } from '../../../src/health';
import { LoopbackHttp, LoopbackTcp } from '../../unit/health/loopbackServers';

const root = (): string => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
const configPath = (): string => path.join(root(), '.opsdeck', 'health.yaml');

describe('Untrusted Health: endpoints are listed, not probed', function () {
  this.timeout(90_000);
  let health: HealthApi;
  let web: LoopbackHttp;
  let tcp: LoopbackTcp;
  let tcpConnections = 0;

  before(async () => {
    const ext = vscode.extensions.getExtension<Record<string, unknown>>('opsdeck.opsdeck')!;
    health = (await ext.activate()).health as HealthApi;
    web = await new LoopbackHttp().start();
    tcp = await new LoopbackTcp().start();
    tcp.onConnection = () => tcpConnections++;
    // Even with the user's floor lowered, nothing may be probed while the folder is untrusted.
    await vscode.workspace.getConfiguration('opsdeck.health').update('minimumIntervalSeconds', 0.1, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    fs.rmSync(configPath(), { force: true });
    await vscode.commands.executeCommand('opsdeck.refreshHealth');
    await vscode.workspace
      .getConfiguration('opsdeck.health')
      .update('minimumIntervalSeconds', undefined, vscode.ConfigurationTarget.Global);
    await web?.stop();
    await tcp?.stop();
  });

  it('lists the endpoints of the workspace health.yaml, sends nothing, and says why in the Health view', async () => {
    assert.strictEqual(vscode.workspace.isTrusted, false, 'this pass runs untrusted');
    fs.mkdirSync(path.dirname(configPath()), { recursive: true });
    fs.writeFileSync(
      configPath(),
      `defaults: { interval: 200ms, timeout: 300ms, failureThreshold: 1, retries: 0 }
endpoints:
  - { name: web, url: "${web.url}" }
  - { name: db, tcp: "127.0.0.1:${tcp.port}" }
  - { name: wipe, url: "${web.url}", method: DELETE }
  - { name: metadata, url: "http://169.254.169.254/latest/meta-data/iam/" }
`,
    );
    await vscode.commands.executeCommand('opsdeck.refreshHealth');
    const s = await waitFor('the endpoints listed', () => {
      const snap = health.snapshot();
      return snap.endpoints.length === 4 ? snap : undefined;
    });
    assert.deepStrictEqual(
      s.endpoints.map((e) => [e.name, e.status]),
      [
        ['web', 'unknown'],
        ['db', 'unknown'],
        ['wipe', 'unknown'],
        ['metadata', 'unknown'],
      ],
    );
    assert.match(s.notProbingReason ?? '', /not trusted.*Trust the folder/);
    assert.strictEqual(health.role(), 'idle');
    // Time for a dozen checks at 200 ms: none happens, "Check Now" included.
    await vscode.commands.executeCommand('opsdeck.checkHealthNow');
    await new Promise((r) => setTimeout(r, 2500));
    assert.strictEqual(web.requests, 0, 'an untrusted workspace made OpsDeck send HTTP requests');
    assert.strictEqual(tcpConnections, 0, 'an untrusted workspace made OpsDeck open TCP connections');
    assert.ok(
      health.snapshot().endpoints.every((e) => !e.lastCheck),
      'no check result',
    );

    // The rules of every workspace show where the file breaks them.
    const diags = vscode.languages.getDiagnostics(vscode.Uri.file(configPath()));
    const lines = (re: RegExp) => diags.filter((d) => re.test(d.message)).map((d) => d.range.start.line);
    assert.deepStrictEqual(lines(/method DELETE is not sent/), [4]);
    assert.deepStrictEqual(lines(/link-local/), [5]);
    assert.match(health.snapshot().endpoints.find((e) => e.name === 'metadata')!.problem ?? '', /169\.254\.169\.254.*link-local/);

    if (hasRig()) {
      await vscode.commands.executeCommand('workbench.view.extension.opsdeck');
      await vscode.commands.executeCommand('opsdeck.health.focus');
      const text = await waitFor('the untrusted message in the Health view', async () => {
        const t = await domText('.pane-body .message');
        return t.includes('not trusted') ? t : undefined;
      });
      assert.match(text, /endpoints are listed but not checked/);
      await waitFor('the endpoints in the Health tree', async () => (await domText('.monaco-list-row')).includes('metadata'));
      await screenshot('untrusted-health');
    }
  });
});
