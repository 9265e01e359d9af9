// The operator lookup runs git only in a trusted workspace, by its absolute path from PATH (never a
// `git` in the workspace, even when PATH has `.` or an empty entry), with -C.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { operatorName } from '../../../src/documents/operator';
import { findGit } from '../../../src/shared/gitPath';

describe('documents: the operator name from git', () => {
  let ws: string;
  let bin: string;
  let marker: string;
  beforeEach(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-op-'));
    bin = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-op-bin-'));
    marker = path.join(bin, 'ran');
    // A "git" planted in the workspace: running it would leave a marker.
    fs.writeFileSync(path.join(ws, 'git'), `#!/bin/sh\necho "$@" > '${marker}'\necho Planted\n`, { mode: 0o755 });
    // A real-looking git elsewhere on PATH that answers user.name and records how it was called.
    fs.writeFileSync(
      path.join(bin, 'git'),
      `#!/bin/sh\necho "$PWD|$@" > '${marker}.real'\n[ "$1" = "-C" ] && [ "$3" = config ] && echo "Dana Ops" && exit 0\nexit 1\n`,
      { mode: 0o755 },
    );
  });
  afterEach(() => {
    fs.rmSync(ws, { recursive: true, force: true });
    fs.rmSync(bin, { recursive: true, force: true });
  });

  it('skips the workspace and relative PATH entries; finds git by absolute path', () => {
    const pathVar = ['.', '', 'relative/bin', ws, bin].join(path.delimiter);
    assert.strictEqual(findGit(pathVar, [ws]), path.join(bin, 'git'));
    assert.strictEqual(findGit([ws].join(path.delimiter), [ws]), undefined);
  });

  it('asks git with -C from outside the workspace, in a trusted workspace', async () => {
    const pathVar = ['.', ws, bin].join(path.delimiter);
    const cwd = process.cwd();
    process.chdir(ws); // even with the workspace as the current folder, its git is not run
    try {
      assert.strictEqual(await operatorName({ folder: ws, trusted: true, pathVar }), 'Dana Ops');
    } finally {
      process.chdir(cwd);
    }
    assert.ok(!fs.existsSync(marker), 'the planted git ran');
    const [pwd, args] = fs.readFileSync(`${marker}.real`, 'utf8').trim().split('|');
    assert.strictEqual(args, `-C ${ws} config user.name`);
    assert.notStrictEqual(pwd, ws, 'git does not run with the workspace as its folder');
  });

  it('runs no git at all in an untrusted workspace: the OS user', async () => {
    const name = await operatorName({ folder: ws, trusted: false, pathVar: bin });
    assert.strictEqual(name, os.userInfo().username);
    assert.ok(!fs.existsSync(`${marker}.real`) && !fs.existsSync(marker), 'git ran in an untrusted workspace');
  });
});
