// Builds the environment the Pulumi CLI runs with: the user's extra variables, the CLI's folder and
// the dynamic-provider plugin folder on PATH, non-interactive defaults, and the passphrase when the
// backend needs one. Pure: callers pass the base environment and what was found on disk.
import * as path from 'path';

export interface PulumiEnvInput {
  base: Record<string, string | undefined>;
  /** `opsdeck.pulumi.env` */
  extra: Record<string, string>;
  /** Folder of the CLI binary, prepended to PATH so its bundled plugins are found. */
  cliDir?: string;
  /** Folders holding plugins such as pulumi-resource-pulumi-nodejs. */
  pluginDirs?: string[];
  passphrase?: string;
  pathSeparator?: string;
}

export function buildPulumiEnv(i: PulumiEnvInput): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(i.base)) if (v !== undefined) env[k] = v;
  for (const [k, v] of Object.entries(i.extra)) env[k] = expandHome(String(v), i.base.HOME);
  const sep = i.pathSeparator ?? path.delimiter;
  const front = [i.cliDir, ...(i.pluginDirs ?? [])].filter((d): d is string => !!d);
  const rest = (env.PATH ?? '').split(sep).filter((d) => d && !front.includes(d));
  env.PATH = [...front, ...rest].join(sep);
  env.PULUMI_SKIP_UPDATE_CHECK ??= 'true';
  if (i.passphrase !== undefined) env.PULUMI_CONFIG_PASSPHRASE = i.passphrase;
  return env;
}

function expandHome(v: string, home: string | undefined): string {
  return home && (v === '~' || v.startsWith('~/')) ? path.join(home, v.slice(1)) : v;
}

/** The backend URL in effect, for messages ("the backend file:///… could not be reached"). */
export function backendOf(env: Record<string, string>, projectBackend?: string): string {
  return env.PULUMI_BACKEND_URL || projectBackend || 'Pulumi Cloud (default)';
}

/**
 * A shared backend as the tree shows it beside a project (`s3://bucket/prefix`): scheme, host and path
 * only, so endpoint options and anything else in the query stay out of sight. Undefined for a local
 * folder (`file://`, the developer's own) and when no URL is set.
 */
export function sharedBackendLabel(url: string | undefined): string | undefined {
  if (!url || url.startsWith('file:')) return undefined;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
}

/** Whether the stack's secrets provider is the passphrase one, so a passphrase must be supplied. */
export function needsPassphrase(env: Record<string, string>, secretsProvider?: string): boolean {
  if (env.PULUMI_CONFIG_PASSPHRASE !== undefined || env.PULUMI_CONFIG_PASSPHRASE_FILE) return false;
  if (secretsProvider && secretsProvider !== 'passphrase') return false;
  const backend = env.PULUMI_BACKEND_URL ?? '';
  return (
    secretsProvider === 'passphrase' ||
    backend.startsWith('file:') ||
    backend.startsWith('s3:') ||
    backend.startsWith('azblob:') ||
    backend.startsWith('gs:')
  );
}

/** Secrets that must be masked wherever the environment is echoed. */
export function secretEnvValues(env: Record<string, string>): string[] {
  return Object.entries(env)
    .filter(([k]) => /PASSPHRASE|SECRET|TOKEN|PASSWORD|ACCESS_KEY/i.test(k))
    .map(([, v]) => v)
    .filter((v) => v.length >= 4);
}
