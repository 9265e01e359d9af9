// The Pulumi CLI, pinned to the same release as the npm package @pulumi/pulumi (package.json).
//
// There is no offline installer (the npm package `pulumi` and get.pulumi.com download binaries), so the
// CLI is built from its Go module through the Go module proxy: scripts/tools/pulumi-cli/ is a small tools
// module whose go.mod/go.sum pin github.com/pulumi/pulumi/pkg/v3 (and sdk/v3) at PULUMI_VERSION and
// repeat pkg's non-local `replace` (atotto/clipboard => tgummerer/clipboard). The version is stamped
// with -ldflags -X …/sdk/v3/go/common/version.Version, without which the Automation API cannot parse
// `pulumi version`. The binary lands in the tool cache, keyed by version:
//   <cache>/pulumi-v3.259.0/bin/pulumi
// A `pulumi` already on PATH at exactly that version is used instead. The Go module and build caches
// stay at Go's defaults (GOMODCACHE ~/go/pkg/mod, GOCACHE ~/.cache/go-build).
//
// The Node.js language host: Pulumi's own (module
// github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) is NOT available here: the Go
// module proxy these machines reach answers 403 "This module version is not available" for that module
// at every version asked (@v/list, the pseudo-version of the release commit, the commit hash). So the
// tools module also holds OpsDeck's own minimal language host (scripts/tools/pulumi-cli/language-nodejs,
// built as pulumi-language-nodejs): it runs on-disk Node.js/TypeScript programs (Pulumi.yaml with
// runtime: nodejs) for preview/up/refresh/destroy by starting the project's own
// @pulumi/pulumi/cmd/run, which does the real work, and policy packs (RunPlugin: the pack's
// @pulumi/pulumi/cmd/run-policy-pack behind the SDK's PolicyProxy, as Pulumi's host does). It is for
// tests and the demo, not a replacement for Pulumi's host (no plugin discovery from node_modules, no
// `pulumi install`). A real pulumi-language-nodejs beside a suitable `pulumi` on PATH is preferred.
// Inline Automation API programs need no language host at all.
// Pulumi YAML: Pulumi's own host, pulumi-language-yaml at PULUMI_YAML_VERSION, built from its own Go
// module (scripts/tools/pulumi-yaml: go.mod/go.sum) into <cache>/pulumi-yaml-v1.25.0/bin/ and linked
// beside the CLI.
// The dynamic-provider plugin pulumi-resource-pulumi-nodejs (a shell script shipped in the npm package
// @pulumi/pulumi; it resolves @pulumi/pulumi from the project directory) is copied beside the CLI, where
// the CLI looks for "bundled" plugins: with binDir on PATH nothing else is needed, and the CLI neither
// tries to download it nor warns "using … from $PATH".
// "Beside the CLI" is binDir = <cache>/pulumi-v3.259.0/rig-<hash>/bin: a hard link to the cached CLI
// plus the hosts and the plugin, keyed by a hash of the minimal host's source, so worktrees and branches
// sharing one cache each get their own host instead of rebuilding one shared binary in turn.
//
// ensurePulumi returns (into .tools/tools.json under "pulumi"):
//   { version: '3.259.0',
//     source: 'cache' | 'built' | 'path',         // where the CLI came from
//     binDir: '/…/pulumi-v3.259.0/rig-<hash>/bin', // put on PATH: pulumi, pulumi-language-nodejs,
//     pulumi: '/…/rig-<hash>/bin/pulumi',           //   pulumi-language-yaml, pulumi-resource-pulumi-nodejs
//     languageHost: '/…/bin/pulumi-language-nodejs',
//     languageHostKind: 'opsdeck-minimal' | 'pulumi',
//     languageHostReason?: string,                  // why it is not Pulumi's own
//     pluginDirs: [],                               // more dirs to put on PATH after binDir (only when
//                                                   // the CLI came from PATH and lacks its plugins)
//     yaml: { version: '1.25.0', languageHost: '/…/bin/pulumi-language-yaml',
//             built: '/…/pulumi-yaml-v1.25.0/bin/pulumi-language-yaml', source: 'cache' | 'built' | 'path' },
//     env: { PULUMI_SKIP_UPDATE_CHECK: 'true', PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true' } }
// Tests add PULUMI_BACKEND_URL=file://<dir>, PULUMI_CONFIG_PASSPHRASE and PULUMI_HOME=<dir> themselves
// (test/support/pulumiTools.ts: pulumiEnv; an S3 backend on moto: test/support/s3Backend.ts).
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  linkSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { delimiter, dirname, join, sep } from 'node:path';
import { sh, probe, log, ToolError } from './common.mjs';

