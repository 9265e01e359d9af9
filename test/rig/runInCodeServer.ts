// The integration rig: runs the mocha suite inside a real VS Code extension host, offline.
//
//   node out/test/rig/runInCodeServer.js [--suite bench|untrusted|demo] [--grep PATTERN] [--output test-output]
//
// `--suite untrusted` runs test/integration/untrusted/** in a workspace that is NOT trusted: workspace
// trust stays enabled (no --disable-workspace-trust), the start-up prompt is off, so the folder opens in
// restricted mode without a modal.
//
// `--suite demo` runs test/integration/demo/** on a copy of demo/, prepared as `npm start` prepares it
// (dev deployed, prod created, the demo service on loopback, the demo's settings, no passphrase in the
// environment): what a new user meets, driven through the UI.
//
// 1. starts code-server (from .tools/tools.json) detached on 127.0.0.1:0 with a fresh user-data and
//    extensions folder and quiet settings; its environment carries the tool paths the tests need
//    (OPSDECK_* variables, the Pulumi CLI on PATH, a moto endpoint);
// 2. copies test/fixtures/workspace/ to <output>/workspace/ (inside the repo, so Node resolution from
//    the workspace reaches the repo's node_modules);
// 3. opens the workbench in headless Chromium through playwright-core with the URL `payload` that
//    loads this repo as the extension under development and out/test/integration/index.js as its tests;
// 4. prints the host's mocha output as it arrives (codeAutomationLog), answers the tests' rig requests
//    (screenshots, webview/DOM text, key presses), and exits with the host's exit code
//    (codeAutomationExit), or 1 on timeout; code-server's process group and moto are always ended.
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { format } from 'util';
import { pathToFileURL } from 'url';
import { chromium, type Browser, type CDPSession, type Frame, type Page } from 'playwright-core';

export const REPO = path.resolve(__dirname, '..', '..', '..');
const RIG_MARKER = '__opsdeck_rig__';
/** First line test/integration/index.ts prints from the extension host. */
const SUITE_BANNER = '[opsdeck-tests]';
const SUITE_LABEL: Record<Suite, string> = {
  suite: 'integration suite',
  bench: 'host benchmarks',
  untrusted: 'untrusted-workspace suite',
  demo: 'demo workspace suite',
};
/** Workbench messages that are expected offline (the extension gallery is unreachable). */
const NOISE = [/ENOTFOUND open-vsx\.org/, /open-vsx\.org/];

export type Suite = 'suite' | 'bench' | 'untrusted' | 'demo';

function suiteName(name: string | undefined): Suite {
  if (name === undefined || name === '' || name === 'suite') return 'suite';
  if (name === 'bench' || name === 'untrusted' || name === 'demo') return name;
  throw new Error(`unknown suite "${name}" (suite, bench, untrusted or demo)`);
}

export interface RigOptions {
  /**
   * 'suite' (test/integration/suite/**), 'bench' (test/integration/bench/**) or 'untrusted'
   * (test/integration/untrusted/**, in a workspace opened untrusted).
   */
  suite: Suite;
  grep?: string;
  /** Folder (absolute or relative to the repo) for the workspace copy, results, logs; wiped first. */
  output: string;
  timeoutMs: number;
  /** Echo the host's mocha output (true) or only keep it in the log file. */
  echo: boolean;
  /** Test an installed VSIX instead of the checkout: installed into the fresh extensions folder first. */
  vsix?: string;
  /** Extra environment for the host (e.g. benchmark switches). */
  env?: Record<string, string>;
  /** Set when this run is one pass of several: its closing line is then `[rig] <pass> pass: …`, not `integration: …`. */
  pass?: string;
  /** Receives mocha's closing counts (failed includes a host that died without counts). */
  onTally?: (t: Tally) => void;
}

export interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

interface Tools {
  debian?: { chromium?: string };
  codeServer?: { bin: string; version: string };
  pulumi?: { binDir?: string; bin?: string; pulumi?: string; pluginDirs?: string[]; env?: Record<string, string> };
  moto?: { bin: string };
}

export function readTools(): Tools {
  const file = path.join(REPO, '.tools', 'tools.json');
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`node scripts/setup-tools.mjs\` first`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Tools;
}

