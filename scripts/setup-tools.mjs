// Provisions every tool the test suites and the demo need, idempotently.
// Each tool is built or installed once into a cache outside the checkout (keyed by its version), so a
// fresh clone finds it ready in seconds; .tools/tools.json in the checkout records where each one is.
//
//   node scripts/setup-tools.mjs            everything
//   node scripts/setup-tools.mjs moto       only the named steps
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot, log, ToolError } from './tools/common.mjs';
import { ensureDebianPackages } from './tools/debian.mjs';
import { ensureCodeServer } from './tools/codeServer.mjs';
import { ensurePulumi } from './tools/pulumi.mjs';
import { ensureMoto } from './tools/moto.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const steps = {
  debian: ensureDebianPackages,
  codeServer: ensureCodeServer,
  pulumi: ensurePulumi,
  moto: ensureMoto,
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const selected = wanted.length ? wanted : Object.keys(steps);
const cache = cacheRoot();
mkdirSync(cache, { recursive: true });
log(`tool cache: ${cache}`);

const tools = {};
const t0 = Date.now();
try {
  for (const name of selected) {
    const step = steps[name];
    if (!step) throw new ToolError(`unknown set-up step "${name}"; known: ${Object.keys(steps).join(', ')}`);
    const started = Date.now();
    log(`▶ ${name}`);
    tools[name] = await step({ cache, root });
    log(`✔ ${name} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
} catch (e) {
  const msg = e instanceof ToolError ? e.message : (e?.stack ?? String(e));
  console.error(`\n[setup-tools] FAILED: ${msg}\n`);
  process.exit(1);
}
mkdirSync(join(root, '.tools'), { recursive: true });
const file = join(root, '.tools', 'tools.json');
let previous = {};
try {
  previous = JSON.parse((await import('node:fs')).readFileSync(file, 'utf8'));
} catch {
  /* first run */
}
writeFileSync(file, JSON.stringify({ ...previous, ...tools }, null, 2) + '\n');
log(`all tools ready in ${((Date.now() - t0) / 1000).toFixed(1)} s → ${file}`);
