// Typed access to the opsdeck.health.*, opsdeck.aws.* and opsdeck.cost.* settings.
import type { Uri } from 'vscode';
import { ConfigSection } from '../config';
import { DEFAULT_MIN_INTERVAL_MS, ProbePolicy } from './model/probePolicy';

export class HealthSettings extends ConfigSection {
  /** `folder`: the workspace folder (opsdeck.health.configFile is resource-scoped). */
  constructor(folder?: Uri) {
    super('opsdeck.health', folder);
  }
  /** Workspace-relative path of the health configuration file. */
  get configFile(): string {
    return this.get('configFile', '.opsdeck/health.yaml');
  }
  get notifications(): boolean {
    return this.get('notifications', true);
  }
  get muteMinutes(): number {
    return this.get('muteMinutes', 60);
  }
  /** How long another window waits before taking over the probing of a silent window. */
  get leaseSeconds(): number {
    return this.get('leaseSeconds', 15);
  }
  get showStatusBar(): boolean {
    return this.get('showStatusBar', true);
  }
  /** HTTP methods besides GET and HEAD that checks may send (user settings only). */
  get allowedMethods(): string[] {
    const v = this.userValue<unknown>('allowedMethods', []);
    return Array.isArray(v) ? v.filter((m): m is string => typeof m === 'string').map((m) => m.toUpperCase()) : [];
  }
  /** No endpoint is checked more often than this (user settings only), in ms. */
  get minimumIntervalMs(): number {
    const v = this.userValue<unknown>('minimumIntervalSeconds', 5);
    return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v * 1000 : DEFAULT_MIN_INTERVAL_MS;
  }
  get probePolicy(): ProbePolicy {
    return { allowedMethods: this.allowedMethods, minIntervalMs: this.minimumIntervalMs };
  }
}

export class AwsSettings extends ConfigSection {
  constructor() {
    super('opsdeck.aws');
  }
  /** Used when .opsdeck/health.yaml names no profile. */
  get profile(): string {
    return this.get('profile', '');
  }
  get region(): string {
    return this.get('region', '');
  }
  get metricLookbackDays(): number {
    return this.get('metricLookbackDays', 7);
  }
}

export class CostSettings extends ConfigSection {
  constructor() {
    super('opsdeck.cost');
  }
  /** Cost Explorer charges per request: ask at most this often per query (manual refresh excepted). */
  get minRefreshHours(): number {
    return this.get('minRefreshHours', 6);
  }
}
