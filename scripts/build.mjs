// Bundles the extension (and the webview scripts) with esbuild.
//   node scripts/build.mjs               development build, with source maps
//   node scripts/build.mjs --production  minified, with source maps
//   node scripts/build.mjs --watch       rebuild on change
import * as esbuild from 'esbuild';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

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
  // `vscode` is provided by the host. `@pulumi/pulumi` cannot be bundled: it loads a vendored
  // TypeScript by relative path at run time (see shared notes), so it ships in node_modules and is
  // only required when a Pulumi action first runs.
  external: ['vscode', '@pulumi/pulumi', '@pulumi/pulumi/*'],
  sourcemap: true,
  minify: production,
  metafile: true,
  // Built-in document templates (src/documents/templates/*.md) are bundled as strings.
  loader: { '.md': 'text' },
  logLevel: 'info',
};

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
    await ctx.watch();
  }
  console.log('[watch] watching for changes');
} else {
  await Promise.all(configs.map((c) => esbuild.build(c)));
}
