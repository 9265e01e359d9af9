// When an up / refresh / destroy counts as over: its own CLI process exited successfully and the
// engine's event stream reached its closing event, whatever the Automation API reads afterwards.
import * as assert from 'assert';
import { CommandListener, OperationEnd, observeCommand, readBackAnswer, skipReadBacks } from '../../../src/stacks/runner/operationEnd';

/** A PulumiCommand stand-in whose processes end when the test says so. */
class FakeCommand {
  readonly version = '3.259.0';
  readonly calls: Array<{ args: string[]; settle: (ok: boolean) => void }> = [];
  run(args: string[], ..._rest: unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) =>
      this.calls.push({ args, settle: (ok) => (ok ? resolve({ stdout: '' }) : reject(new Error('exit 255'))) }),
    );
  }
}

const tick = () => new Promise((r) => setImmediate(r));

async function isSettled(p: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void p.then(() => (settled = true));
  await tick();
  return settled;
}

describe('stacks: when an operation is over', () => {
  function watched() {
    const fake = new FakeCommand();
    const listeners = new Set<CommandListener>();
    const cmd = observeCommand(fake, listeners);
    return { fake, listeners, cmd };
  }

  it('passes calls and properties through unchanged', async () => {
    const { fake, cmd } = watched();
    assert.strictEqual(cmd.version, '3.259.0');
    const p = cmd.run(['stack', 'ls'], '/w', {});
    fake.calls[0]!.settle(true);
    assert.deepStrictEqual(await p, { stdout: '' });
    assert.deepStrictEqual(fake.calls[0]!.args, ['stack', 'ls']);
  });

  it("ends once the operation's process exited and the stream closed, before the read-backs finish", async () => {
    const { fake, listeners, cmd } = watched();
    const end = new OperationEnd('up', 'dev');
    listeners.add(end.onCommand);
    void cmd.run(['up', '--yes', '--skip-preview', '--stack', 'dev'], '/w', {});
    end.see({ summaryEvent: { maybeCorrupt: false, durationSeconds: 1, resourceChanges: { create: 2 } } });
    assert.strictEqual(await isSettled(end.ended), false, 'not while the CLI runs');
    fake.calls[0]!.settle(true);
    assert.strictEqual(await isSettled(end.ended), false, 'not before the closing event was read');
    end.see({ cancelEvent: {} });
    assert.strictEqual(await isSettled(end.ended), true);
    assert.deepStrictEqual(end.summary?.resourceChanges, { create: 2 });
    // The Automation API's read-back (`stack output`) is still running; that does not matter.
    void cmd.run(['stack', 'output', '--json', '--stack', 'dev'], '/w', {});
    assert.strictEqual(fake.calls.length, 2);
  });

  it('the stream may close before the process is seen to exit', async () => {
    const { fake, listeners, cmd } = watched();
    const end = new OperationEnd('destroy', 'dev');
    listeners.add(end.onCommand);
    void cmd.run(['destroy', '--yes', '--stack', 'dev'], '/w', {});
    end.see({ cancelEvent: {} });
    assert.strictEqual(await isSettled(end.ended), false);
    fake.calls[0]!.settle(true);
    assert.strictEqual(await isSettled(end.ended), true);
  });

  it('a failed or killed process never ends it early (the error comes from the Automation API)', async () => {
    const { fake, listeners, cmd } = watched();
    const end = new OperationEnd('up', 'dev');
    listeners.add(end.onCommand);
    cmd.run(['up', '--yes', '--stack', 'dev'], '/w', {}).catch(() => undefined);
    end.see({ cancelEvent: {} });
    fake.calls[0]!.settle(false);
    assert.strictEqual(await isSettled(end.ended), false);
  });

  it("another stack's or another command's process does not count", async () => {
    const { fake, listeners, cmd } = watched();
    const end = new OperationEnd('refresh', 'prod');
    listeners.add(end.onCommand);
    void cmd.run(['refresh', '--yes', '--stack', 'dev'], '/w', {});
    void cmd.run(['stack', 'history', '--json', '--stack', 'prod'], '/w', {});
    end.see({ cancelEvent: {} });
    for (const c of fake.calls) c.settle(true);
    assert.strictEqual(await isSettled(end.ended), false);
  });

  // The arguments @pulumi/pulumi 3.248's Stack.outputs() and Stack.info() pass after an up against CLI
  // 3.259 (recorded with a spawn log on the bench's fixture stack).
  const recorded = [
    ['stack', 'output', '--json', '--stack', 'dev', '--non-interactive'],
    ['stack', 'output', '--json', '--show-secrets', '--stack', 'dev', '--non-interactive'],
    ['stack', 'history', '--json', '--show-secrets', '--page-size', '1', '--page', '1', '--stack', 'dev', '--non-interactive'],
  ];

  it("recognises the Automation API's read-backs and nothing else", () => {
    assert.deepStrictEqual(
      recorded.map((a) => readBackAnswer(a)),
      ['{}', '{}', '[]'],
    );
    for (const other of [
      ['stack', 'output', 'url', '--json', '--stack', 'dev'], // one named output
      ['stack', 'history', '--json', '--page-size', '500', '--page', '1', '--stack', 'dev'], // the History section
      ['stack', 'export', '--stack', 'dev'],
      ['up', '--yes', '--stack', 'dev'],
      ['stack', 'output', '--stack', 'dev'], // not JSON
    ])
      assert.strictEqual(readBackAnswer(other), undefined, other.join(' '));
  });

  it('answers the read-backs without a process only while told the engine has ended', async () => {
    const fake = new FakeCommand();
    let ended = false;
    const cmd = skipReadBacks(fake, () => ended);
    const before = cmd.run(recorded[0]!, '/w', {});
    assert.strictEqual(fake.calls.length, 1, 'before the end, a read-back runs the CLI');
    fake.calls[0]!.settle(true);
    await before;
    ended = true;
    const answers = await Promise.all(recorded.map((a) => cmd.run(a, '/w', {}) as Promise<{ stdout: string; code: number }>));
    assert.deepStrictEqual(
      answers.map((a) => [JSON.parse(a.stdout), a.code]),
      [
        [{}, 0],
        [{}, 0],
        [[], 0],
      ],
    );
    assert.strictEqual(fake.calls.length, 1, 'no CLI process for a read-back once the engine has ended');
    const other = cmd.run(['stack', 'export', '--stack', 'dev'], '/w', {});
    assert.deepStrictEqual(fake.calls[1]!.args, ['stack', 'export', '--stack', 'dev'], 'anything else still runs');
    fake.calls[1]!.settle(true);
    await other;
  });
});