export const PULUMI_VERSION = '3.259.0';
// Pulumi's YAML language host (github.com/pulumi/pulumi-yaml), pinned here beside the CLI; the module
// scripts/tools/pulumi-yaml/go.mod must require the same version (set-up refuses a mismatch).
export const PULUMI_YAML_VERSION = '1.25.0';
const CLI_PACKAGE = 'github.com/pulumi/pulumi/pkg/v3/cmd/pulumi';
const VERSION_VAR = 'github.com/pulumi/pulumi/sdk/v3/go/common/version.Version';
const LANGUAGE_HOST = 'pulumi-language-nodejs';
const YAML_HOST = 'pulumi-language-yaml';
const YAML_MODULE = 'github.com/pulumi/pulumi-yaml';
const YAML_PACKAGE = `${YAML_MODULE}/cmd/${YAML_HOST}`;
const YAML_VERSION_VAR = `${YAML_MODULE}/pkg/version.Version`;
const DYNAMIC_PROVIDER = 'pulumi-resource-pulumi-nodejs';
const LANGUAGE_HOST_MODULE = 'github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3';
const MINIMAL_HOST_REASON =
  `Pulumi's own ${LANGUAGE_HOST} cannot be had here: the Go module proxy refuses ${LANGUAGE_HOST_MODULE} ` +
  `(403 "This module version is not available" for @v/list and for the v${PULUMI_VERSION} release commit). ` +
  `OpsDeck's minimal host (scripts/tools/pulumi-cli/language-nodejs) runs on-disk Node.js/TypeScript programs ` +
  `for preview/up/refresh/destroy; it does not discover provider plugins from node_modules nor install dependencies.`;

