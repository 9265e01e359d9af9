// Prepares the demo's Pulumi stacks once with the real CLI, so the Stacks view opens on resources,
// outputs and a history instead of an empty project: deploys `dev`, and creates `prod` without deploying
// it (deploying it shows the production guard rail). Later starts find the stacks in the local backend
// and skip this. Shared by `npm start` and the rig's demo suite.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The passphrase of the demo stacks' secrets; OpsDeck asks for it once and keeps it in SecretStorage. */
export const DEMO_PASSPHRASE = 'demo';

/**
 * `demoDir`: the demo workspace (demo/ or a copy of it); `pulumiBin`: the CLI; `env`: its environment,
 * with PULUMI_BACKEND_URL pointing at `<demoDir>/.pulumi-state`; `say`: progress lines.
 */
export async function prepareDemoStacks({ demoDir, pulumiBin, env, say = () => {} }) {
  const stacksDir = join(demoDir, '.pulumi-state', '.pulumi', 'stacks', 'opsdeck-demo');
  const cwd = join(demoDir, 'infra');
  const cliEnv = { ...env, PULUMI_CONFIG_PASSPHRASE: DEMO_PASSPHRASE };
  const pulumi = (args) =>
    new Promise((resolve, reject) => {
      const child = spawn(pulumiBin, args, { cwd, env: cliEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 ? resolve(out) : reject(new Error(`pulumi ${args.join(' ')} exited with ${code}:\n${out.slice(-2000)}`)),
      );
    });
  // Pulumi.<stack>.yaml carry their encryption salt, so creating a stack changes no tracked file.
  if (!existsSync(join(stacksDir, 'prod.json'))) {
    say('first start: creating the demo stack "prod" (not deployed)');
    await pulumi(['stack', 'init', 'prod', '--non-interactive']);
  }
  if (!existsSync(join(stacksDir, 'dev.json'))) {
    say('first start: deploying the demo stack "dev" with the Pulumi CLI (about 10 s)');
    await pulumi(['stack', 'select', '--create', 'dev', '--non-interactive']);
    await pulumi(['up', '--yes', '--skip-preview', '--non-interactive', '--message', 'Demo: first deploy']);
  }
}
