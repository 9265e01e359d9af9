// Loads `@pulumi/pulumi/automation` lazily, on the first Pulumi action, never at activation. The
// project's own copy is preferred: an inline program registers resources through the
// `@pulumi/pulumi` its files import, and that must be the same module instance as the Automation
// API that runs it. The bundle keeps `@pulumi/pulumi` external (it cannot be bundled).
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
    auto = (
      dir
        ? createRequire(path.join(dir, 'package.json'))(path.join(dir, 'automation'))
        : // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, kept external by esbuild
          require('@pulumi/pulumi/automation')
    ) as Automation;
    cache.set(key, auto);
  }
  return auto;
}