export const PULUMI_ENV = { PULUMI_SKIP_UPDATE_CHECK: 'true', PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true' };

const secs = (t) => `${((Date.now() - t) / 1000).toFixed(1)} s`;

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      if (statSync(p).isFile()) return p;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

async function cliVersion(bin) {
  const out = await probe(bin, ['version'], { env: { ...process.env, ...PULUMI_ENV } });
  return out?.trim().split(/\s+/)[0];
}

/** a.b.c → [a, b, c] (numbers), or undefined for anything but an exact version. */
function parseVersion(v) {
  const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(String(v ?? '').trim());
  return m ? m.slice(1).map(Number) : undefined;
}
const atLeast = (a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/**
 * package.json must pin @pulumi/pulumi to an exact version no newer than the CLI (a CLI is compatible
 * with the SDKs released before it, not the other way round), and node_modules must carry that version.
 * The SDK is pinned separately from the CLI because its releases after 3.248.0 declare node >=22, and
 * OpsDeck (like the VS Code and code-server it runs in) supports Node 20. Returns the SDK's folder and version.
 */
function checkNpmPackage(root) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const wanted = pkg.devDependencies?.['@pulumi/pulumi'] ?? pkg.dependencies?.['@pulumi/pulumi'];
  const sdk = parseVersion(wanted);
  if (!sdk) {
    throw new ToolError(`package.json must pin @pulumi/pulumi to an exact version (like "3.248.0"), not ${JSON.stringify(wanted)}`);
  }
  if (atLeast(parseVersion(PULUMI_VERSION), sdk) < 0) {
    throw new ToolError(
      `package.json pins @pulumi/pulumi ${wanted}, newer than the Pulumi CLI ${PULUMI_VERSION} scripts/tools/pulumi.mjs builds: ` +
        `raise PULUMI_VERSION (and the pkg/v3 + sdk/v3 versions in scripts/tools/pulumi-cli/go.mod) to at least ${wanted}`,
    );
  }
  const pkgDir = join(root, 'node_modules', '@pulumi', 'pulumi');
  const pkgJson = join(pkgDir, 'package.json');
  if (!existsSync(pkgJson)) throw new ToolError(`@pulumi/pulumi is not installed in ${root}/node_modules: run \`npm install\` first`);
  const installed = JSON.parse(readFileSync(pkgJson, 'utf8')).version;
  if (installed !== wanted) {
    throw new ToolError(`node_modules has @pulumi/pulumi ${installed}, but package.json pins ${wanted}: run \`npm ci\``);
  }
  if (!existsSync(join(pkgDir, DYNAMIC_PROVIDER)))
    throw new ToolError(`@pulumi/pulumi ${installed} lacks its dynamic-provider plugin ${DYNAMIC_PROVIDER}`);
  return { pkgDir, sdkVersion: installed };
}

async function goBuild(moduleDir, pkg, target, what, { versionVar = VERSION_VAR, version = `v${PULUMI_VERSION}` } = {}) {
  const goVersion = await probe('go', ['version']);
  if (!goVersion) throw new ToolError(`building ${what} needs the Go toolchain (\`go\`), which is not on PATH`);
  if (!existsSync(join(moduleDir, 'go.sum'))) throw new ToolError(`the Go tools module is missing: ${moduleDir}/go.mod and go.sum`);
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  try {
    await sh('go', ['build', '-mod=readonly', '-trimpath', '-ldflags', `-s -w -X ${versionVar}=${version}`, '-o', tmp, pkg], {
      cwd: moduleDir,
      what: `go build of ${what} (${goVersion.trim()}; needs the Go module proxy for the modules pinned in ${moduleDir}/go.mod)`,
    });
    renameSync(tmp, target);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** The CLI: on PATH at exactly PULUMI_VERSION, else cached, else built into binDir. */
async function ensureCli(moduleDir, binDir) {
  const target = join(binDir, 'pulumi');
  const existing = onPath('pulumi');
  // (a PATH entry that is, or links to, one of our own cached builds counts as the cache)
  const ours = realpathSync(dirname(binDir)) + sep;
  if (existing && !realpathSync(existing).startsWith(ours)) {
    const v = await cliVersion(existing);
    if (v === `v${PULUMI_VERSION}`) {
      log(`using the Pulumi CLI on PATH: ${existing} (${v})`);
      return { pulumi: realpathSync(existing), source: 'path' };
    }
    log(`not using the Pulumi CLI on PATH (${existing} reports ${v ?? 'nothing'}; need v${PULUMI_VERSION})`);
  }
  if (existsSync(target)) {
    const v = await cliVersion(target);
    if (v === `v${PULUMI_VERSION}`) {
      log(`Pulumi CLI ${v} already built: ${target}`);
      return { pulumi: target, source: 'cache' };
    }
    log(`cached ${target} reports "${v ?? 'nothing'}": rebuilding`);
    rmSync(target, { force: true });
  }
  log(`building the Pulumi CLI v${PULUMI_VERSION} from its Go module; the first build takes several minutes`);
  const t = Date.now();
  await goBuild(moduleDir, CLI_PACKAGE, target, `the Pulumi CLI v${PULUMI_VERSION}`);
  const v = await cliVersion(target);
  if (v !== `v${PULUMI_VERSION}`) {
    rmSync(target, { force: true });
    throw new ToolError(`the freshly built Pulumi CLI reports "${v}" instead of v${PULUMI_VERSION}`);
  }
  log(`  built ${target} in ${secs(t)}`);
  return { pulumi: target, source: 'built' };
}

/** What OpsDeck's minimal language host is built from: its source, the pinned modules, the CLI version. */
function minimalHostStamp(moduleDir, extra = '') {
  const hash = createHash('sha256');
  for (const f of ['language-nodejs/main.go', 'go.mod', 'go.sum']) hash.update(readFileSync(join(moduleDir, f)));
  hash.update(PULUMI_VERSION);
  hash.update(extra);
  return hash.digest('hex');
}

/** OpsDeck's minimal language host, rebuilt whenever its source or the pinned modules change. */
async function ensureMinimalHost(moduleDir, dir) {
  const target = join(dir, LANGUAGE_HOST);
  const stampFile = `${target}.sha256`;
  const stamp = minimalHostStamp(moduleDir);
  if (existsSync(target) && existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === stamp) {
    log(`language host (OpsDeck's minimal ${LANGUAGE_HOST}) up to date: ${target}`);
    return target;
  }
  log(`building OpsDeck's minimal ${LANGUAGE_HOST} (Pulumi's own cannot be had from the Go proxy)`);
  const t = Date.now();
  await goBuild(moduleDir, './language-nodejs', target, `OpsDeck's ${LANGUAGE_HOST}`);
  writeFileSync(stampFile, stamp + '\n');
  log(`  built ${target} in ${secs(t)}`);
  return target;
}

/**
 * The folder the rig puts first on PATH: the CLI (a hard link to the cached build, so the CLI finds its
 * "bundled" plugins beside it, in this folder) with the language hosts and the dynamic-provider plugin.
 * It is keyed by the minimal host's stamp, so checkouts whose host source differs (branches, worktrees
 * sharing one cache) each get their own folder instead of rebuilding one shared binary in turn.
 */
function ensureRigDir(cacheDir, cli, stamp) {
  // <…>/rig-<stamp>/bin: a `bin` folder, so PulumiCommand.get({ root: <…>/rig-<stamp> }) finds bin/pulumi
  const dir = join(cacheDir, `rig-${stamp.slice(0, 12)}`, 'bin');
  mkdirSync(dir, { recursive: true });
  const link = join(dir, 'pulumi');
  const same = existsSync(link) && statSync(link).ino === statSync(cli).ino;
  if (!same) {
    const tmp = `${link}.tmp-${process.pid}`;
    rmSync(tmp, { force: true });
    try {
      linkSync(cli, tmp);
    } catch {
      copyFileSync(cli, tmp); // another file system: a copy does as well
      chmodSync(tmp, 0o755);
    }
    renameSync(tmp, link);
    log(`linked the CLI into ${dir}`);
  }
  return { dir, pulumi: link };
}

/**
 * Pulumi's own YAML language host, built from scripts/tools/pulumi-yaml (a Go module of its own, since
 * pulumi-yaml builds against older pulumi/pkg/v3 and sdk/v3 than the CLI's) into the cache keyed by
 * version, <cache>/pulumi-yaml-v<PULUMI_YAML_VERSION>/bin/pulumi-language-yaml, and linked into hostDir
 * (beside the CLI), where the CLI looks for language hosts first. The binary has no --version flag, so a
 * stamp (sha256 of go.mod, go.sum and the version) decides whether the cached build is current.
 */
async function ensureYamlHost(cache, root, hostDir) {
  const moduleDir = join(root, 'scripts', 'tools', 'pulumi-yaml');
  const goMod = readFileSync(join(moduleDir, 'go.mod'), 'utf8');
  // the `require` line for the module, e.g. `require github.com/pulumi/pulumi-yaml v1.25.0` or inside a block
  const pinned = goMod
    .split('\n')
    .map((l) =>
      l
        .trim()
        .replace(/^require\s+/, '')
        .split(/\s+/),
    )
    .find(([mod]) => mod === YAML_MODULE)?.[1];
  if (pinned !== `v${PULUMI_YAML_VERSION}`) {
    throw new ToolError(
      `scripts/tools/pulumi-yaml/go.mod requires ${YAML_MODULE} ${pinned ?? '(nothing)'} but scripts/tools/pulumi.mjs pins ` +
        `PULUMI_YAML_VERSION ${PULUMI_YAML_VERSION}: change both together (then \`go mod tidy\` in scripts/tools/pulumi-yaml)`,
    );
  }
  const built = join(cache, `pulumi-yaml-v${PULUMI_YAML_VERSION}`, 'bin', YAML_HOST);
  const stampFile = `${built}.sha256`;
  const hash = createHash('sha256');
  for (const f of ['go.mod', 'go.sum']) hash.update(readFileSync(join(moduleDir, f)));
  hash.update(PULUMI_YAML_VERSION);
  const stamp = hash.digest('hex');
  let source = 'cache';
  if (existsSync(built) && existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === stamp) {
    log(`Pulumi YAML language host v${PULUMI_YAML_VERSION} already built: ${built}`);
  } else {
    log(`building Pulumi's YAML language host v${PULUMI_YAML_VERSION} from its Go module (about 1.5 min with a warm module cache)`);
    const t = Date.now();
    await goBuild(moduleDir, YAML_PACKAGE, built, `${YAML_HOST} v${PULUMI_YAML_VERSION}`, {
      versionVar: YAML_VERSION_VAR,
      version: `v${PULUMI_YAML_VERSION}`,
    });
    writeFileSync(stampFile, stamp + '\n');
    log(`  built ${built} in ${secs(t)}`);
    source = 'built';
  }
  const link = join(hostDir, YAML_HOST);
  let current;
  try {
    current = readlinkSync(link);
  } catch {
    current = undefined;
  }
  if (current !== built) {
    mkdirSync(hostDir, { recursive: true });
    rmSync(link, { force: true });
    symlinkSync(built, link);
    log(`linked ${link} -> ${built}`);
  }
  return { version: PULUMI_YAML_VERSION, languageHost: link, built, source };
}

/** Copies @pulumi/pulumi's dynamic-provider launcher (it resolves @pulumi/pulumi from the project dir). */
function ensureDynamicProvider(pkgDir, dir) {
  const src = join(pkgDir, DYNAMIC_PROVIDER);
  const dest = join(dir, DYNAMIC_PROVIDER);
  const content = readFileSync(src);
  if (!existsSync(dest) || !readFileSync(dest).equals(content)) {
    mkdirSync(dir, { recursive: true });
    copyFileSync(src, dest);
    chmodSync(dest, 0o755);
    log(`copied ${DYNAMIC_PROVIDER} from @pulumi/pulumi beside the CLI`);
  }
  return dest;
}

export async function ensurePulumi({ cache, root }) {
  const { pkgDir, sdkVersion } = checkNpmPackage(root);
  const moduleDir = join(root, 'scripts', 'tools', 'pulumi-cli');
  const cacheDir = join(cache, `pulumi-v${PULUMI_VERSION}`);
  const cacheBin = join(cacheDir, 'bin');
  mkdirSync(cacheBin, { recursive: true });

  const cli = await ensureCli(moduleDir, cacheBin);
  const { source } = cli;
  let { pulumi } = cli;
  let binDir = dirname(pulumi);
  const pluginDirs = [];
  let languageHost;
  let languageHostKind;
  let hostDir;

  if (source === 'path') {
    // A CLI installed on this machine: use its own plugins when it has them, else add ours in a
    // separate folder (never beside another `pulumi`, so PATH order cannot pick the wrong CLI).
    const extras = join(cacheDir, `plugins-${minimalHostStamp(moduleDir).slice(0, 12)}`);
    hostDir = extras;
    const realHost = join(binDir, LANGUAGE_HOST);
    if (existsSync(realHost)) {
      languageHost = realHost;
      languageHostKind = 'pulumi';
    } else {
      languageHost = await ensureMinimalHost(moduleDir, extras);
      languageHostKind = 'opsdeck-minimal';
    }
    if (!existsSync(join(binDir, DYNAMIC_PROVIDER))) ensureDynamicProvider(pkgDir, extras);
    if (existsSync(extras)) pluginDirs.push(extras);
  } else {
    // keyed by the SDK too: the dynamic-provider launcher beside the CLI comes from the SDK's package
    const rig = ensureRigDir(cacheDir, pulumi, minimalHostStamp(moduleDir, sdkVersion));
    pulumi = rig.pulumi;
    binDir = hostDir = rig.dir;
    languageHost = await ensureMinimalHost(moduleDir, binDir);
    languageHostKind = 'opsdeck-minimal';
    ensureDynamicProvider(pkgDir, binDir);
  }
  log(`language host: ${languageHost} (${languageHostKind === 'pulumi' ? "Pulumi's own" : "OpsDeck's minimal host"})`);

  // YAML programs: Pulumi's own host. A CLI from PATH that ships one beside it (Pulumi's distribution
  // does) keeps its own; otherwise ours goes beside our CLI, or into the extras folder.
  let yaml;
  const pathYaml = source === 'path' ? join(binDir, YAML_HOST) : undefined;
  if (pathYaml && existsSync(pathYaml)) {
    yaml = { version: 'bundled with the CLI', languageHost: pathYaml, source: 'path' };
  } else {
    yaml = await ensureYamlHost(cache, root, hostDir);
    if (source === 'path' && !pluginDirs.includes(hostDir)) pluginDirs.push(hostDir);
  }
  log(`YAML language host: ${yaml.languageHost} (Pulumi's own, ${yaml.version})`);

  return {
    version: PULUMI_VERSION,
    sdkVersion,
    source,
    binDir,
    pulumi,
    languageHost,
    languageHostKind,
    ...(languageHostKind === 'opsdeck-minimal' ? { languageHostReason: MINIMAL_HOST_REASON } : {}),
    pluginDirs,
    yaml,
    env: { ...PULUMI_ENV },
  };
}
