// Loads `@pulumi/pulumi/automation` lazily, on the first Pulumi action, never at activation. The
// project's own copy is preferred: an inline program registers resources through the
// `@pulumi/pulumi` its files import, and that must be the same module instance as the Automation
// API that runs it. Without one, the Automation API bundled into dist/lazy/pulumi-automation.js runs.
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';

export type Automation = typeof import('@pulumi/pulumi/automation');

const cache = new Map<string, Automation>();

export function resolvePulumiPackageDir(workDir: string): string | undefined {
  try {
    return path.dirname(createRequire(path.join(workDir, 'index.js')).resolve('@pulumi/pulumi/package.json'));
  } catch {
    try {
      return path.dirname(require.resolve('@pulumi/pulumi/package.json'));
    } catch {
      return undefined;
    }
  }
}

export function loadAutomation(workDir: string): Automation {
  const dir = resolvePulumiPackageDir(workDir);
  const key = dir ?? '<extension>';
  let auto = cache.get(key);
  if (!auto) {
    auto = (dir ? createRequire(path.join(dir, 'package.json'))(path.join(dir, 'automation')) : bundledAutomation()) as Automation;
    cache.set(key, auto);
  }
  return auto;
}

/**
 * The Automation API OpsDeck ships, for projects without their own @pulumi/pulumi (YAML and other
 * languages: there it only runs the CLI). In the installed extension that is the chunk the build
 * writes beside the bundle (scripts/build.mjs, `automation`); from sources (unit tests) the package.
 */
function bundledAutomation(): Automation {
  const chunk = path.join(__dirname, 'lazy', 'pulumi-automation.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, by a path known at run time
  if (fs.existsSync(chunk)) return require(chunk) as Automation;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- kept external by esbuild
  return require('@pulumi/pulumi/automation') as Automation;
}
