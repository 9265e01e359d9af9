// Update plans (`pulumi preview --save-plan`) in global storage. A plan lives as long as the
// preview it belongs to, which OpsDeck keeps in memory only: it is deleted once deployed or
// replaced, after a direct deploy (which previews for itself) and after a failed or cancelled
// preview; at start-up, plans older than a day belong to windows long closed and are swept
// (younger ones may be another window's, sharing the same global storage). No vscode.
import * as fs from 'fs';
import * as path from 'path';

/** Removes a plan file at once (one unlink; by the time an operation reports back, its plans are gone). */
export function removePlan(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    /* already gone, or the folder went away */
  }
}

export async function sweepPlans(storageDir: string, now = Date.now(), maxAgeMs = 24 * 3_600_000): Promise<number> {
  const dir = path.join(storageDir, 'plans');
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const n of names) {
    const f = path.join(dir, n);
    try {
      const st = await fs.promises.stat(f);
      if (st.isFile() && now - st.mtimeMs > maxAgeMs) {
        await fs.promises.rm(f, { force: true });
        removed++;
      }
    } catch {
      /* gone meanwhile */
    }
  }
  return removed;
}
