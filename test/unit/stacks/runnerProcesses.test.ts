// The runner against the real Pulumi CLI in plain Node (skipped without .tools/tools.json):
// - the inline route runs the program in a worker process: a program that throws asynchronously or
//   calls process.exit fails its operation with an explanation, and this process (standing in for
//   the extension host) keeps its process-wide handlers and keeps running;
// - `setConfig --secret` passes the value on stdin: a process listing taken throughout the call
//   never shows it, and the value round-trips byte for byte;
// - an untrusted session runs nothing.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { PulumiProjectSession, RunnerSettings } from '../../../src/stacks/runner/session';
import { EngineEventLike } from '../../../src/stacks/model/engineEvents';
import { realCliSettings, repo, tools } from './realCli';

function cmdlines(): string[] {
  const out: string[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      out.push(fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').join(' '));
    } catch {
      /* gone */
    }
  }
  return out;
}

describe('stacks: the runner and its processes (real CLI)', function () {
  this.timeout(180_000);
  // Inside the repository, so the programs resolve @pulumi/pulumi from its node_modules.
  const base = path.join(repo, 'test-output', 'unit-runner');
  let settings: RunnerSettings;
  let project: string;

  before(function () {
    if (!tools.pulumi || process.platform !== 'linux') {
      console.log('  (skipped: no Pulumi CLI in .tools/tools.json; run npm run setup-tools pulumi)');
      this.skip();
    }
    fs.rmSync(base, { recursive: true, force: true });
    fs.mkdirSync(path.join(base, 'backend'), { recursive: true });
    settings = realCliSettings(base, 'inline');
  });
  // Sessions keep a spare inline worker for the next operation: end them, or they keep mocha (and
  // their processes) running after the last test.
  const sessions: PulumiProjectSession[] = [];
  after(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.dispose()));
    fs.rmSync(base, { recursive: true, force: true });
  });

  function program(name: string, index: string): PulumiProjectSession {
    project = path.join(base, name);
    fs.mkdirSync(project, { recursive: true });
    fs.writeFileSync(path.join(project, 'Pulumi.yaml'), `name: ${name}\nruntime: nodejs\n`);
    fs.writeFileSync(path.join(project, 'index.ts'), index);
    const session = new PulumiProjectSession({ dir: project, name, runtime: 'nodejs', main: 'index.ts' }, settings, () => true);
    sessions.push(session);
    return session;
  }

  const handlers = () => [process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')];

  it('a program that throws asynchronously fails its preview with the error; this process is untouched', async () => {
    const s = program(
      'async-throw',
      "import * as pulumi from '@pulumi/pulumi';\nexport const x = 1;\nsetTimeout(() => { throw new Error('boom from a timer'); }, 10);\nnew Promise((_, reject) => setTimeout(() => reject(new Error('rejected later')), 20));\n",
    );
    assert.ok((await s.createStack('dev')).ok);
    const before = handlers();
    const events: EngineEventLike[] = [];
    const notes: string[] = [];
    const r = await s.run('preview', 'dev', { onEvent: (e) => events.push(e), onNote: (n) => notes.push(n) });
    assert.ok(!r.ok, JSON.stringify(r));
    assert.match(`${r.error.message}\n${r.error.detail}\n${notes.join('\n')}`, /boom from a timer|rejected later/);
    assert.deepStrictEqual(handlers(), before, 'no process-wide handler was added or removed here');
    // The next operation works as before.
    const again = program('after-throw', "export const ok = 'yes';\n");
    assert.ok((await again.createStack('dev')).ok);
    const ok = await again.run('preview', 'dev', {});
    assert.ok(ok.ok, JSON.stringify(ok));
    assert.strictEqual(ok.value.route, 'inline');
  });

  it('a program that calls process.exit is reported as having ended its process; nothing is left running', async () => {
    const s = program('exits', "console.log('leaving');\nprocess.exit(3);\n");
    assert.ok((await s.createStack('dev')).ok);
    const before = handlers();
    const r = await s.run('preview', 'dev', {});
    assert.ok(!r.ok, JSON.stringify(r));
    assert.strictEqual(r.error.kind, 'crashed', JSON.stringify(r.error));
    assert.match(r.error.message, /The process running the inline program ended with exit code 3 before the preview of "dev" finished/);
    assert.match(r.error.remedy, /must not call process\.exit/);
    assert.deepStrictEqual(handlers(), before);
    await new Promise((res) => setTimeout(res, 500));
    const left = cmdlines().filter((c) => c.includes(project));
    assert.deepStrictEqual(left, [], 'processes of the run are left');
  });

  it('sets a secret config value through stdin: never on a command line, byte for byte', async () => {
    const s = program('config', 'export const x = 1;\n');
    assert.ok((await s.createStack('dev')).ok);
    const secret = '-starts-with-dash SECRET-on-stdin-7f3a\nsecond line\n';
    let seen = false;
    let polling = true;
    const poll = (async () => {
      while (polling) {
        if (cmdlines().some((c) => c.includes('SECRET-on-stdin-7f3a'))) seen = true;
        await new Promise((res) => setTimeout(res, 2));
      }
    })();
    const r = await s.setConfig('dev', 'apiToken', secret, true);
    polling = false;
    await poll;
    assert.ok(r.ok, JSON.stringify(r));
    assert.strictEqual(seen, false, 'the secret showed in a process listing');
    const file = fs.readFileSync(path.join(project, 'Pulumi.dev.yaml'), 'utf8');
    assert.match(file, /config:apiToken:\n\s+secure: v1:/);
    assert.ok(!file.includes('SECRET-on-stdin'));
    const cfg = await s.config('dev');
    assert.ok(cfg.ok);
    assert.deepStrictEqual(cfg.value['config:apiToken'], { value: secret, secret: true });
  });

  it('an untrusted session runs no CLI and loads no workspace code', async () => {
    let trusted = false;
    const s = new PulumiProjectSession({ dir: project, name: 'config', runtime: 'nodejs' }, settings, () => trusted);
    for (const r of [
      await s.listStacks(),
      await s.stateIndex('dev'),
      await s.setConfig('dev', 'k', 'v', false),
      await s.run('preview', 'dev', {}),
    ]) {
      assert.ok(!r.ok && r.error.kind === 'untrusted', JSON.stringify(r));
    }
    trusted = true;
    assert.ok((await s.listStacks()).ok);
  });
});
