// `npm start`: OpsDeck at work on the bundled demo workspace (demo/), in code-server.
// The npm script has already provisioned the tools (setup-tools) and built dist/extension.js. This
// starts a small demo HTTP service on loopback (what demo/.opsdeck/health.yaml checks), then
// code-server with demo/ opened and this repository loaded as the extension under development, prints
// the URL, and stays in the foreground until Ctrl+C, which stops everything.
//
//   OPSDECK_DEMO_PORT          code-server port (default 8080; a free one if taken)
//   OPSDECK_DEMO_SERVICE_PORT  demo service port (default 8787, as in demo/.opsdeck/health.yaml)
//   OPSDECK_DEMO_HOST          bind address for code-server (default 127.0.0.1)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer as createNetServer } from 'node:net';
import { startDemoService } from './demo/service.mjs';
import { DEMO_PASSPHRASE, prepareDemoStacks } from './demo/stacks.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const demoDir = join(root, 'demo');
const say = (m) => console.log(`[demo] ${m}`);
const fail = (m) => {
  console.error(`[demo] ${m}`);
  process.exit(1);
};

const toolsFile = join(root, '.tools', 'tools.json');
if (!existsSync(toolsFile))
  fail('.tools/tools.json is missing: run `npm start` (it provisions the tools) or `node scripts/setup-tools.mjs`');
const tools = JSON.parse(readFileSync(toolsFile, 'utf8'));
if (!tools.codeServer?.bin || !existsSync(tools.codeServer.bin))
  fail('code-server is not provisioned: run `node scripts/setup-tools.mjs codeServer`');
if (!existsSync(join(root, 'dist', 'extension.js'))) fail('dist/extension.js is missing: run `npm run build`');

const host = process.env.OPSDECK_DEMO_HOST || '127.0.0.1';
const servicePort = Number(process.env.OPSDECK_DEMO_SERVICE_PORT || 8787);
const wantedPort = Number(process.env.OPSDECK_DEMO_PORT || 8080);

function portIsFree(port) {
  return new Promise((resolve) => {
    const s = createNetServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

/** Environment of code-server and so of the extension host: the provisioned Pulumi CLI on PATH, a local backend. */
function demoEnvironment() {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('npm_')) delete env[k];
  const p = tools.pulumi;
  if (p) {
    const dirs = [p.binDir, ...(p.pluginDirs ?? [])].filter(Boolean);
    env.PATH = [...dirs, env.PATH ?? ''].join(delimiter);
    Object.assign(env, p.env ?? {});
  }
  env.PULUMI_BACKEND_URL ??= `file://${join(demoDir, '.pulumi-state')}`;
  env.PULUMI_HOME ??= join(root, '.tools', 'demo', 'pulumi-home');
  env.PULUMI_SKIP_UPDATE_CHECK ??= 'true';
  mkdirSync(join(demoDir, '.pulumi-state'), { recursive: true });
  return env;
}

function startCodeServer(port, env) {
  const state = join(root, '.tools', 'demo');
  const userData = join(state, 'user-data');
  mkdirSync(join(userData, 'User'), { recursive: true });
  const settingsFile = join(userData, 'User', 'settings.json');
  let settings = {
    'workbench.startupEditor': 'readme',
    'git.openRepositoryInParentFolders': 'never',
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'update.mode': 'none',
    // Pulumi's engine listens on loopback ports: without this, code-server offers to forward each one
    // and soon warns that "over 20 ports have been automatically forwarded".
    'remote.autoForwardPorts': false,
  };
  if (existsSync(settingsFile)) {
    try {
      settings = JSON.parse(readFileSync(settingsFile, 'utf8'));
    } catch {
      /* a hand-broken settings file: start from the defaults */
    }
  }
  // code-server gives the extension host the login shell's PATH, not ours, so the demo profile names the
  // provisioned CLI and the local backend in OpsDeck's own settings, as a user without Pulumi on PATH would.
  if (tools.pulumi) {
    settings['opsdeck.pulumi.cliPath'] = tools.pulumi.pulumi;
    settings['opsdeck.pulumi.env'] = {
      PULUMI_BACKEND_URL: env.PULUMI_BACKEND_URL,
      PULUMI_HOME: env.PULUMI_HOME,
      ...(tools.pulumi.env ?? {}),
    };
  }
  writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
  writeFileSync(join(state, 'config.yaml'), 'auth: none\ncert: false\n');
  const args = [
    tools.codeServer.bin,
    '--auth', 'none',
    '--bind-addr', `${host}:${port}`,
    '--config', join(state, 'config.yaml'),
    '--user-data-dir', userData,
    '--extensions-dir', join(state, 'extensions'),
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ]; // prettier-ignore
  const child = spawn(process.execPath, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d) => {
      out += d.toString();
      const m = /HTTP server listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        child.stdout.off('data', onData);
        child.stderr.off('data', onData);
        resolve({ child, url: m[1].replace(/\/$/, '') });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`code-server exited with ${code}:\n${out.slice(-2000)}`)));
  });
}

const { server: service } = await startDemoService({ port: servicePort }).catch((e) => fail(e.message));
say(`demo service on http://127.0.0.1:${servicePort} (/health, /api/orders; GET /demo/outage starts an outage, /demo/recover ends it)`);
const port = (await portIsFree(wantedPort)) ? wantedPort : 0;
if (port === 0) say(`port ${wantedPort} is taken: using a free one`);
let server;
const env = demoEnvironment();
await (
  tools.pulumi
    ? prepareDemoStacks({ demoDir, pulumiBin: tools.pulumi.pulumi, env, say })
    : Promise.resolve(say('no Pulumi CLI provisioned: the Stacks view will say so'))
).catch((e) => say(`the demo stacks could not be prepared (the Stacks view will show why): ${e.message}`));
try {
  server = await startCodeServer(port, env);
} catch (e) {
  service.close();
  fail(e.message);
}
const { child, url } = server;
const authority = new URL(url).host;
const remote = (p) => `vscode-remote://${authority}${p}`;
// The payload loads this checkout as the extension under development (no VSIX needed).
const payload = JSON.stringify([
  ['extensionDevelopmentPath', remote(root)],
  ['skipWelcome', 'true'],
]);
const open = `${url}/?folder=${encodeURIComponent(remote(demoDir))}&payload=${encodeURIComponent(payload)}`;
console.log(`
  OpsDeck is running in code-server on the demo workspace:

    ${open}

  (open it in a browser; the OpsDeck icon is in the activity bar. The demo stacks' passphrase is
  "${DEMO_PASSPHRASE}": OpsDeck asks for it once. Ctrl+C stops everything.)
`);

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  say('stopping code-server and the demo service');
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
  service.close();
  setTimeout(() => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
    process.exit(code);
  }, 1500).unref();
  child.once('exit', () => process.exit(code));
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
child.once('exit', (code) => {
  if (!stopping) {
    console.error(`[demo] code-server exited unexpectedly (code ${code})`);
    service.close();
    process.exit(1);
  }
});