/** Command-line options; `suites` lists the passes to run one after another (`--suite suite,untrusted`). */
function parseArgs(argv: string[]): RigOptions & { suites: Suite[] } {
  const list = (v: string | undefined): Suite[] => (v ?? '').split(',').map((x) => suiteName(x.trim()));
  const opts: RigOptions & { suites: Suite[] } = {
    suites: list(process.env.OPSDECK_SUITE),
    suite: 'suite',
    grep: process.env.OPSDECK_TEST_GREP || undefined,
    output: process.env.OPSDECK_RIG_OUTPUT || 'test-output',
    timeoutMs: Number(process.env.OPSDECK_RIG_TIMEOUT_MS) || 40 * 60_000,
    echo: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--suite') opts.suites = list(argv[++i]);
    else if (a === '--grep') opts.grep = argv[++i];
    else if (a === '--output') opts.output = argv[++i];
    else if (a === '--vsix') opts.vsix = path.resolve(argv[++i]);
    else throw new Error(`unknown argument ${a}`);
  }
  return opts;
}

/** Settings that keep the workbench quiet and deterministic: no welcome page, trust prompt, tips or gallery. */
const SETTINGS = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'git.autoRepositoryDetection': false,
  'git.openRepositoryInParentFolders': 'never',
  'chat.commandCenter.enabled': false,
  'window.commandCenter': false,
  'files.simpleDialog.enable': true,
  'notifications.doNotDisturbMode': false,
  // Pulumi's engine listens on loopback ports; code-server would offer to forward each one.
  'remote.autoForwardPorts': false,
};

/**
 * The untrusted pass: trust on, nothing trusted yet (fresh user data), and no start-up modal asking
 * about it, so the folder opens in restricted mode as for a user who chose "Don't Trust".
 */
const UNTRUSTED_SETTINGS = {
  ...SETTINGS,
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.emptyWindow': false,
  'security.workspace.trust.banner': 'always',
  'security.workspace.trust.untrustedFiles': 'open',
};

