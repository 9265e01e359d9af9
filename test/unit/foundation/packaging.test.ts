// What `npm run package` puts in the VSIX, as vsce itself lists it: every file the installed
// extension reads at run time is in, and no sources, tests or tool caches. (The change view's CSS
// once lived in a folder .vscodeignore leaves out: the view worked from the repository and came
// unstyled from the VSIX.)
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { repo, tsFiles } from './repo';

const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));

/** Files the extension's code and manifest name, relative to the extension folder. */
function filesReadAtRunTime(): string[] {
  const rel = (p: string) => p.replace(/^\.\//, '');
  const fromManifest = [
    pkg.main,
    pkg.icon,
    ...(pkg.contributes.snippets ?? []).map((s: { path: string }) => s.path),
    ...(pkg.contributes.yamlValidation ?? []).map((s: { url: string }) => s.url),
    ...(pkg.contributes.jsonValidation ?? []).map((s: { url: string }) => s.url).filter((u: string) => !/^https?:/.test(u)),
    ...pkg.contributes.viewsContainers.activitybar.map((c: { icon: string }) => c.icon),
    ...(pkg.contributes.walkthroughs ?? []).flatMap((w: { steps: Array<{ media: Record<string, unknown> }> }) =>
      w.steps.flatMap((s) => Object.values(s.media).filter((v): v is string => typeof v === 'string' && /\.(md|svg|png)$/.test(v))),
    ),
  ].map(rel);
  const fromCode: string[] = [];
  for (const f of tsFiles(join(repo, 'src'))) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/readWebviewAssets\([^,]+,\s*\[([^\]]*)\]/g))
      fromCode.push(...[...m[1]!.matchAll(/'([^']+)'/g)].map((x) => x[1]!));
    for (const m of text.matchAll(/joinPath\(this\.extensionUri,\s*((?:'[^']+',?\s*)+)\)/g))
      fromCode.push([...m[1]!.matchAll(/'([^']+)'/g)].map((x) => x[1]).join('/'));
    // Entry points started beside the bundle (the inline worker process, the state reader thread).
    for (const m of text.matchAll(/path\.join\(__dirname,\s*'([^']+\.js)'\)/g)) fromCode.push(`dist/${m[1]}`);
  }
  // Libraries loaded on first use: the build's stand-ins require ./lazy/<chunk>.js beside the bundle.
  for (const entry of ['extension.js', 'inlineWorker.js', 'stateReader.js']) {
    const text = readFileSync(join(repo, 'dist', entry), 'utf8');
    for (const m of text.matchAll(/require\("\.\/(lazy\/[\w.-]+\.js)"\)/g)) fromCode.push(`dist/${m[1]}`);
  }
  return [...new Set([...fromManifest, ...fromCode])];
}

describe('Foundation: the VSIX', function () {
  this.timeout(60_000);
  let listed: string[];

  before(() => {
    // vsce lists what exists: the bundle must be built (esbuild, well under a second).
    if (!['extension.js', 'inlineWorker.js', 'stateReader.js', 'webview', 'lazy'].every((f) => existsSync(join(repo, 'dist', f)))) {
      execFileSync(process.execPath, [join(repo, 'scripts', 'build.mjs')], { cwd: repo, stdio: 'pipe' });
    }
    const out = execFileSync(process.execPath, [join(repo, 'node_modules', '@vscode', 'vsce', 'vsce'), 'ls', '--no-dependencies'], {
      cwd: repo,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    listed = out
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  });

  it('holds every file the manifest and the code read at run time', () => {
    const wanted = filesReadAtRunTime();
    assert.ok(
      wanted.filter((f) => f.includes('webview/')).length >= 4,
      `the scan found both webviews' scripts and styles: ${wanted.join(', ')}`,
    );
    for (const entry of ['dist/inlineWorker.js', 'dist/stateReader.js', 'dist/lazy/yaml.js', 'dist/lazy/aws-sdk.js'])
      assert.ok(wanted.includes(entry), `the scan found ${entry}`);
    const missing = wanted.filter((f) => !listed.includes(f));
    assert.deepStrictEqual(missing, [], `read at run time but left out of the VSIX by .vscodeignore: ${missing.join(', ')}`);
  });

  it('leaves out sources, tests, tool caches, the demo and docs', () => {
    const leaked = listed.filter(
      (f) =>
        /^(src|test|out|media\/webview|scripts|bench|demo|docs|\.tools|test-output)\//.test(f) ||
        /\.(ts|mjs)$/.test(f) ||
        f.endsWith('.vsix'),
    );
    assert.deepStrictEqual(leaked, []);
    assert.ok(listed.includes('package.json') && listed.includes('README.md'));
  });
});
