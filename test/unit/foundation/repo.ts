// The repository as the foundation tests read it: its root and its TypeScript sources.
import { readdirSync, statSync } from 'fs';
import { join } from 'path';

export const repo = join(__dirname, '..', '..', '..', '..');

/** Every .ts file under `dir`, recursively. */
export function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}
