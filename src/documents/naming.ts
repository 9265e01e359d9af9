// Slugs, operation IDs, file names and the no-overwrite rule. A title typed by a person ends up in
// a path, so everything that reaches the file system goes through `slugify` (no separators, no
// dots, no control characters) and folders must stay inside the workspace.
import * as path from 'path';
import { Result, ok, err, UserFacingError } from '../shared/result';

const MAX_SLUG = 60;

export function slugify(title: string, fallback = 'untitled'): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // strip accents left by NFKD (é → e)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG)
    .replace(/-+$/g, '');
  return slug || fallback;
}

/** `YYYY-MM-DD-infrastructure-<slug>`, the operation record's own ID format. */
export function operationId(date: string, title: string): string {
  return `${date}-infrastructure-${slugify(title)}`;
}

/**
 * Expands a file-name pattern (`{{date}}-{{slug}}.md`) and sanitises the result to one path
 * segment. Unknown names expand to nothing; the result always ends in `.md`.
 */
export function fileNameFrom(pattern: string, vars: Readonly<Record<string, string | undefined>>): string {
  const expanded = pattern.replace(/\{\{\s*([A-Za-z][\w]*)\s*\}\}/g, (_m, name: string) => vars[name] ?? '');
  const base = expanded.replace(/\.md$/i, '');
  const safe = base
    .split(/[^A-Za-z0-9._-]+/)
    .join('-')
    .replace(/[.-]*-[.-]*/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[.-]+|[.-]+$/g, '')
    .slice(0, 120);
  return `${safe || 'untitled'}.md`;
}

/** `name.md`, then `name-2.md`, `name-3.md`, … : the first name `exists` says is free. */
export async function firstFreeName(fileName: string, exists: (name: string) => Promise<boolean> | boolean): Promise<string> {
  const stem = fileName.replace(/\.md$/i, '');
  for (let n = 1; n < 10_000; n++) {
    const candidate = n === 1 ? `${stem}.md` : `${stem}-${n}.md`;
    if (!(await exists(candidate))) return candidate;
  }
  throw new Error(`No free file name for ${fileName}`);
}

/** The candidates `firstFreeName` would try, in order (used by the exclusive-create loop). */
export function* nameCandidates(fileName: string): Generator<string> {
  const stem = fileName.replace(/\.md$/i, '');
  yield `${stem}.md`;
  for (let n = 2; n < 10_000; n++) yield `${stem}-${n}.md`;
}

/**
 * Resolves a configured folder (relative to the workspace root) and refuses anything that would
 * land outside it: absolute paths, `..` segments that climb out, drive letters.
 */
export function resolveFolder(root: string, folder: string): Result<string, UserFacingError> {
  const trimmed = folder.trim();
  if (path.isAbsolute(trimmed) || /^[A-Za-z]:/.test(trimmed)) {
    return err({
      message: `The document folder "${folder}" is absolute.`,
      remedy: 'Use a path relative to the workspace folder, such as docs/operations.',
    });
  }
  const target = path.resolve(root, trimmed || '.');
  const rel = path.relative(root, target);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    return err({
      message: `The document folder "${folder}" points outside the workspace.`,
      remedy: 'Use a path inside the workspace folder, such as docs/operations.',
    });
  }
  return ok(target);
}
