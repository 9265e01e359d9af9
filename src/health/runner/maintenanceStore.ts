// Maintenance windows started from the command palette, shared by every window on the workspace
// through a small file in the health storage folder. No `vscode` import.
import { promises as fsp } from 'fs';
import { replaceFileAtomically } from '../../shared/atomicFile';
import type { MaintenanceWindow } from '../model/healthConfig';
import { HOUR } from '../model/slaMath';

/** Ended windows are kept this long: they still explain excluded checks in the SLA windows. */
const KEEP_MS = 35 * 24 * HOUR;

export class MaintenanceStore {
  private reported = false;

  constructor(
    readonly file: string,
    private readonly now: () => number = Date.now,
    /** Told (once) when the file cannot be read, so the user knows why windows are missing. */
    private readonly warn: (message: string) => void = () => undefined,
  ) {}

  /** The windows on file; a missing file reads as none, an unreadable one too (with a warning). */
  async read(): Promise<MaintenanceWindow[]> {
    let text: string;
    try {
      text = await fsp.readFile(this.file, 'utf8');
    } catch {
      return [];
    }
    try {
      const list = JSON.parse(text) as MaintenanceWindow[];
      if (!Array.isArray(list)) throw new Error('not a list of maintenance windows');
      this.reported = false;
      const t = this.now();
      return list.filter((m) => m && typeof m.startMs === 'number' && typeof m.endMs === 'number' && m.endMs > t - KEEP_MS);
    } catch (e) {
      if (!this.reported)
        this.warn(
          `Health: ${this.file} cannot be read (${(e as Error).message}); maintenance windows started from the command palette are not applied until "Start Maintenance Window" writes a new one.`,
        );
      this.reported = true;
      return [];
    }
  }

  /** Adds a window starting now; returns the new list. */
  async start(minutes: number, endpoints: string[] | undefined, reason?: string): Promise<MaintenanceWindow[]> {
    const t = this.now();
    const list = [...(await this.read()).filter((m) => m.endMs > t), { startMs: t, endMs: t + minutes * 60_000, endpoints, reason }];
    await replaceFileAtomically(this.file, JSON.stringify(list));
    return list;
  }

  /** Ends every open window now; returns the new list. */
  async endAll(): Promise<MaintenanceWindow[]> {
    const t = this.now();
    const list = (await this.read()).map((m) => (m.endMs > t ? { ...m, endMs: t } : m));
    await replaceFileAtomically(this.file, JSON.stringify(list));
    return list;
  }
}
