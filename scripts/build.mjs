// Bundles the extension (and the webview scripts) with esbuild.
//   node scripts/build.mjs               development build, with source maps
//   node scripts/build.mjs --production  minified, with source maps
//   node scripts/build.mjs --watch       rebuild on change
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinModules } from 'node:module';
import { readFile } from 'node:fs/promises';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

// Heavy libraries load on first use, not at activation: each goes into a chunk of its own,
// dist/lazy/<chunk>.js, and the main bundles get a small stand-in whose exports are getters that
// require() the chunk the first time one of them is read. esbuild compiles `import { x } from 'lib'`
// to property reads on the module object at the point of use, so the source keeps ordinary imports
// and nothing runs the library's module code until a capability calls into it. The export names are
// read from the library here, at build time, so esbuild's interop can copy them without loading it.
// Every AWS SDK client shares one chunk (they share @smithy and the credential chain).
const LAZY = [
  { chunk: 'yaml', match: (p) => p === 'yaml' },
  { chunk: 'd3-dag', match: (p) => p === 'd3-dag' },
  { chunk: 'aws-sdk', match: (p) => p.startsWith('@aws-sdk/client-') },
];
const lazyOf = (p) => LAZY.find((l) => l.match(p));
/**
 * The names src/ imports from a package (`import { a, b as c } from 'pkg'`), so a stand-in lists
 * those and not the AWS SDK's thousands; undefined (list them all) when a file imports it whole or
 * with a dynamic import().
 */
function importedNames(pkg) {
  const names = new Set();
  const files = readdirSync('src', { recursive: true }).filter((f) => /\.tsx?$/.test(f));
  for (const f of files) {
    const text = readFileSync(join('src', f), 'utf8');
    // A dynamic `import('pkg')` (route53.ts, budgets.ts load their clients so) reads any export: list them all.
    if (text.includes(`import('${pkg}')`) || text.includes(`import("${pkg}")`)) return undefined;
    for (const m of text.matchAll(/import\s+(type\s+)?([^;]*?)\s+from\s+['"]([^'"]+)['"]/g)) {
      if (m[3] !== pkg || m[1]) continue;
      const named = /^\{([^}]*)\}$/s.exec(m[2].trim());
      if (!named) return undefined;
      for (const part of named[1].split(',')) {
        const name = part
          .trim()
          .replace(/^type\s+/, '')
          .split(/\s+as\s+/)[0];
        if (name && !part.trim().startsWith('type ')) names.add(name);
      }
    }
  }
  return [...names].sort();
}
/** Packages the main bundles imported through a stand-in, by chunk (filled while they build). */
const lazyUsed = new Map();
const lazyPlugin = {
  name: 'opsdeck-lazy',
  setup(build) {
    build.onResolve({ filter: /^[@a-z]/ }, (args) => {
      const lazy = lazyOf(args.path);
      if (!lazy) return undefined;
      if (!lazyUsed.has(lazy.chunk)) lazyUsed.set(lazy.chunk, new Set());
      lazyUsed.get(lazy.chunk).add(args.path);
      return { path: args.path, namespace: 'opsdeck-lazy' };
    });
    build.onResolve({ filter: /^\.\/lazy\// }, (args) =>
      args.namespace === 'opsdeck-lazy' ? { path: args.path, external: true } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'opsdeck-lazy' }, async (args) => {
      const lazy = lazyOf(args.path);
      const names = importedNames(args.path) ?? Object.keys(await import(args.path)).filter((k) => k !== 'default');
      // dist/<entry>.js requires ./lazy/<chunk>.js, so every entry using a stand-in must sit in dist/
      return {
        contents: [
          `let m;`,
          `const load = () => (m ??= require(${JSON.stringify(`./lazy/${lazy.chunk}.js`)})[${JSON.stringify(args.path)}]);`,
          `Object.defineProperty(exports, '__esModule', { value: true });`,
          `for (const k of ${JSON.stringify(names)}) Object.defineProperty(exports, k, { enumerable: true, get: () => load()[k] });`,
        ].join('\n'),
        loader: 'js',
        resolveDir: process.cwd(),
      };
    });
  },
};

// `import * as vscode from 'vscode'` of a module left outside the bundle (vscode, Node's built-ins)
// compiles to `__toESM(require('vscode'))` in every file that says it, and __toESM copies every property
// of the module onto a new object. The vscode API object has some 400, imported by ~30 files: a CPU
// profile of the extension host showed 8.6 ms of activation in that copying alone (bench/README.md).
// TypeScript's `import vscode = require('vscode')` compiles to a plain require(), so the build reads
// namespace imports of external modules that way; the source keeps the ordinary form.
const EXTERNAL = new Set(['vscode', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const plainRequirePlugin = {
  name: 'opsdeck-plain-require',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const contents = text.replace(/^import \* as (\w+) from '([^']+)';$/gm, (line, name, mod) =>
        EXTERNAL.has(mod) ? `import ${name} = require('${mod}');` : line,
      );
      return { contents, loader: 'ts' };
    });
  },
};

/** @type {import('esbuild').BuildOptions} */
const extension = {
  // The extension, and two entry points it starts in processes/threads of their own: the inline
  // route's worker (a forked Node process running the workspace's program) and the large-state reader
  // (a worker thread). They are looked up beside dist/extension.js.
  entryPoints: {
    extension: 'src/extension.ts',
    inlineWorker: 'src/stacks/runner/inlineWorker.ts',
    stateReader: 'src/stacks/runner/stateReader.ts',
  },
  bundle: true,
  outdir: 'dist',
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // `vscode` is provided by the host. `@pulumi/pulumi` is the project's own, loaded from the
  // project's node_modules on the first Pulumi action, or else the bundled Automation API below.
  external: ['vscode', '@pulumi/pulumi', '@pulumi/pulumi/*'],
  sourcemap: true,
  minify: production,
  metafile: true,
  // Built-in document templates (src/documents/templates/*.md) are bundled as strings.
  loader: { '.md': 'text' },
  logLevel: 'info',
  plugins: [lazyPlugin, plainRequirePlugin],
};