/** Runs the suite once; resolves to the process exit code to use. */
export async function runRig(opts: RigOptions): Promise<number> {
  const tools = readTools();
  if (!tools.codeServer?.bin || !fs.existsSync(tools.codeServer.bin)) {
    throw new Error('code-server is not provisioned (no codeServer in .tools/tools.json): run `node scripts/setup-tools.mjs codeServer`');
  }
  const chromiumPath = tools.debian?.chromium ?? '/usr/lib/chromium/chromium';
  if (!fs.existsSync(chromiumPath)) throw new Error(`Chromium not found at ${chromiumPath}: run \`node scripts/setup-tools.mjs debian\``);
  const testsEntry = path.join(REPO, 'out', 'test', 'integration', 'index.js');
  if (!fs.existsSync(testsEntry)) throw new Error(`${testsEntry} is missing: run \`npm run compile-tests\``);
  if (!fs.existsSync(path.join(REPO, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run `npm run build`');

  const out = path.resolve(REPO, opts.output);
  if (!out.startsWith(REPO + path.sep))
    throw new Error(`--output must be inside the repo (${REPO}), so the workspace resolves node_modules`);
  const claim = claimOutput(out);
  const dirs = {
    workspace: path.join(out, 'workspace'),
    results: path.join(out, 'results'),
    logs: path.join(out, 'logs'),
    userData: path.join(out, 'code-server', 'user-data'),
    extensions: path.join(out, 'code-server', 'extensions'),
    pulumiHome: path.join(out, 'pulumi-home'),
  };
  // Only what this run owns is wiped: other runs may use sub-folders of test-output/ (e.g. test-output/2).
  for (const d of [
    dirs.workspace,
    dirs.results,
    dirs.logs,
    path.join(out, 'code-server'),
    dirs.pulumiHome,
    path.join(out, 'vsix-test-shim'),
  ]) {
    fs.rmSync(d, { recursive: true, force: true });
  }
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  fs.mkdirSync(path.join(dirs.results, '.rig'), { recursive: true });
  if (opts.suite === 'demo') {
    // The demo as a user gets it: the tracked files only (no state a local `npm start` left behind).
    const demo = path.join(REPO, 'demo');
    fs.cpSync(demo, dirs.workspace, {
      recursive: true,
      filter: (src) => !/^[/\\]?(\.pulumi-state|\.state)([/\\]|$)/.test(path.relative(demo, src)),
    });
  } else fs.cpSync(path.join(REPO, 'test', 'fixtures', 'workspace'), dirs.workspace, { recursive: true });
  fs.mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(dirs.userData, 'User', 'settings.json'),
    JSON.stringify(opts.suite === 'untrusted' ? UNTRUSTED_SETTINGS : SETTINGS, null, 2),
  );

  const hostLog = fs.createWriteStream(path.join(dirs.logs, 'extension-host-tests.log'));
  const say = (line: string): void => {
    hostLog.write(line + '\n');
    if (opts.echo) console.log(line);
  };
  const rigSay = (msg: string): void => say(`[rig] ${msg}`);

  // Every process of this run carries the marker (code-server's environment, inherited by the
  // extension host, the CLIs and plugins the tests start): after the clean-up none may be left.
  const runId = `${process.pid}-${Date.now().toString(36)}`;
  let result: { code: number; failed: number; passed: number; skipped: number } | undefined;
  const cleanups: Array<() => Promise<void> | void> = [];
  const cleanup = async (): Promise<void> => {
    while (cleanups.length) {
      try {
        await cleanups.pop()!();
      } catch (e) {
        console.error(`[rig] cleanup: ${(e as Error).message}`);
      }
    }
  };
  const onSignal = (): void => {
    void cleanup().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const env = await hostEnvironment(tools, opts, dirs, cleanups, rigSay);
    env[RUN_MARKER] = runId;
    if (opts.suite === 'demo') await prepareDemo(tools, env, dirs, cleanups, rigSay);
    let developmentPath = REPO;
    if (opts.vsix) developmentPath = await installVsix(tools.codeServer.bin, opts.vsix, dirs, out, rigSay);
    const t0 = Date.now();
    const server = await startCodeServer(tools.codeServer.bin, dirs, env, opts.suite !== 'untrusted');
    cleanups.push(() => server.stop());
    claim.recordServer(server.pgid);
    rigSay(`code-server ${tools.codeServer.version} on ${server.url} (${Date.now() - t0} ms)`);

    const browser: Browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    cleanups.push(() => browser.close());
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const browserLog = fs.createWriteStream(path.join(dirs.logs, 'browser-console.log'));
    cleanups.push(() => new Promise<void>((r) => browserLog.end(r)));
    page.on('console', (m) => browserLog.write(`[${m.type()}] ${m.text()}\n`));
    page.on('pageerror', (e) => browserLog.write(`[pageerror] ${e.stack ?? e.message}\n`));

    let suiteStarted = false;
    // Mocha's closing counts, so the rig can end with one plain "N passed, N failed" line for CI.
    const tally = { passing: 0, failing: 0, pending: 0 };
    let settle!: (code: number) => void;
    const exited = new Promise<number>((r) => (settle = r));
    await context.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      if (process.env.OPSDECK_RIG_DEBUG) fs.appendFileSync(path.join(dirs.logs, 'raw.log'), JSON.stringify([type, args]) + '\n');
      const line = formatLogArgs(args);
      const at = line.indexOf(RIG_MARKER);
      if (at >= 0) {
        void answer(page, line.slice(at + RIG_MARKER.length).trim(), dirs.results, rigSay);
        return;
      }
      hostLog.write(line + '\n');
      // The workbench's own start-up chatter arrives on the same channel: echo from the suite's banner on.
      if (line.startsWith(SUITE_BANNER)) suiteStarted = true;
      const count = suiteStarted ? /^\s*(\d+) (passing|failing|pending)\b/.exec(line) : null;
      if (count) tally[count[2] as keyof typeof tally] = Number(count[1]);
      if (opts.echo && suiteStarted && !NOISE.some((re) => re.test(line))) (type === 'error' ? console.error : console.log)(line);
    });
    await context.exposeFunction('codeAutomationExit', (code: number, logs?: Array<{ relativePath: string; contents: string }>) => {
      for (const l of logs ?? []) {
        try {
          const target = path.join(dirs.logs, 'workbench', l.relativePath);
          fs.mkdirSync(path.dirname(target), { recursive: true });
          fs.writeFileSync(target, l.contents);
        } catch {
          /* best effort */
        }
      }
      settle(code);
    });
    page.on('crash', () => {
      rigSay('the workbench page crashed');
      settle(1);
    });

    const remote = (p: string): string => `vscode-remote://${server.authority}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(developmentPath)],
      ['extensionTestsPath', remote(testsEntry)],
      ['skipWelcome', 'true'],
    ];
    const url = `${server.url}/?folder=${encodeURIComponent(remote(dirs.workspace))}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await page.goto(url);
    rigSay(`workbench opened; running ${SUITE_LABEL[opts.suite]}${opts.grep ? ` (grep "${opts.grep}")` : ''}`);

    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<number>((r) => {
      timer = setTimeout(() => {
        rigSay(`TIMEOUT: no result from the extension host after ${opts.timeoutMs / 60_000} min (set OPSDECK_RIG_TIMEOUT_MS to change)`);
        void page.screenshot({ path: path.join(dirs.results, 'rig-timeout.png') }).catch(() => undefined);
        r(1);
      }, opts.timeoutMs);
    });
    const code = await Promise.race([exited, timeout]);
    clearTimeout(timer);
    if (!suiteStarted)
      rigSay('the suite never started in the extension host; see test-output/logs/extension-host-tests.log and logs/workbench/ for why');
    // A host that failed without a mocha count (crash, timeout) still counts as a failure.
    const failed = code !== 0 && tally.failing === 0 ? 1 : tally.failing;
    rigSay(
      `extension host finished with exit code ${code} after ${((Date.now() - t0) / 1000).toFixed(1)} s; artifacts in ${path.relative(REPO, dirs.results)}/, logs in ${path.relative(REPO, dirs.logs)}/`,
    );
    result = { code, failed, passed: tally.passing, skipped: tally.pending };
  } finally {
    await cleanup();
    claim.release();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  // No process of the run may outlive it (a killed CLI's plugins were once found orphaned after CI).
  const left = await leftoverProcesses(runId, out);
  if (left.length) {
    rigSay(`FAILED: ${left.length} process(es) of this run were still running after it ended (now killed):`);
    for (const l of left) rigSay(`  pid ${l.pid} (parent ${l.ppid}, ${l.why}): ${l.cmdline}`);
    result.code ||= 1;
    result.failed += 1;
  } else rigSay('no process of this run is left');
  await new Promise<void>((r) => hostLog.end(r));
  const counts = `${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped`;
  opts.onTally?.({ passed: result.passed, failed: result.failed, skipped: result.skipped });
  console.log(opts.pass ? `[rig] ${opts.pass} pass: ${counts}` : `integration: ${counts}`);
  return result.code;
}

const RUN_MARKER = 'OPSDECK_RIG_RUN';

interface Leftover {
  pid: number;
  ppid: number;
  cmdline: string;
  why: string;
}

/**
 * Processes of this run still alive: their environment carries the run's marker, or their command
 * line or working folder points into the run's output folder. Waits up to 10 s for ones that are
 * exiting, then kills (SIGKILL) and returns the rest. Linux (/proc); elsewhere nothing is checked.
 */
export async function leftoverProcesses(runId: string, outDir: string, waitMs = 10_000): Promise<Leftover[]> {
  if (process.platform !== 'linux') return [];
  const scan = (): Leftover[] => {
    const found: Leftover[] = [];
    for (const d of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
      try {
        const cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8');
        if (!cmd) continue; // a zombie, or a kernel thread
        const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        let why = '';
        try {
          if (fs.readFileSync(`/proc/${d}/environ`, 'utf8').split('\0').includes(`${RUN_MARKER}=${runId}`)) why = 'carries the run marker';
        } catch {
          /* not ours to read */
        }
        if (!why && cmd.includes(outDir + path.sep)) why = 'command line in the output folder';
        if (!why) {
          try {
            const cwd = fs.readlinkSync(`/proc/${d}/cwd`);
            if (cwd === outDir || cwd.startsWith(outDir + path.sep)) why = 'working folder in the output folder';
          } catch {
            /* gone */
          }
        }
        if (why) found.push({ pid: Number(d), ppid, cmdline: cmd.split('\0').join(' ').trim(), why });
      } catch {
        /* gone meanwhile */
      }
    }
    return found;
  };
  const deadline = Date.now() + waitMs;
  let left = scan();
  while (left.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    left = scan();
  }
  for (const l of left) {
    try {
      process.kill(l.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  return left;
}

/**
 * Two rigs on one output folder would wipe each other's workspace and results mid-run (several people
 * share a checkout): the second one stops with a clear message instead. The lock also records the
 * code-server process group, so a server left behind by a rig that was killed outright (SIGKILL: no
 * clean-up ran) is ended by the next run on the same folder.
 */
function claimOutput(out: string): { release(): void; recordServer(pgid: number): void } {
  const lock = path.join(REPO, '.tools', 'rig-locks', `${path.relative(REPO, out).replace(/[^\w.-]+/g, '_')}.json`);
  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (fs.existsSync(lock)) {
    let previous: { rig?: number; server?: number } = {};
    try {
      previous = JSON.parse(fs.readFileSync(lock, 'utf8')) as typeof previous;
    } catch {
      /* unreadable: treat as stale */
    }
    if (previous.rig && previous.rig !== process.pid && alive(previous.rig)) {
      throw new Error(
        `another rig (pid ${previous.rig}) is using ${path.relative(REPO, out)}/; wait for it, or use another folder: OPSDECK_RIG_OUTPUT=test-output/2 (or --output)`,
      );
    }
    if (previous.server && alive(previous.server)) {
      console.log(`[rig] ending code-server (process group ${previous.server}) left behind by a killed rig on this folder`);
      try {
        process.kill(-previous.server, 'SIGKILL');
      } catch {
        /* gone meanwhile */
      }
    }
  }
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const state: { rig: number; server?: number } = { rig: process.pid };
  fs.writeFileSync(lock, JSON.stringify(state));
  return {
    release: () => fs.rmSync(lock, { force: true }),
    recordServer: (pgid: number) => {
      state.server = pgid;
      fs.writeFileSync(lock, JSON.stringify(state));
    },
  };
}

/** The code-server process environment, which the extension host (and so every test) inherits. */
async function hostEnvironment(
  tools: Tools,
  opts: RigOptions,
  dirs: { results: string; pulumiHome: string; userData: string },
  cleanups: Array<() => Promise<void> | void>,
  rigSay: (m: string) => void,
): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OPSDECK_RIG: 'code-server',
    OPSDECK_REPO: REPO,
    OPSDECK_TEST_OUTPUT: dirs.results,
    OPSDECK_TOOLS_JSON: path.join(REPO, '.tools', 'tools.json'),
    OPSDECK_SUITE: opts.suite,
    OPSDECK_EXTENSION_UNDER_TEST: opts.vsix ? 'vsix' : 'checkout',
    // The host's log folder: output channels (e.g. OpsDeck.log) are written under it.
    OPSDECK_HOST_LOGS: path.join(dirs.userData, 'logs'),
    ...opts.env,
  };
  if (opts.grep) env.OPSDECK_TEST_GREP = opts.grep;
  else delete env.OPSDECK_TEST_GREP;
  // Anything npm put into the environment would leak into workspace programs run by the tests.
  for (const k of Object.keys(env)) if (k.startsWith('npm_')) delete env[k];

  const pulumi = tools.pulumi;
  if (pulumi) {
    // Like a user who installed Pulumi: the CLI and its plugins (language host, dynamic provider) on PATH.
    const binDir = pulumi.binDir ?? (pulumi.bin ? path.dirname(pulumi.bin) : undefined);
    const extra = [binDir, ...(pulumi.pluginDirs ?? [])].filter((d): d is string => !!d);
    env.PATH = [...extra, env.PATH ?? ''].join(path.delimiter);
    Object.assign(env, pulumi.env ?? {});
    env.PULUMI_HOME = dirs.pulumiHome;
    env.PULUMI_SKIP_UPDATE_CHECK ??= 'true';
    rigSay(`Pulumi CLI on PATH from ${binDir}`);
  } else {
    rigSay('no Pulumi CLI in .tools/tools.json: suites that need it will report themselves skipped');
  }

  if (tools.moto?.bin) {
    // Compiled beside this file; loaded lazily so a checkout without moto still runs the rest.
    const { startMoto } = (await import('../support/motoServer')) as typeof import('../support/motoServer');
    const moto = await startMoto(tools.moto.bin);
    cleanups.push(() => moto.stop());
    env.OPSDECK_MOTO_ENDPOINT = moto.endpoint;
    rigSay(`moto server on ${moto.endpoint}`);
  } else {
    rigSay('no moto in .tools/tools.json: suites that need it will report themselves skipped');
  }
  return env;
}

/** Loads one of scripts/demo/*.mjs (ES modules; this file compiles to CommonJS, whose import() is require()). */
const importDemoModule = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;

/**
 * The demo suite's workspace, prepared as `npm start` prepares demo/: the demo service on a free
 * loopback port (health.yaml's copy points at it), `dev` deployed and `prod` created with the real CLI,
 * and the demo profile's settings (the CLI path and the backend in OpsDeck's own settings). The host's
 * environment carries no passphrase and no backend, so OpsDeck must ask, as it does for a new user.
 */
async function prepareDemo(
  tools: Tools,
  env: NodeJS.ProcessEnv,
  dirs: { workspace: string; userData: string; pulumiHome: string },
  cleanups: Array<() => Promise<void> | void>,
  rigSay: (m: string) => void,
): Promise<void> {
  const file = (name: string): string => pathToFileURL(path.join(REPO, 'scripts', 'demo', name)).href;
  const { startDemoService } = (await importDemoModule(file('service.mjs'))) as {
    startDemoService(o: { port: number; random?: () => number }): Promise<{ server: import('http').Server; port: number }>;
  };
  const { prepareDemoStacks } = (await importDemoModule(file('stacks.mjs'))) as {
    prepareDemoStacks(o: { demoDir: string; pulumiBin: string; env: NodeJS.ProcessEnv; say: (m: string) => void }): Promise<void>;
  };
  // /api/orders fails one request in ten at random: the UI test makes it steady so what it asserts is
  // the outage it starts, not chance.
  const service = await startDemoService({ port: 0, random: () => 0.5 });
  cleanups.push(() => new Promise<void>((r) => service.server.close(() => r())));
  env.OPSDECK_DEMO_SERVICE = `http://127.0.0.1:${service.port}`;
  const healthFile = path.join(dirs.workspace, '.opsdeck', 'health.yaml');
  fs.writeFileSync(healthFile, fs.readFileSync(healthFile, 'utf8').replaceAll('127.0.0.1:8787', `127.0.0.1:${service.port}`));
  rigSay(`demo service on ${env.OPSDECK_DEMO_SERVICE}`);

  delete env.PULUMI_CONFIG_PASSPHRASE;
  delete env.PULUMI_CONFIG_PASSPHRASE_FILE;
  delete env.PULUMI_BACKEND_URL;
  const pulumiBin = tools.pulumi?.pulumi ?? tools.pulumi?.bin;
  if (!pulumiBin) return rigSay('no Pulumi CLI: the demo stacks are not prepared');
  const backend = `file://${path.join(dirs.workspace, '.pulumi-state')}`;
  fs.mkdirSync(path.join(dirs.workspace, '.pulumi-state'), { recursive: true });
  const t0 = Date.now();
  await prepareDemoStacks({ demoDir: dirs.workspace, pulumiBin, env: { ...env, PULUMI_BACKEND_URL: backend }, say: rigSay });
  rigSay(`demo stacks ready in ${Date.now() - t0} ms`);
  const settingsFile = path.join(dirs.userData, 'User', 'settings.json');
  const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
  settings['opsdeck.pulumi.cliPath'] = pulumiBin;
  settings['opsdeck.pulumi.env'] = { PULUMI_BACKEND_URL: backend, PULUMI_HOME: dirs.pulumiHome, ...(tools.pulumi?.env ?? {}) };
  fs.writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
}

/**
 * Installs the VSIX the way a user would (`code-server --install-extension`). The tests still need an
 * extension under development to attach to, so a shim takes that place: OpsDeck itself then loads from
 * the extensions folder, exactly as installed. The shim's `activate()` is empty and nothing activates it
 * but a caller: the activation benchmark times it as the host's floor (what any extension's activation
 * costs in this host: the extension context's storage round trips to the workbench, the host's
 * bookkeeping) beside OpsDeck's.
 */
async function installVsix(
  bin: string,
  vsix: string,
  dirs: { userData: string; extensions: string },
  out: string,
  rigSay: (m: string) => void,
): Promise<string> {
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} does not exist: run \`npm run package\` first`);
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(
      process.execPath,
      [bin, '--install-extension', vsix, '--extensions-dir', dirs.extensions, '--user-data-dir', dirs.userData],
      { stdio: 'inherit' },
    );
    child.on('exit', resolve);
  });
  if (code !== 0) throw new Error(`code-server --install-extension ${vsix} exited with ${code}`);
  const shim = path.join(out, 'vsix-test-shim');
  fs.mkdirSync(shim, { recursive: true });
  fs.writeFileSync(
    path.join(shim, 'package.json'),
    JSON.stringify(
      {
        name: 'opsdeck-vsix-test-shim',
        publisher: 'opsdeck-test',
        version: '0.0.0',
        engines: { vscode: '^1.100.0' },
        main: './shim.js',
        activationEvents: [],
      },
      null,
      2,
    ),
  );
  fs.writeFileSync(path.join(shim, 'shim.js'), 'exports.activate = function () {};\n');
  rigSay(`installed ${path.relative(REPO, vsix)}; testing the installed extension`);
  return shim;
}

