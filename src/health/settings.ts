// Typed access to the opsdeck.health.*, opsdeck.aws.* and opsdeck.cost.* settings.
import { ConfigSection } from '../config';

export class HealthSettings extends ConfigSection {
  constructor() {
    super('opsdeck.health');
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
