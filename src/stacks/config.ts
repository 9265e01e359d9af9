// `opsdeck.pulumi.*` settings, read through one class of getters.
import * as vscode from 'vscode';
import { ConfigSection } from '../config';
import { DEFAULT_PRODUCTION_PATTERNS } from './model/production';
import { PolicyPackEntry, PolicySettingProblem, parsePolicyPackSetting } from './model/policy';
import { RouteSetting } from './runner/session';

export type PassphraseSource = 'secretStorage' | 'environment';

export class PulumiSettings extends ConfigSection {
  /** `scope`: a project's folder, for the resource-scoped settings (policyPacks) of its workspace folder. */
  constructor(scope?: vscode.Uri) {
    super('opsdeck.pulumi', scope);
  }

  /** Path to the pulumi executable (or its folder); empty means PATH, then ~/.pulumi/bin. */
  get cliPath(): string | undefined {
    const v = this.get<string>('cliPath', '').trim();
    return v || undefined;
  }

  /** Extra environment for the CLI, e.g. PULUMI_BACKEND_URL. */
  get env(): Record<string, string> {
    const v = this.get<Record<string, unknown>>('env', {});
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(v ?? {})) if (x !== null && x !== undefined) out[k] = String(x);
    return out;
  }

  get passphraseSource(): PassphraseSource {
    return this.get<string>('passphraseSource', 'secretStorage') === 'environment' ? 'environment' : 'secretStorage';
  }

  get productionStackPatterns(): string[] {
    const v = this.get<unknown>('productionStackPatterns', DEFAULT_PRODUCTION_PATTERNS);
    return Array.isArray(v) ? v.map(String) : DEFAULT_PRODUCTION_PATTERNS;
  }

  get programRoute(): RouteSetting {
    const v = this.get<string>('programRoute', 'auto');
    return v === 'inline' || v === 'onDisk' ? v : 'auto';
  }

  /** Local policy packs per stack pattern (restricted: VS Code ignores a workspace's value until it is trusted). */
  get policyPacks(): { entries: PolicyPackEntry[]; problems: PolicySettingProblem[] } {
    return parsePolicyPackSetting(this.get<unknown>('policyPacks', []));
  }

  /** Minutes between scheduled drift checks of each deployed stack; 0 = off. */
  get driftCheckMinutes(): number {
    const v = Number(this.get<unknown>('driftCheckMinutes', 0));
    return Number.isFinite(v) && v > 0 ? Math.max(5, v) : 0;
  }
}