interface CodeServer {
  url: string;
  authority: string;
  pgid: number;
  stop(): Promise<void>;
}

function startCodeServer(
  bin: string,
  dirs: { userData: string; extensions: string; logs: string; workspace: string },
  env: NodeJS.ProcessEnv,
  disableTrust: boolean,
): Promise<CodeServer> {
  const config = path.join(dirs.userData, '..', 'config.yaml');
  fs.writeFileSync(config, 'auth: none\ncert: false\n');
  const args = [
    bin,
    '--auth', 'none',
    '--bind-addr', '127.0.0.1:0',
    '--config', config,
    '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.extensions,
    '--disable-telemetry',
    '--disable-update-check',
    ...(disableTrust ? ['--disable-workspace-trust'] : []),
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ]; // prettier-ignore
  // Detached: its own process group, so the server, its extension host and their children end together.
  const child: ChildProcess = spawn(process.execPath, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  // Last resort if the rig exits without its clean-up (an uncaught error, process.exit elsewhere).
  const killOnExit = (): void => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  process.once('exit', killOnExit);
  const logFile = fs.createWriteStream(path.join(dirs.logs, 'code-server.log'));
  let output = '';
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        /* already gone */
      }
      const t = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }, 5000);
      await gone;
      clearTimeout(t);
    }
    // Children that outlived the server (e.g. a language server) share its group.
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* none left */
    }
    process.removeListener('exit', killOnExit);
    await new Promise<void>((r) => logFile.end(r));
  };
  return new Promise<CodeServer>((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => fail(new Error('code-server did not report a listening port within 60 s')), 60_000);
    const fail = (e: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      void stop().then(() => reject(new Error(`${e.message}\n${output.slice(-3000)}`)));
    };
    const onData = (d: Buffer): void => {
      const s = d.toString();
      logFile.write(s);
      if (done) return;
      output += s;
      const m = /HTTP server listening on (http:\/\/(127\.0\.0\.1:\d+))/.exec(output);
      if (m) {
        done = true;
        clearTimeout(timer);
        resolve({ url: m[1], authority: m[2], pgid: child.pid!, stop });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('error', (e) => fail(e));
    child.on('exit', (code, signal) => fail(new Error(`code-server exited early (code ${code}, signal ${signal})`)));
  });
}