// The Automation API for projects without their own @pulumi/pulumi (YAML, other languages, a Node.js
// project before `npm install`): there it only runs the CLI, so it ships bundled, as
// dist/lazy/pulumi-automation.js, and the VSIX carries no node_modules. A project's own @pulumi/pulumi
// is always preferred (src/stacks/runner/automationLoader.ts): inline programs must register through
// the instance their files import. @pulumi/pulumi loads TypeScript at import time for closure
// serialization (typescript-shim.js, falling back to a vendored copy by a run-time path), which only
// inline programs and dynamic providers use, so the bundle gets a stand-in that fails with a clear
// message if anything ever asks it for TypeScript.
const TYPESCRIPT_STAND_IN = `module.exports = new Proxy({}, {
  get(_, k) {
    if (typeof k !== 'string' || k === '__esModule' || k === 'default' || k === 'then') return undefined;
    throw new Error("OpsDeck's bundled Automation API has no TypeScript (asked for ts." + k + "): install @pulumi/pulumi in the project");
  },
});`;
/** @type {import('esbuild').BuildOptions} */
const automation = {
  stdin: { contents: "module.exports = require('@pulumi/pulumi/automation');", resolveDir: process.cwd(), loader: 'js' },
  bundle: true,
  outfile: 'dist/lazy/pulumi-automation.js',
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  minify: production,
  metafile: true,
  // make-spawn-args asks require.resolve for node-gyp, for npm scripts the Automation API never runs
  logLevel: 'error',
  plugins: [
    {
      name: 'opsdeck-no-typescript',
      setup(build) {
        build.onResolve({ filter: /^typescript$|typescript-shim$/ }, () => ({ path: 'typescript', namespace: 'opsdeck-no-typescript' }));
        build.onLoad({ filter: /.*/, namespace: 'opsdeck-no-typescript' }, () => ({ contents: TYPESCRIPT_STAND_IN, loader: 'js' }));
      },
    },
  ],
};

/** The chunks behind the stand-ins: dist/lazy/<chunk>.js exports { '<package>': <its exports>, … }. */
function lazyChunks() {
  const chunks = [...lazyUsed.keys()].sort();
  return {
    entryPoints: chunks.map((c) => ({ in: `opsdeck-chunk:${c}`, out: c })),
    bundle: true,
    outdir: 'dist/lazy',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    minify: production,
    metafile: true,
    logLevel: 'info',
    plugins: [
      {
        name: 'opsdeck-chunks',
        setup(build) {
          build.onResolve({ filter: /^opsdeck-chunk:/ }, (args) => ({
            path: args.path.slice('opsdeck-chunk:'.length),
            namespace: 'opsdeck-chunk',
          }));
          // Named imports (of the names src/ uses that the package really exports, types left out) let
          // esbuild take the package's ESM build and drop what OpsDeck never calls.
          build.onLoad({ filter: /.*/, namespace: 'opsdeck-chunk' }, async (args) => {
            const lines = [];
            for (const [i, pkg] of [...lazyUsed.get(args.path)].sort().entries()) {
              const real = new Set(Object.keys(await import(pkg)));
              const names = importedNames(pkg)?.filter((n) => real.has(n));
              if (!names) {
                lines.push(`exports[${JSON.stringify(pkg)}] = require(${JSON.stringify(pkg)});`);
                continue;
              }
              lines.push(`import { ${names.map((n, j) => `${n} as p${i}_${j}`).join(', ')} } from ${JSON.stringify(pkg)};`);
              lines.push(`exports[${JSON.stringify(pkg)}] = { ${names.map((n, j) => `${n}: p${i}_${j}`).join(', ')} };`);
            }
            return { contents: lines.join('\n'), loader: 'js', resolveDir: process.cwd() };
          });
        },
      },
    ],
  };
}

// Webview front-ends: every media/webview/<name>.ts becomes dist/webview/<name>.js (browser IIFE).
const webviewDir = 'media/webview';
const webviewEntries = existsSync(webviewDir)
  ? readdirSync(webviewDir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
      .map((f) => join(webviewDir, f))
  : [];
/** @type {import('esbuild').BuildOptions} */
const webviews = {
  entryPoints: webviewEntries,
  bundle: true,
  outdir: 'dist/webview',
  platform: 'browser',
  target: 'es2022',
  format: 'iife',
  sourcemap: true,
  minify: production,
  loader: { '.css': 'css' },
  logLevel: 'info',
};

const configs = webviewEntries.length ? [extension, webviews] : [extension];
if (watch) {
  for (const c of configs) {
    const ctx = await esbuild.context(c);
    await ctx.rebuild();
    await ctx.watch();
  }
  await Promise.all([esbuild.build(lazyChunks()), esbuild.build(automation)]); // a library upgrade needs a restart of the watch
  console.log('[watch] watching for changes');
} else {
  const [main, ...rest] = await Promise.all(configs.map((c) => esbuild.build(c)));
  const [chunks, auto] = await Promise.all([esbuild.build(lazyChunks()), esbuild.build(automation)]);
  // Sizes per capability and chunk come from these (`npm run bench` reports them).
  const lazy = {
    inputs: { ...chunks.metafile.inputs, ...auto.metafile.inputs },
    outputs: { ...chunks.metafile.outputs, ...auto.metafile.outputs },
  };
  writeFileSync('dist/meta.json', JSON.stringify({ main: main.metafile, chunks: lazy, webviews: rest[0]?.metafile }));
}
