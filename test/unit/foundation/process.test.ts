// src/shared/process.ts: a stop escalates to SIGKILL, a result settles on `exit` (a grandchild that
// keeps the pipes open cannot hold it), a stop ends the whole tree (children in other process
// groups too, found by the tag they inherit), and a secret passed as input never shows in `ps`.
import * as assert from 'assert';
import * as fs from 'fs';
import { PROCESS_TAG_VAR, forkNode, run, taggedProcesses } from '../../../src/shared/process';

/** Live pids whose command line contains `needle` (zombies have none). */
function pidsWith(needle: string): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(needle)) out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}

async function until(what: string, probe: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('foundation: external processes', function () {
  this.timeout(30_000);
  if (process.platform !== 'linux') return;

  it('a process that ignores SIGTERM is killed after the grace period when cancelled', async () => {
    const ac = new AbortController();
    const started = Date.now();
    const p = run('sh', ['-c', "trap '' TERM; echo ready; sleep 29.1; echo never"], {
      signal: ac.signal,
      killGraceMs: 300,
      onStdout: () => ac.abort(),
    });
    const r = await p;
    assert.ok(!r.ok && r.error.kind === 'cancelled', JSON.stringify(r));
    assert.ok(Date.now() - started < 5000, `settled after ${Date.now() - started} ms`);
    await until('the sleep to be gone', () => pidsWith('sleep\u000029.1').length === 0);
  });

  it('settles when the process exits, even while a grandchild holds its output open', async () => {
    const started = Date.now();
    const r = await run('sh', ['-c', 'sleep 3.7 & echo done']);
    assert.ok(r.ok, JSON.stringify(r));
    assert.strictEqual(r.value.stdout.trim(), 'done');
    assert.ok(Date.now() - started < 2500, `took ${Date.now() - started} ms: it waited for the grandchild`);
    await until('the grandchild to finish', () => pidsWith('sleep\u00003.7').length === 0, 8000);
  });

  it('a stop ends children that left the process group (setsid), found by their tag', async () => {
    const ac = new AbortController();
    const started = Date.now();
    const p = run('sh', ['-c', 'setsid sleep 28.3 & sleep 0.3; echo started; wait'], {
      signal: ac.signal,
      onStdout: () => ac.abort(),
      killGraceMs: 500,
    });
    const r = await p;
    assert.ok(!r.ok && r.error.kind === 'cancelled');
    assert.ok(Date.now() - started < 5000, `settled after ${Date.now() - started} ms`);
    await until('the setsid child to be gone', () => pidsWith('sleep\u000028.3').length === 0, 5000);
  });

  it('passes input on stdin: the value is never in any command line', async () => {
    const secret = 'stdin-secret-91b2c';
    let seen = '';
    const r = await run('sh', ['-c', 'sleep 0.5; cat'], {
      input: secret,
      onStdout: (d) => (seen += d),
    });
    assert.ok(r.ok);
    assert.strictEqual(seen, secret);
    assert.deepStrictEqual(pidsWith(secret), []);
  });

  it('a forked Node process is tagged, reports over IPC, and stop() ends it with what it started', async () => {
    const scriptDir = fs.mkdtempSync('/tmp/opsdeck-fork-');
    const script = `${scriptDir}/child.js`;
    fs.writeFileSync(
      script,
      `const { spawn } = require('child_process');
       spawn('setsid', ['sleep', '27.9'], { stdio: 'ignore' });
       process.on('message', (m) => process.send({ echo: m, tag: process.env.${PROCESS_TAG_VAR} }));
       setInterval(() => {}, 1000);`,
    );
    const got: unknown[] = [];
    const child = forkNode(script, { onMessage: (m) => got.push(m), killGraceMs: 500 });
    child.send({ hello: 1 });
    await until('the echo', () => got.length > 0);
    assert.deepStrictEqual(got[0], { echo: { hello: 1 }, tag: child.tag });
    await until('the grandchild', () => pidsWith('sleep\u000027.9').length === 1);
    assert.ok((await taggedProcesses(child.tag)).length >= 2, 'the child and its grandchild carry the tag');
    await child.stop();
    const x = await child.exited;
    assert.ok(x.signal === 'SIGTERM' || x.signal === 'SIGKILL', JSON.stringify(x));
    await until('everything tagged to be gone', () => pidsWith('sleep\u000027.9').length === 0, 5000);
    assert.deepStrictEqual(await taggedProcesses(child.tag), []);
    fs.rmSync(scriptDir, { recursive: true, force: true });
  });
});
