// What the tests that run the real Pulumi CLI in plain Node share: where the repository is, and the
// tools `npm run setup-tools` provisioned (no CLI there: those tests skip themselves).
import * as fs from 'fs';
import * as path from 'path';
import type { RunnerSettings } from '../../../src/stacks/runner/session';

export const repo = path.resolve(__dirname, '..', '..', '..', '..');
const toolsFile = process.env.OPSDECK_TOOLS_JSON ?? path.join(repo, '.tools', 'tools.json');
export const tools = fs.existsSync(toolsFile)
  ? (JSON.parse(fs.readFileSync(toolsFile, 'utf8')) as { pulumi?: { binDir: string } })
  : ({} as { pulumi?: { binDir: string } });

/**
 * Runner settings for a test under `base`: a file backend in `base/backend`, its own PULUMI_HOME and
 * CLI cache, the provisioned CLI first on PATH.
 */
export function realCliSettings(base: string, route: RunnerSettings['route'], passphrase = 'unit passphrase'): RunnerSettings {
  return {
    env: {
      PULUMI_BACKEND_URL: `file://${path.join(base, 'backend')}`,
      PULUMI_HOME: path.join(base, 'home'),
      PATH: `${tools.pulumi!.binDir}${path.delimiter}${process.env.PATH}`,
      PULUMI_SKIP_UPDATE_CHECK: 'true',
    },
    route,
    passphrase,
    cacheDir: path.join(base, 'cli-root'),
  };
}
