// A multi-line string property (a file's content, a policy document, a user-data script) read as
// one JSON string full of "\n" hides what changed. This turns old → new into a line diff, computed
// with the `diff` package (Myers' algorithm, the one git uses by default: a hand-written LCS would
// be quadratic and would pick worse alignments), with long unchanged runs folded to a few lines of
// context as `git diff` shows them. Pure.
import { diffLines } from 'diff';

export interface DiffLine {
  kind: 'add' | 'delete' | 'same' | 'fold';
  /** The line's text (without its newline); for `fold`, how many unchanged lines are hidden. */
  text: string;
}

/** Unchanged lines kept around each change. */
export const CONTEXT_LINES = 3;
/** Lines compared at most per side: beyond that the values are shown as they are. */
export const MAX_LINES = 2000;

/** True when a value is worth a line diff: a string with a line break. */
export function isMultiline(v: unknown): v is string {
  return typeof v === 'string' && v.includes('\n');
}

/**
 * The line diff of two string values, or undefined when neither is multi-line (or either is too
 * long, or either is not a string: those keep the old → new columns).
 */
export function lineDiff(oldValue: unknown, newValue: unknown): DiffLine[] | undefined {
  const o = oldValue === undefined ? '' : oldValue;
  const n = newValue === undefined ? '' : newValue;
  if (typeof o !== 'string' || typeof n !== 'string') return undefined;
  if (!isMultiline(o) && !isMultiline(n)) return undefined;
  if (o.split('\n').length > MAX_LINES || n.split('\n').length > MAX_LINES) return undefined;
  const lines: DiffLine[] = [];
  for (const part of diffLines(o, n)) {
    const kind = part.added ? 'add' : part.removed ? 'delete' : 'same';
    const texts = part.value.replace(/\n$/, '').split('\n');
    for (const text of texts) lines.push({ kind, text });
  }
  return fold(lines);
}

/** Folds unchanged runs longer than twice the context into one `fold` line. */
function fold(lines: DiffLine[]): DiffLine[] {
  const out: DiffLine[] = [];
  let i = 0;
  while (i < lines.length) {
    if (lines[i]!.kind !== 'same') {
      out.push(lines[i++]!);
      continue;
    }
    let j = i;
    while (j < lines.length && lines[j]!.kind === 'same') j++;
    const run = lines.slice(i, j);
    const head = i === 0 ? 0 : CONTEXT_LINES;
    const tail = j === lines.length ? 0 : CONTEXT_LINES;
    if (run.length > head + tail + 1) {
      out.push(...run.slice(0, head), { kind: 'fold', text: String(run.length - head - tail) }, ...run.slice(run.length - tail));
    } else out.push(...run);
    i = j;
  }
  return out;
}
