// The Pulumi tool chain provisioned by `node scripts/setup-tools.mjs pulumi` (.tools/tools.json), for
// tests in plain Node that drive the real CLI: where it is, and an offline environment for one test's
// temporary folder. Tests skip themselves, printing `why`, when the tools are not provisioned.
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';

export interface PulumiTools {
  version: string;
  /** the folder to put first on PATH: pulumi, pulumi-language-nodejs, pulumi-language-yaml, … */
  binDir: string;
  pulumi: string;
  pluginDirs: string[];
  env: Record<string, string>;
  yaml?: { version: string; languageHost: string };
}

export const REPO = path.resolve(__dirname, '../../..');
export const TOOLS_JSON = process.env.OPSDECK_TOOLS_JSON ?? path.join(REPO, '.tools', 'tools.json');

export function readTools(): { pulumi?: PulumiTools; moto?: { bin: string }; why?: string } {
  if (!existsSync(TOOLS_JSON)) return { why: `${TOOLS_JSON} does not exist (run \`node scripts/setup-tools.mjs\`)` };
  const tools = JSON.parse(readFileSync(TOOLS_JSON, 'utf8')) as { pulumi?: PulumiTools; moto?: { bin: string } };
  if (!tools.pulumi || !existsSync(tools.pulumi.pulumi))
    return { ...tools, pulumi: undefined, why: `${TOOLS_JSON} lists no Pulumi CLI (run \`node scripts/setup-tools.mjs pulumi\`)` };
  return tools;
}

/**
 * Environment for the CLI / Automation API in `tmp`: PATH with only the tool dirs, node and the system
 * dirs; PULUMI_HOME and (unless `extra` names another backend) a file backend inside `tmp`.
 */
export function pulumiEnv(tools: PulumiTools, tmp: string, extra: Record<string, string> = {}): Record<string, string> {
  mkdirSync(path.join(tmp, 'home'), { recursive: true });
  mkdirSync(path.join(tmp, 'state'), { recursive: true });
  return {
    ...tools.env,
    PATH: [tools.binDir, ...tools.pluginDirs, path.dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(path.delimiter),
    PULUMI_HOME: path.join(tmp, 'home'),
    PULUMI_BACKEND_URL: `file://${path.join(tmp, 'state')}`,
    PULUMI_CONFIG_PASSPHRASE: 'opsdeck unit passphrase',
    ...extra,
  };
}

/** What PulumiCommand.get({ root }) expects, a folder holding bin/pulumi: the tools' own, or a link in `tmp`. */
export function cliRoot(tools: PulumiTools, tmp: string): string {
  if (path.basename(path.dirname(tools.pulumi)) === 'bin') return path.dirname(path.dirname(tools.pulumi));
  const link = path.join(tmp, 'cli', 'bin', 'pulumi');
  mkdirSync(path.dirname(link), { recursive: true });
  if (!existsSync(link)) symlinkSync(tools.pulumi, link);
  return path.dirname(path.dirname(link));
}

/** Copies test/fixtures/pulumi/<name> into `tmp` with the repository's node_modules linked in. */
export function copyFixture(name: string, tmp: string, as = name): string {
  const dir = path.join(tmp, as);
  cpSync(path.join(REPO, 'test', 'fixtures', 'pulumi', name), dir, { recursive: true });
  symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}
