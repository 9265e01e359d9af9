// Reads and checks the health configuration file named by `opsdeck.health.configFile`. No `vscode`
// import: the glue passes the workspace folder's path, the setting's value and the safety rules, and
// turns the result into diagnostics and a problem line for the views.
import { promises as fsp } from 'fs';
import * as path from 'path';
import { ConfigDiagnostic, HealthConfig, parseHealthConfig } from '../model/healthConfig';
import { ProbePolicy, applyProbePolicy } from '../model/probePolicy';

export const CONFIG_FILE_SETTING = 'opsdeck.health.configFile';

export type LoadedConfig =
  /** No file at the configured path: the welcome view shows. */
  | { kind: 'missing'; file: string }
  /** The setting points outside the workspace folder (`..`, a symlink): nothing is read. */
  | { kind: 'refused'; file: string; problem: string }
  /** The file parsed with errors: `problem` is one line for the views (file, line, message). */
  | { kind: 'invalid'; file: string; text: string; diagnostics: ConfigDiagnostic[]; problem: string }
  | { kind: 'ok'; file: string; text: string; config: HealthConfig; diagnostics: ConfigDiagnostic[] };

type Checked = Exclude<LoadedConfig, { kind: 'missing' } | { kind: 'refused' }>;

/** Parses text and applies the safety rules (also used for unsaved edits, as the user types). */
export function checkConfigText(file: string, text: string, configFile: string, policy: ProbePolicy): Checked {
  const r = parseHealthConfig(text);
  if (!r.config) {
    const first = r.diagnostics.find((d) => d.severity === 'error')!;
    return { kind: 'invalid', file, text, diagnostics: r.diagnostics, problem: `${configFile} line ${first.line + 1}: ${first.message}` };
  }
  // The safety rules apply to every workspace, trusted or not: refused endpoints stay listed with why.
  const checked = applyProbePolicy(r.config, text, policy);
  return { kind: 'ok', file, text, config: checked.config, diagnostics: [...r.diagnostics, ...checked.diagnostics] };
}

const inside = (root: string, p: string) => {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/**
 * Where the setting's file really is, or why it is refused: the path as written must stay inside the
 * folder, and so must its real path once symlinks are followed (for a missing file, its nearest
 * existing parent's).
 */
export async function resolveConfigPath(folder: string, configFile: string): Promise<{ file: string } | { file: string; problem: string }> {
  // Either separator: a Windows-style value must not slip past the check on another system.
  const parts = configFile.split(/[\\/]+/).filter(Boolean);
  const file = path.resolve(folder, ...parts);
  const refuse = () => ({
    file,
    problem: `The setting ${CONFIG_FILE_SETTING} ("${configFile}") points outside the workspace folder, so health checks are off. Use a path inside the folder, e.g. .opsdeck/health.yaml.`,
  });
  if (path.isAbsolute(configFile) || !inside(folder, file)) return refuse();
  const realFolder = await fsp.realpath(folder).catch(() => folder);
  let probe = file;
  for (;;) {
    try {
      const real = await fsp.realpath(probe);
      return inside(realFolder, real) ? { file } : refuse();
    } catch {
      const up = path.dirname(probe);
      if (up === probe) return refuse();
      probe = up;
    }
  }
}

export async function loadHealthConfig(folder: string, configFile: string, policy: ProbePolicy): Promise<LoadedConfig> {
  const where = await resolveConfigPath(folder, configFile);
  if ('problem' in where) return { kind: 'refused', file: where.file, problem: where.problem };
  let text: string;
  try {
    text = await fsp.readFile(where.file, 'utf8');
  } catch {
    return { kind: 'missing', file: where.file };
  }
  return checkConfigText(where.file, text, configFile, policy);
}
