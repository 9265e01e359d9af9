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
// The Node.js language host (pulumi-language-nodejs, module
// github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) is NOT available: the Go proxy
// these machines reach answers 403 "This module version is not available" for that module at every
// version asked (@v/list, the pseudo-version of the release commit, the commit hash). So on-disk
// projects (Pulumi.yaml with runtime: nodejs) cannot be previewed or deployed here; run Pulumi programs
// as inline Automation API programs (LocalWorkspace.createOrSelectStack({ program, … })), which need no
// language host. A pulumi-language-nodejs found beside the CLI or on PATH is reported and used.
//
// ensurePulumi returns (into .tools/tools.json under "pulumi"):
//   { version: '3.259.0',
//     source: 'cache' | 'built' | 'path',
//     binDir: '/…/pulumi-v3.259.0/bin',          // put on PATH
//     pulumi: '/…/pulumi-v3.259.0/bin/pulumi',
//     languageHost: '/…/pulumi-language-nodejs' | null,
//     languageHostReason?: string,               // why it is null
//     pluginDirs: ['/…/node_modules/@pulumi/pulumi'],   // holds pulumi-resource-pulumi-nodejs (dynamic
//                                                       // providers): put on PATH too, else the CLI
//                                                       // tries to download it
//     env: { PULUMI_SKIP_UPDATE_CHECK: 'true', PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true' } }
// Tests add PULUMI_BACKEND_URL=file://<dir>, PULUMI_CONFIG_PASSPHRASE and PULUMI_HOME=<dir> themselves.
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { sh, probe, log, ToolError } from './common.mjs';

export const PULUMI_VERSION = '3.259.0';
const CLI_PACKAGE = 'github.com/pulumi/pulumi/pkg/v3/cmd/pulumi';
const VERSION_VAR = 'github.com/pulumi/pulumi/sdk/v3/go/common/version.Version';
const LANGUAGE_HOST = 'pulumi-language-nodejs';
const LANGUAGE_HOST_MODULE = 'github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3';
const LANGUAGE_HOST_REASON =
  `${LANGUAGE_HOST} is not available: the Go module proxy reachable here refuses ${LANGUAGE_HOST_MODULE} ` +
  `(403 "This module version is not available" for @v/list and for the v${PULUMI_VERSION} release commit), ` +
  `and no registry ships it. On-disk Pulumi projects (Pulumi.yaml, runtime nodejs) cannot run; ` +
  `use inline Automation API programs (LocalWorkspace with a program function).`;

export const PULUMI_ENV = { PULUMI_SKIP_UPDATE_CHECK: 'true', PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true' };

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

function checkNpmPackage(root) {
  const wanted = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).dependencies?.['@pulumi/pulumi'];
  if (wanted && wanted !== PULUMI_VERSION) {
    throw new ToolError(
      `package.json pins @pulumi/pulumi ${wanted} but scripts/tools/pulumi.mjs builds the CLI at ${PULUMI_VERSION}: ` +
        `keep them matched (PULUMI_VERSION here, and the pkg/v3 version in scripts/tools/pulumi-cli/go.mod)`,
    );
  }
  const pkgDir = join(root, 'node_modules', '@pulumi', 'pulumi');
  const pkgJson = join(pkgDir, 'package.json');
  if (!existsSync(pkgJson)) throw new ToolError(`@pulumi/pulumi is not installed in ${root}/node_modules: run \`npm install\` first`);
  const installed = JSON.parse(readFileSync(pkgJson, 'utf8')).version;
  if (installed !== PULUMI_VERSION) {
    throw new ToolError(`node_modules has @pulumi/pulumi ${installed}, expected ${PULUMI_VERSION}: run \`npm install\``);
  }
  const dynamicProvider = join(pkgDir, 'pulumi-resource-pulumi-nodejs');
  if (!existsSync(dynamicProvider)) throw new ToolError(`@pulumi/pulumi ${installed} lacks its dynamic-provider plugin ${dynamicProvider}`);
  return pkgDir;
}

function findLanguageHost(binDir) {
  const beside = join(binDir, LANGUAGE_HOST);
  if (existsSync(beside)) return beside;
  return onPath(LANGUAGE_HOST) ?? null;
}

function result(source, pulumi, pluginDir) {
  const binDir = dirname(pulumi);
  const languageHost = findLanguageHost(binDir);
  if (languageHost) log(`language host: ${languageHost}`);
  else log(`language host: none (${LANGUAGE_HOST} cannot be had here; inline Automation API programs only)`);
  return {
    version: PULUMI_VERSION,
    source,
    binDir,
    pulumi,
    languageHost,
    ...(languageHost ? {} : { languageHostReason: LANGUAGE_HOST_REASON }),
    pluginDirs: [pluginDir],
    env: { ...PULUMI_ENV },
  };
}

async function build(root, target) {
  const goVersion = await probe('go', ['version']);
  if (!goVersion) throw new ToolError('building the Pulumi CLI needs the Go toolchain (`go`), which is not on PATH');
  const moduleDir = join(root, 'scripts', 'tools', 'pulumi-cli');
  if (!existsSync(join(moduleDir, 'go.sum'))) throw new ToolError(`the Pulumi CLI tools module is missing: ${moduleDir}/go.mod and go.sum`);
  log(`building the Pulumi CLI v${PULUMI_VERSION} from its Go module (${goVersion.trim()}); the first build takes several minutes`);
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  const started = Date.now();
  try {
    await sh(
      'go',
      ['build', '-mod=readonly', '-trimpath', '-ldflags', `-s -w -X ${VERSION_VAR}=v${PULUMI_VERSION}`, '-o', tmp, CLI_PACKAGE],
      { cwd: moduleDir, what: `go build of the Pulumi CLI v${PULUMI_VERSION} (needs the Go module proxy for github.com/pulumi/pulumi/pkg/v3@v${PULUMI_VERSION} and its dependencies)` },
    );
    const v = await cliVersion(tmp);
    if (v !== `v${PULUMI_VERSION}`) throw new ToolError(`the freshly built Pulumi CLI reports "${v}" instead of v${PULUMI_VERSION}`);
    renameSync(tmp, target);
  } finally {
    rmSync(tmp, { force: true });
  }
  log(`  built ${target} in ${((Date.now() - started) / 60000).toFixed(1)} min`);
}

export async function ensurePulumi({ cache, root }) {
  const pluginDir = checkNpmPackage(root);

  const existing = onPath('pulumi');
  if (existing) {
    const v = await cliVersion(existing);
    if (v === `v${PULUMI_VERSION}`) {
      log(`using the Pulumi CLI on PATH: ${existing} (${v})`);
      return result('path', realpathSync(existing), pluginDir);
    }
    log(`ignoring the Pulumi CLI on PATH (${existing} reports ${v ?? 'nothing'}; need v${PULUMI_VERSION})`);
  }

  const target = join(cache, `pulumi-v${PULUMI_VERSION}`, 'bin', 'pulumi');
  if (existsSync(target)) {
    const v = await cliVersion(target);
    if (v === `v${PULUMI_VERSION}`) {
      log(`Pulumi CLI ${v} already built: ${target}`);
      return result('cache', target, pluginDir);
    }
    log(`cached ${target} reports "${v ?? 'nothing'}": rebuilding`);
    rmSync(target, { force: true });
  }
  await build(root, target);
  return result('built', target, pluginDir);
}