/** Turns the workbench's log call arguments back into the line the extension host printed. */
function formatLogArgs(args: unknown[]): string {
  const list = Array.isArray(args) ? [...args] : [args];
  // Forwarded console calls may carry a CSS-styled prefix: ('%c[Extension Host]', 'color: blue', ...message).
  if (typeof list[0] === 'string' && list[0].startsWith('%c')) {
    const styles = (list[0].match(/%c/g) ?? []).length;
    list.splice(0, 1 + styles);
  }
  return format(...list); // mocha's reporter logs printf-style ('%s (%dms)', title, ms)
}

interface RigRequest {
  id: string;
  op: string;
  name?: string;
  selector?: string;
  keys?: string[];
  text?: string;
  attributes?: string[];
  styles?: string[];
  modifiers?: string[];
}

/** Acts on one rig request from a test and writes the answer where the in-host helper polls for it. */
async function answer(page: Page, json: string, results: string, rigSay: (m: string) => void): Promise<void> {
  let req: RigRequest;
  try {
    req = JSON.parse(json) as RigRequest;
  } catch {
    rigSay(`unreadable rig request: ${json}`);
    return;
  }
  const reply = (body: unknown): void => {
    const file = path.join(results, '.rig', `${req.id}.json`);
    fs.writeFileSync(file + '.tmp', JSON.stringify(body));
    fs.renameSync(file + '.tmp', file); // atomic: the helper never reads half an answer
  };
  try {
    reply({ ok: true, result: await perform(page, req, results) });
  } catch (e) {
    rigSay(`rig ${req.op} failed: ${(e as Error).message}`);
    reply({ ok: false, error: (e as Error).message });
  }
}

