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
// @pulumi/pulumi/cmd/run, which does the real work. It is for tests and the demo, not a replacement for
// Pulumi's host (no plugin discovery from node_modules, no `pulumi install`, no policy packs). A real
// pulumi-language-nodejs beside a suitable `pulumi` on PATH is preferred. Inline Automation API programs
// need no language host at all.
// The dynamic-provider plugin pulumi-resource-pulumi-nodejs (a shell script shipped in the npm package
// @pulumi/pulumi; it resolves @pulumi/pulumi from the project directory) is copied beside the CLI, where
// the CLI looks for "bundled" plugins: with binDir on PATH nothing else is needed, and the CLI neither
// tries to download it nor warns "using … from $PATH".
//
// ensurePulumi returns (into .tools/tools.json under "pulumi"):
//   { version: '3.259.0',
//     source: 'cache' | 'built' | 'path',         // where the CLI came from
//     binDir: '/…/pulumi-v3.259.0/bin',            // put on PATH: pulumi, pulumi-language-nodejs,
//     pulumi: '/…/pulumi-v3.259.0/bin/pulumi',     //   pulumi-resource-pulumi-nodejs
//     languageHost: '/…/bin/pulumi-language-nodejs',
//     languageHostKind: 'opsdeck-minimal' | 'pulumi',
//     languageHostReason?: string,                  // why it is not Pulumi's own
//     pluginDirs: [],                               // more dirs to put on PATH after binDir (only when
//                                                   // the CLI came from PATH and lacks its plugins)
//     env: { PULUMI_SKIP_UPDATE_CHECK: 'true', PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true' } }
// Tests add PULUMI_BACKEND_URL=file://<dir>, PULUMI_CONFIG_PASSPHRASE and PULUMI_HOME=<dir> themselves.
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { sh, probe, log, ToolError } from './common.mjs';

export const PULUMI_VERSION = '3.259.0';
const CLI_PACKAGE = 'github.com/pulumi/pulumi/pkg/v3/cmd/pulumi';
const VERSION_VAR = 'github.com/pulumi/pulumi/sdk/v3/go/common/version.Version';
const LANGUAGE_HOST = 'pulumi-language-nodejs';
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

/** package.json and node_modules must carry @pulumi/pulumi at PULUMI_VERSION; returns its folder. */
function checkNpmPackage(root) {
  const wanted = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).dependencies?.['@pulumi/pulumi'];
  if (wanted && wanted !== PULUMI_VERSION) {
    throw new ToolError(
      `package.json pins @pulumi/pulumi ${wanted} but scripts/tools/pulumi.mjs builds the CLI at ${PULUMI_VERSION}: ` +
        `keep them matched (PULUMI_VERSION here, and the pkg/v3 + sdk/v3 versions in scripts/tools/pulumi-cli/go.mod)`,
    );
  }
  const pkgDir = join(root, 'node_modules', '@pulumi', 'pulumi');
  const pkgJson = join(pkgDir, 'package.json');
  if (!existsSync(pkgJson)) throw new ToolError(`@pulumi/pulumi is not installed in ${root}/node_modules: run \`npm install\` first`);
  const installed = JSON.parse(readFileSync(pkgJson, 'utf8')).version;
  if (installed !== PULUMI_VERSION) {
    throw new ToolError(`node_modules has @pulumi/pulumi ${installed}, expected ${PULUMI_VERSION}: run \`npm install\``);
  }
  if (!existsSync(join(pkgDir, DYNAMIC_PROVIDER)))
    throw new ToolError(`@pulumi/pulumi ${installed} lacks its dynamic-provider plugin ${DYNAMIC_PROVIDER}`);
  return pkgDir;
}

async function goBuild(moduleDir, pkg, target, what) {
  const goVersion = await probe('go', ['version']);
  if (!goVersion) throw new ToolError(`building ${what} needs the Go toolchain (\`go\`), which is not on PATH`);
  if (!existsSync(join(moduleDir, 'go.sum'))) throw new ToolError(`the Pulumi tools module is missing: ${moduleDir}/go.mod and go.sum`);
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  try {
    await sh('go', ['build', '-mod=readonly', '-trimpath', '-ldflags', `-s -w -X ${VERSION_VAR}=v${PULUMI_VERSION}`, '-o', tmp, pkg], {
      cwd: moduleDir,
      what: `go build of ${what} (${goVersion.trim()}; needs the Go module proxy for github.com/pulumi/pulumi/pkg/v3@v${PULUMI_VERSION} and its dependencies)`,
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
  // (a PATH entry that is, or links to, our own cached build counts as the cache)
  if (existing && dirname(realpathSync(existing)) !== realpathSync(binDir)) {
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

/** OpsDeck's minimal language host, rebuilt whenever its source or the pinned modules change. */
async function ensureMinimalHost(moduleDir, dir) {
  const target = join(dir, LANGUAGE_HOST);
  const stampFile = `${target}.sha256`;
  const hash = createHash('sha256');
  for (const f of ['language-nodejs/main.go', 'go.mod', 'go.sum']) hash.update(readFileSync(join(moduleDir, f)));
  hash.update(PULUMI_VERSION);
  const stamp = hash.digest('hex');
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
  const pkgDir = checkNpmPackage(root);
  const moduleDir = join(root, 'scripts', 'tools', 'pulumi-cli');
  const cacheDir = join(cache, `pulumi-v${PULUMI_VERSION}`);
  const cacheBin = join(cacheDir, 'bin');
  mkdirSync(cacheBin, { recursive: true });

  const { pulumi, source } = await ensureCli(moduleDir, cacheBin);
  const binDir = dirname(pulumi);
  const pluginDirs = [];
  let languageHost;
  let languageHostKind;

  if (source === 'path') {
    // A CLI installed on this machine: use its own plugins when it has them, else add ours in a
    // separate folder (never beside another `pulumi`, so PATH order cannot pick the wrong CLI).
    const extras = join(cacheDir, 'plugins');
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
    languageHost = await ensureMinimalHost(moduleDir, binDir);
    languageHostKind = 'opsdeck-minimal';
    ensureDynamicProvider(pkgDir, binDir);
  }
  log(`language host: ${languageHost} (${languageHostKind === 'pulumi' ? "Pulumi's own" : "OpsDeck's minimal host"})`);

  return {
    version: PULUMI_VERSION,
    source,
    binDir,
    pulumi,
    languageHost,
    languageHostKind,
    ...(languageHostKind === 'opsdeck-minimal' ? { languageHostReason: MINIMAL_HOST_REASON } : {}),
    pluginDirs,
    env: { ...PULUMI_ENV },
  };
}
