// The same integration suite under @vscode/test-electron, for machines with internet access (it
// downloads VS Code). Tests that need the outside browser (screenshots, webview text) report themselves
// skipped here: rig.hasRig() is false. CI on this project's offline machines uses runInCodeServer.
//
//   npm run test:electron            (OPSDECK_TEST_GREP and OPSDECK_SUITE=bench work as with the rig)
import * as fs from 'fs';
import * as path from 'path';
import { runTests } from '@vscode/test-electron';

const REPO = path.resolve(__dirname, '..', '..', '..');

async function main(): Promise<void> {
  const out = path.join(REPO, 'test-output', 'electron');
  fs.rmSync(out, { recursive: true, force: true });
  const workspace = path.join(out, 'workspace');
  const results = path.join(out, 'results');
  fs.mkdirSync(results, { recursive: true });
  fs.cpSync(path.join(REPO, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });

  const toolsJson = path.join(REPO, '.tools', 'tools.json');
  const extensionTestsEnv: Record<string, string | undefined> = {
    OPSDECK_REPO: REPO,
    OPSDECK_TEST_OUTPUT: results,
    OPSDECK_TOOLS_JSON: fs.existsSync(toolsJson) ? toolsJson : undefined,
    OPSDECK_TEST_GREP: process.env.OPSDECK_TEST_GREP,
    OPSDECK_SUITE: process.env.OPSDECK_SUITE,
  };
  await runTests({
    version: process.env.OPSDECK_VSCODE_VERSION || '1.100.3',
    extensionDevelopmentPath: REPO,
    extensionTestsPath: path.join(REPO, 'out', 'test', 'integration', 'index.js'),
    extensionTestsEnv,
    launchArgs: [
      workspace,
      '--disable-extensions',
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
      `--user-data-dir=${path.join(out, 'user-data')}`,
    ],
  });
}

main().catch((e: Error) => {
  console.error(`[electron] ${e.message}`);
  if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|download/i.test(e.message)) {
    console.error(
      '[electron] @vscode/test-electron downloads VS Code and needs internet access; offline, run `npm run test:integration` (code-server rig).',
    );
  }
  process.exit(1);
});