/**
 * The documents of the visible webviews. Each webview is an outer iframe (VS Code's host page,
 * .../webview/browser/pre/index.html) holding the extension's document in an inner iframe whose element
 * id becomes "active-frame" once loaded (Playwright's frame.name() keeps the name it had when
 * attached, "pending-frame"). Hidden webviews stay in the DOM with visibility: hidden.
 */
async function visibleWebviewFrames(page: Page): Promise<Frame[]> {
  const out: Frame[] = [];
  for (const frame of page.frames()) {
    const outer = frame.parentFrame();
    if (!outer || !outer.url().includes('/webview/browser/pre/')) continue;
    const inner = await frame.frameElement().catch(() => undefined);
    if (!inner || (await inner.getAttribute('id')) !== 'active-frame') continue;
    const element = await outer.frameElement().catch(() => undefined);
    if (!element || !(await element.isVisible())) continue;
    out.push(frame);
  }
  return out;
}

const browserProfiles = new Map<string, CDPSession>();

async function perform(page: Page, req: RigRequest, results: string): Promise<unknown> {
  switch (req.op) {
    case 'screenshot': {
      const file = path.join(results, `${req.name}.png`);
      await page.screenshot({ path: file + '.tmp.png' });
      fs.renameSync(file + '.tmp.png', file);
      return { path: file };
    }
    case 'webviewText': {
      const texts: string[] = [];
      for (const frame of await visibleWebviewFrames(page)) texts.push(await frame.evaluate(() => document.body?.innerText ?? ''));
      const text = texts.join('\n\n');
      fs.writeFileSync(path.join(results, `${req.name}.txt`), text);
      return { text };
    }
    case 'webviewQuery': {
      // Elements inside the visible webviews: their text, ARIA label, the attributes and computed
      // styles asked for (custom properties too), and whether each is the focused element of its document.
      const nodes: unknown[] = [];
      for (const frame of await visibleWebviewFrames(page)) {
        nodes.push(
          ...(await frame.evaluate(
            ({ selector, attributes, styles }) =>
              Array.from(document.querySelectorAll(selector)).map((e) => ({
                text: (e as HTMLElement).innerText ?? e.textContent ?? '',
                ariaLabel: e.getAttribute('aria-label'),
                visible: !!(e as HTMLElement).getClientRects?.().length,
                focused: document.activeElement === e && document.hasFocus(),
                attributes: Object.fromEntries(attributes.map((a) => [a, e.getAttribute(a)])),
                styles: Object.fromEntries(styles.map((p) => [p, getComputedStyle(e).getPropertyValue(p).trim()])),
              })),
            { selector: req.selector!, attributes: req.attributes ?? [], styles: req.styles ?? [] },
          )),
        );
      }
      return nodes;
    }
    case 'webviewClick': {
      for (const frame of await visibleWebviewFrames(page)) {
        const loc = frame.locator(req.selector!).first();
        if ((await loc.count()) === 0) continue;
        await loc.click({ timeout: 10_000, modifiers: req.modifiers as Array<'Alt' | 'Control' | 'Meta' | 'Shift'> | undefined });
        return null;
      }
      throw new Error(`no element matches ${req.selector} in a visible webview`);
    }
    case 'domQuery': {
      const loc = page.locator(req.selector!);
      const nodes = [];
      for (let i = 0, n = await loc.count(); i < n; i++) {
        const el = loc.nth(i);
        nodes.push({
          text: await el.innerText().catch(() => ''),
          ariaLabel: await el.getAttribute('aria-label'),
          expanded: await el.getAttribute('aria-expanded'),
          visible: await el.isVisible(),
        });
      }
      return nodes;
    }
    case 'pressKeys':
      for (const k of req.keys ?? []) await page.keyboard.press(k);
      return null;
    case 'typeText':
      await page.keyboard.type(req.text ?? '', { delay: 20 });
      return null;
    case 'click':
      await page.locator(req.selector!).filter({ visible: true }).first().click({ timeout: 10_000 });
      return null;
    case 'browserProfileStart': {
      // A CPU profile of the workbench page's renderer (the webviews' frames run in it too).
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
      await cdp.send('Profiler.start');
      browserProfiles.set(req.name!, cdp);
      return null;
    }
    case 'browserProfileStop': {
      const cdp = browserProfiles.get(req.name!);
      if (!cdp) throw new Error(`no browser profile "${req.name}" was started`);
      browserProfiles.delete(req.name!);
      const { profile } = await cdp.send('Profiler.stop');
      await cdp.detach();
      const file = path.join(results, `${req.name}.cpuprofile`);
      fs.writeFileSync(file, JSON.stringify(profile));
      return { path: file };
    }
    default:
      throw new Error(`unknown rig op "${req.op}"`);
  }
}

