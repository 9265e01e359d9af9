// A fingerprint of what a preview saw: the program's source files and the stack's config. A deploy
// refuses when it changed since the approved preview (the fallback where update plans cannot be
// used, and a clearer message where they can). Node `fs` and `crypto` only, no vscode.
import * as fs from 'fs';
import * as path from 'path';
import { createHash } from 'crypto';

const SKIP_DIRS = new Set(['node_modules', '.git', 'bin', 'dist', 'out', '.pulumi', 'test-output']);
const MAX_FILES = 5000;

export function listProgramFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    if (out.length >= MAX_FILES) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith('.') && e.name !== '.env') continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) walk(p);
      } else if (e.isFile()) out.push(p);
    }
  };
  walk(dir);
  return out;
}

export function programFingerprint(dir: string, config: Record<string, unknown>): string {
  const h = createHash('sha256');
  for (const f of listProgramFiles(dir)) {
    h.update(path.relative(dir, f)).update('\0');
    try {
      h.update(fs.readFileSync(f));
    } catch {
      h.update('<unreadable>');
    }
    h.update('\0');
  }
  const keys = Object.keys(config).sort();
  h.update(JSON.stringify(keys.map((k) => [k, config[k]])));
  return h.digest('hex');
}
