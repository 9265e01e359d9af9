// Entry point the extension host loads as `extensionTestsPath`: runs the integration suite (or, with
// OPSDECK_SUITE=bench, the host benchmarks; with OPSDECK_SUITE=untrusted, the untrusted-workspace suite
// in test/integration/untrusted/) with mocha inside the real VS Code extension host.
// Resolving means every test passed; rejecting makes the rig exit non-zero.
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

function collect(dir: string, suffix: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...collect(full, suffix));
    else if (entry.name.endsWith(suffix)) found.push(full);
  }
  return found.sort();
}

export function run(): Promise<void> {
  const suite = process.env.OPSDECK_SUITE;
  const bench = suite === 'bench';
  const grep = process.env.OPSDECK_TEST_GREP || undefined;
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false,
    // Generous: a Pulumi deploy or a cold code-server view can take a while on a 2-core machine.
    timeout: Number(process.env.OPSDECK_TEST_TIMEOUT_MS) || 180_000,
    grep,
  });
  const files = bench
    ? collect(path.join(__dirname, 'bench'), '.bench.test.js')
    : collect(path.join(__dirname, suite === 'untrusted' || suite === 'demo' ? suite : 'suite'), '.test.js');
  for (const f of files) mocha.addFile(f);
  const label = bench
    ? 'host benchmarks'
    : suite === 'untrusted'
      ? 'untrusted-workspace suite'
      : suite === 'demo'
        ? 'demo workspace suite'
        : 'integration suite';
  console.log(`[opsdeck-tests] ${label}: ${files.length} files${grep ? `, grep "${grep}"` : ''}, VS Code ${vscode.version}`);

  return new Promise<void>((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        // OPSDECK_EMPTY_GREP_OK: the rig runs several passes and checks that at least one matched.
        if (runner.total === 0 && grep && process.env.OPSDECK_EMPTY_GREP_OK === '1') resolve();
        else if (runner.total === 0) reject(new Error(`no integration test matched${grep ? ` OPSDECK_TEST_GREP="${grep}"` : ''}`));
        else if (failures > 0) reject(new Error(`${failures} integration test${failures === 1 ? '' : 's'} failed`));
        else resolve();
      });
    } catch (e) {
      reject(e);
    }
  });
}