/**
 * Runs each requested pass in turn (all of them, even after a failure) and ends with one
 * `integration: N passed, N failed, N skipped` line over all passes. The untrusted pass uses
 * `<output>/untrusted/`, so it never wipes the main pass's workspace or artifacts.
 */
async function runPasses(opts: RigOptions & { suites: Suite[] }): Promise<number> {
  const { suites, ...base } = opts;
  if (suites.length === 1 && suites[0] === 'suite') return runRig({ ...base, suite: suites[0] });
  const total: Tally = { passed: 0, failed: 0, skipped: 0 };
  let code = 0;
  for (const suite of suites) {
    const passCode = await runRig({
      ...base,
      suite,
      // With --grep, one pass may match nothing: that is only a failure when no pass matches (below).
      env: { ...base.env, ...(base.grep && suites.length > 1 ? { OPSDECK_EMPTY_GREP_OK: '1' } : {}) },
      output: suite === 'untrusted' || suite === 'demo' ? path.join(base.output, suite) : base.output,
      pass: suite,
      onTally: (t) => {
        total.passed += t.passed;
        total.failed += t.failed;
        total.skipped += t.skipped;
      },
    }).catch((e: Error) => {
      console.error(`[rig] ${suite} pass FAILED: ${e.message}`);
      total.failed += 1;
      return 1;
    });
    if (passCode !== 0 && code === 0) code = passCode;
  }
  if (base.grep && total.passed + total.failed + total.skipped === 0) {
    console.error(`[rig] no integration test matched OPSDECK_TEST_GREP="${base.grep}" in any pass`);
    total.failed += 1;
    code ||= 1;
  }
  console.log(`integration: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  return code;
}

if (require.main === module) {
  let opts: ReturnType<typeof parseArgs>;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`[rig] ${(e as Error).message}`);
    process.exit(2);
  }
  runPasses(opts).then(
    (code) => process.exit(code),
    (e: Error) => {
      console.error(`[rig] FAILED: ${e.message}`);
      process.exit(1);
    },
  );
}
