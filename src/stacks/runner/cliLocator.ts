// Finds the Pulumi CLI and, for the on-disk route, the language host for a runtime. Order: the
// `opsdeck.pulumi.cliPath` setting, PATH (including the extra env's PATH), ~/.pulumi/bin.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface CliLocation {
  /** Absolute path to the pulumi executable. */
  cli: string;
  /** A folder containing bin/pulumi (what PulumiCommand.get({ root }) expects). */
  root: string;
}

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

export function findOnPath(name: string, pathVar: string | undefined): string | undefined {
  for (const dir of (pathVar ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, name);
    if (isExecutable(p)) return p;
  }
  return undefined;
}

export function locateCli(setting: string | undefined, pathVar: string | undefined, rootCacheDir: string): CliLocation | undefined {
  let cli: string | undefined;
  if (setting && setting.trim()) {
    const p = setting.trim().replace(/^~(?=$|\/)/, os.homedir());
    cli = isExecutable(p)
      ? p
      : fs.existsSync(p) && fs.statSync(p).isDirectory() && isExecutable(path.join(p, 'pulumi'))
        ? path.join(p, 'pulumi')
        : undefined;
    if (!cli) return undefined; // an explicit setting that does not work must not silently fall back
  }
  cli ??=
    findOnPath('pulumi', pathVar) ??
    (isExecutable(path.join(os.homedir(), '.pulumi', 'bin', 'pulumi')) ? path.join(os.homedir(), '.pulumi', 'bin', 'pulumi') : undefined);
  if (!cli) return undefined;
  cli = fs.realpathSync(cli);
  if (path.basename(cli) === 'pulumi' && path.basename(path.dirname(cli)) === 'bin') return { cli, root: path.dirname(path.dirname(cli)) };
  // The Automation API wants <root>/bin/pulumi: give it one by symlink.
  const root = path.join(rootCacheDir, Buffer.from(cli).toString('base64url').slice(-40));
  const link = path.join(root, 'bin', 'pulumi');
  if (!fs.existsSync(link)) {
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(cli, link);
  }
  return { cli, root };
}

export function languageHostFor(runtime: string, cliDir: string, pathVar: string | undefined): string | undefined {
  const name = `pulumi-language-${runtime}`;
  const beside = path.join(cliDir, name);
  return isExecutable(beside) ? beside : findOnPath(name, pathVar);
}
