// code-server: the real VS Code (1.100) host the integration suite and the demo run in.
// Installed from npm into the tool cache, offline apart from the npm registry (see the shared toolchain
// notes): @vscode/ripgrep's postinstall would download ripgrep from GitHub, so it is handed a tarball of
// Debian's /usr/bin/rg through its local download cache; the native modules (argon2, node-pty, spdlog,
// kerberos, native-watchdog) compile from source against the local Node headers.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { sh, log, ToolError } from './common.mjs';

export const CODE_SERVER_VERSION = '4.100.3';
// @vscode/ripgrep 1.15.11 (what code-server 4.100.3 pins) looks for this file in $TMPDIR/vscode-ripgrep-cache-<ver>/.
const RIPGREP_PKG_VERSION = '1.15.11';
const RIPGREP_ASSET = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

// Native modules that must have been compiled; if one is missing, code-server starts but terminals,
// logging or auth break later in confusing ways, so the install is refused instead.
// Paths are relative to the install folder (argon2 is hoisted next to code-server).
const NATIVE_MODULES = [
  'node_modules/argon2/lib/binding/napi-v3/argon2.node',
  'node_modules/code-server/lib/vscode/node_modules/node-pty/build/Release/pty.node',
  'node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node',
  'node_modules/code-server/lib/vscode/node_modules/kerberos/build/Release/kerberos.node',
  'node_modules/code-server/lib/vscode/node_modules/native-watchdog/build/Release/watchdog.node',
  'node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg',
  'node_modules/code-server/lib/vscode/extensions/node_modules',
  'node_modules/code-server/lib/vscode/node_modules.asar',
];

export function codeServerPaths(dir) {
  const pkg = join(dir, 'node_modules', 'code-server');
  return { pkg, entry: join(pkg, 'out', 'node', 'entry.js'), stamp: join(dir, '.opsdeck-installed') };
}

export async function ensureCodeServer({ cache }) {
  const dir = join(cache, `code-server-${CODE_SERVER_VERSION}`);
  const paths = codeServerPaths(dir);
  if (existsSync(paths.stamp) && readFileSync(paths.stamp, 'utf8').trim() === CODE_SERVER_VERSION && existsSync(paths.entry)) {
    log(`code-server ${CODE_SERVER_VERSION} already installed in ${dir}`);
    return { bin: paths.entry, version: CODE_SERVER_VERSION, dir };
  }
  // Native modules compile against local Node headers; node-gyp would otherwise download them (offline: fails).
  const nodedir = process.env.npm_config_nodedir || join(process.execPath, '..', '..');
  if (!existsSync(join(nodedir, 'include', 'node', 'node.h'))) {
    throw new ToolError(
      `code-server's native modules need the Node.js headers, not found in ${nodedir}/include/node (the NodeSource "nodejs" package ships them; or point npm_config_nodedir at a Node install that has them)`,
    );
  }
  if (!existsSync('/usr/bin/rg'))
    throw new ToolError('code-server needs ripgrep at /usr/bin/rg (Debian package "ripgrep"); run the debian step first');

  // Install beside the final folder and rename at the end, so an interrupted install never looks finished.
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  writeFileSync(join(partial, 'package.json'), JSON.stringify({ name: 'opsdeck-code-server', private: true }, null, 2));

  const tmp = join(partial, '.tmp');
  const rgCache = join(tmp, `vscode-ripgrep-cache-${RIPGREP_PKG_VERSION}`);
  mkdirSync(rgCache, { recursive: true });
  await sh('tar', ['-czf', join(rgCache, RIPGREP_ASSET), '-C', '/usr/bin', 'rg'], { what: 'ripgrep tarball' });

  const env = {
    ...process.env,
    TMPDIR: tmp,
    // As root, npm would otherwise drop privileges for scripts and code-server's postinstall refuses to run.
    npm_config_unsafe_perm: 'true',
    // node-pty's build runs `npx node-gyp`; this machine's ~/.npmrc says yes=false, which makes npx refuse.
    npm_config_yes: 'true',
    // Build native modules against the installed Node headers instead of downloading them.
    npm_config_nodedir: nodedir,
    npm_config_ignore_scripts: 'false',
    npm_config_foreground_scripts: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
  log(`installing code-server@${CODE_SERVER_VERSION} into ${partial} (compiles native modules; a few minutes)`);
  await sh('npm', ['install', '--no-package-lock', '--loglevel=warn', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: partial,
    env,
    what: 'npm install code-server',
  });

  const pp = codeServerPaths(partial);
  const missing = NATIVE_MODULES.filter((rel) => !existsSync(join(partial, rel)));
  if (missing.length) {
    throw new ToolError(
      `code-server installed but its postinstall did not finish: missing ${missing.join(', ')}. ` +
        'Check that libkrb5-dev, libxkbfile-dev, libsecret-1-dev, libx11-dev and a C++ toolchain are installed, then rerun.',
    );
  }
  await smokeStart(pp.entry, partial);

  rmSync(tmp, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  writeFileSync(paths.stamp, CODE_SERVER_VERSION + '\n');
  log(`code-server ${CODE_SERVER_VERSION} ready: ${paths.entry}`);
  return { bin: paths.entry, version: CODE_SERVER_VERSION, dir };
}

/** Starts the freshly installed server once and waits for it to listen: proves the native modules load. */
function smokeStart(entry, dir) {
  const data = join(dir, '.tmp', 'smoke');
  mkdirSync(data, { recursive: true });
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        entry,
        '--auth',
        'none',
        '--bind-addr',
        '127.0.0.1:0',
        '--user-data-dir',
        join(data, 'user'),
        '--extensions-dir',
        join(data, 'ext'),
        '--disable-telemetry',
        '--disable-update-check',
        '--config',
        join(data, 'config.yaml'),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    let out = '';
    let done = false;
    let probing = false;
    const finish = (err) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => finish(new ToolError(`code-server did not start within 60 s:\n${out.slice(-3000)}`)), 60_000);
    const onData = (d) => {
      out += d.toString();
      const m = /HTTP server listening on (http:\/\/\S+)/.exec(out);
      if (m && !probing) {
        probing = true;
        fetch(new URL('/healthz', m[1]))
          .then((r) => (r.ok ? finish() : finish(new ToolError(`code-server /healthz answered ${r.status}`))))
          .catch((e) => finish(new ToolError(`code-server did not answer /healthz: ${e.message}`)));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => finish(new ToolError(`code-server exited with ${code} during its first start:\n${out.slice(-3000)}`)));
  });
}
