// Shared by the end-to-end checks in this folder: the provisioned tools (.tools/tools.json), a throw-away
// folder and an offline environment for the CLI, numbered steps with their times, and the CLI itself.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
export const fixtures = join(root, 'test', 'fixtures', 'pulumi');

export function loadTools() {
  const file = process.env.OPSDECK_TOOLS_JSON ?? join(root, '.tools', 'tools.json');
  const tools = JSON.parse(readFileSync(file, 'utf8'));
  if (!tools.pulumi) throw new Error(`${file} has no "pulumi" entry: run node scripts/setup-tools.mjs pulumi`);
  return tools;
}

/**
 * A check: a temporary folder, an environment in which PATH holds only the tool dirs, node and the
 * system dirs (so nothing else is used), PULUMI_HOME inside the folder and, unless `backendUrl` says
 * otherwise, a file backend there too.
 */
export function startCheck(name, { backendUrl, env: extra = {} } = {}) {
  const tools = loadTools();
  const pulumiTools = tools.pulumi;
  const tmp = realpathSync(mkdtempSync(join(tmpdir(), `opsdeck-verify-${name}-`)));
  mkdirSync(join(tmp, 'state'));
  mkdirSync(join(tmp, 'home'));
  const env = {
    ...process.env,
    ...pulumiTools.env,
    PATH: [pulumiTools.binDir, ...pulumiTools.pluginDirs, dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    PULUMI_BACKEND_URL: backendUrl ?? `file://${join(tmp, 'state')}`,
    PULUMI_CONFIG_PASSPHRASE: 'test',
    PULUMI_HOME: join(tmp, 'home'),
    ...extra,
  };
  const results = [];

  async function step(title, fn) {
    const t = performance.now();
    try {
      const r = await fn();
      const s = ((performance.now() - t) / 1000).toFixed(2);
      results.push({ title, seconds: Number(s) });
      console.log(`ok   [${name}] ${title}  (${s} s)${r ? `  ${r}` : ''}`);
      return r;
    } catch (e) {
      console.error(`FAIL [${name}] ${title}: ${e.message}`);
      console.error(`(left ${tmp} for inspection)`);
      throw Object.assign(new Error(`${name}: ${title} failed`), { reported: true });
    }
  }

  /** Runs the CLI (argument array); throws with its output when the exit code is not the expected one. */
  function pulumi(args, { cwd, expectFail = false } = {}) {
    const r = spawnSync(pulumiTools.pulumi, [...args, '--non-interactive', '--color=never'], { cwd, env, encoding: 'utf8' });
    const out = `${r.stdout}${r.stderr}`;
    if (expectFail ? r.status === 0 : r.status !== 0) {
      throw new Error(`pulumi ${args.join(' ')} exited ${r.status}${expectFail ? ' (expected a failure)' : ''}\n${out}`);
    }
    return out;
  }

  /** Copies a fixture project (or policy pack) from test/fixtures/pulumi into the folder, with node_modules linked. */
  function copyFixture(fixture, as = fixture) {
    const dir = join(tmp, as);
    cpSync(join(fixtures, fixture), dir, { recursive: true });
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    return dir;
  }

  function finish() {
    rmSync(tmp, { recursive: true, force: true });
    const total = results.reduce((a, r) => a + r.seconds, 0);
    console.log(`[${name}] all ${results.length} checks passed in ${total.toFixed(1)} s\n`);
  }

  return { tools, pulumiTools, tmp, env, step, pulumi, copyFixture, finish };
}

export function expect(cond, message) {
  if (!cond) throw new Error(message);
}
