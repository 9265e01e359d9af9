// Reads and parses the health configuration file named by `opsdeck.health.configFile`. No `vscode`
// import: the glue passes the workspace folder's path and the setting's value, and turns the result
// into diagnostics and a problem line for the views.
import { promises as fsp } from 'fs';
import * as path from 'path';
import { ConfigDiagnostic, HealthConfig, parseHealthConfig } from '../model/healthConfig';

export type LoadedConfig =
  /** No file at the configured path: the welcome view shows. */
  | { kind: 'missing'; file: string }
  /** The file parsed with errors: `problem` is one line for the views (file, line, message). */
  | { kind: 'invalid'; file: string; text: string; diagnostics: ConfigDiagnostic[]; problem: string }
  | { kind: 'ok'; file: string; text: string; config: HealthConfig; diagnostics: ConfigDiagnostic[] };

export async function loadHealthConfig(folder: string, configFile: string): Promise<LoadedConfig> {
  const file = path.join(folder, ...configFile.split('/'));
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch {
    return { kind: 'missing', file };
  }
  const r = parseHealthConfig(text);
  if (!r.config) {
    const first = r.diagnostics.find((d) => d.severity === 'error')!;
    return { kind: 'invalid', file, text, diagnostics: r.diagnostics, problem: `${configFile} line ${first.line + 1}: ${first.message}` };
  }
  return { kind: 'ok', file, text, config: r.config, diagnostics: r.diagnostics };
}
