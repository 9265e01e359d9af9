// Transformations of documents that are already written: progress-log entries, the operation
// status line, checklist counts. They work on the text and return edits (offsets into the text),
// so the editor glue applies them as one undoable edit and tests check them without VS Code.

export interface TextEdit {
  /** Offset of the first replaced character. */
  readonly start: number;
  /** Offset after the last replaced character (== start for an insertion). */
  readonly end: number;
  readonly text: string;
}

interface Line {
  readonly start: number;
  readonly text: string;
  readonly index: number;
  readonly inFence: boolean;
}

export interface Heading {
  readonly line: number;
  readonly level: number;
  readonly title: string;
}

function lines(text: string): Line[] {
  const out: Line[] = [];
  let fence: string | undefined;
  let start = 0;
  text.split('\n').forEach((raw, index) => {
    const t = raw.replace(/\r$/, '');
    const marker = /^\s*(```+|~~~+)/.exec(t)?.[1];
    let inFence = fence !== undefined;
    if (marker) {
      if (fence === undefined) fence = marker[0];
      else if (marker[0] === fence) fence = undefined;
      inFence = true;
    }
    out.push({ start, text: t, index, inFence });
    start += raw.length + 1;
  });
  return out;
}

function headingOf(l: Line): Heading | undefined {
  if (l.inFence) return undefined;
  const m = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(l.text);
  return m ? { line: l.index, level: m[1].length, title: m[2] } : undefined;
}

export function headings(text: string): Heading[] {
  return lines(text)
    .map(headingOf)
    .filter((h): h is Heading => h !== undefined);
}

export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

// ---------------------------------------------------------------- progress log

export interface ProgressEntry {
  readonly edit: TextEdit;
  /** Offset of the cursor in the text after the edit: the empty line under the new heading. */
  readonly cursor: number;
}

/**
 * Appends `### HH:MM - <phase>` at the end of the "Progress Log" section (one level below its
 * heading), or adds the section at the end of the document when there is none.
 */
export function progressLogEntry(text: string, hhmm: string, phase: string): ProgressEntry {
  const ls = lines(text);
  const cleanPhase = phase.replace(/[\r\n]+/g, ' ').trim() || 'Progress';
  const headingIdx = ls.findIndex((l) => {
    const h = headingOf(l);
    return h !== undefined && /^progress log$/i.test(h.title);
  });
  if (headingIdx < 0) {
    // An operation record ends with a sign-off block after a `---` rule; the log goes above it.
    const footer = footerRule(ls);
    if (footer) {
      const insert = `## Progress Log\n\n### ${hhmm} - ${cleanPhase}\n`;
      return { edit: { start: footer.start, end: footer.start, text: `${insert}\n\n` }, cursor: footer.start + insert.length };
    }
    const trimmedEnd = text.replace(/\s+$/, '').length;
    const insert = `${trimmedEnd ? '\n\n' : ''}## Progress Log\n\n### ${hhmm} - ${cleanPhase}\n`;
    return { edit: { start: trimmedEnd, end: text.length, text: insert + '\n' }, cursor: trimmedEnd + insert.length };
  }
  const level = headingOf(ls[headingIdx])!.level;
  let endIdx = ls.length;
  for (let i = headingIdx + 1; i < ls.length; i++) {
    const h = headingOf(ls[i]);
    if (h && h.level <= level) {
      endIdx = i;
      break;
    }
  }
  const footer = footerRule(ls);
  if (footer && footer.index > headingIdx && footer.index < endIdx) endIdx = footer.index;
  // Last non-blank line of the section; the entry goes right after it.
  let last = endIdx - 1;
  while (last > headingIdx && ls[last].text.trim() === '') last--;
  const at = ls[last].start + ls[last].text.length;
  const entryHeading = `${'#'.repeat(Math.min(6, level + 1))} ${hhmm} - ${cleanPhase}`;
  const insert = `\n\n${entryHeading}\n`;
  return { edit: { start: at, end: at, text: insert }, cursor: at + insert.length };
}

/** The last `---` rule when no heading follows it (a sign-off footer), else undefined. */
function footerRule(ls: readonly Line[]): Line | undefined {
  for (let i = ls.length - 1; i > 0; i--) {
    if (headingOf(ls[i])) return undefined;
    if (!ls[i].inFence && /^---+\s*$/.test(ls[i].text) && ls[i - 1].text.trim() === '') return ls[i];
  }
  return undefined;
}

// ---------------------------------------------------------------- operation status

export const OPERATION_STATUSES = ['🔄 IN PROGRESS', '✅ COMPLETED SUCCESSFULLY', '❌ FAILED', '🔁 ROLLED BACK'] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];

export function isFinalStatus(s: OperationStatus): boolean {
  return s !== '🔄 IN PROGRESS';
}

/**
 * Edits that set `**Operation Status**:` and, for a final status, stamp `**Completion Time**:`.
 * Undefined when the text has no status line (it is not an operation record).
 */
export function operationStatusEdits(text: string, status: OperationStatus, completion: string): TextEdit[] | undefined {
  const ls = lines(text).filter((l) => !l.inFence);
  const valueEdit = (label: string, value: string): TextEdit | undefined => {
    const re = new RegExp(`^(\\s*\\*\\*${label}\\*\\*:[ \\t]*)(.*)$`);
    for (const l of ls) {
      const m = re.exec(l.text);
      if (m) return { start: l.start + m[1].length, end: l.start + l.text.length, text: value };
    }
    return undefined;
  };
  const statusEdit = valueEdit('Operation Status', status);
  if (!statusEdit) return undefined;
  const edits = [statusEdit];
  if (isFinalStatus(status)) {
    const time = valueEdit('Completion Time', completion);
    if (time) edits.push(time);
  }
  return edits;
}

// ---------------------------------------------------------------- checklist progress

export interface Tally {
  readonly done: number;
  readonly total: number;
}

export interface SectionTally extends Tally {
  readonly heading: Heading;
}

export interface ChecklistProgress {
  readonly total: Tally;
  /** Headings whose section (with its sub-sections) holds at least one checkbox, in order. */
  readonly sections: readonly SectionTally[];
}

const CHECKBOX = /^\s*(?:[-*+]|\d+[.)])\s+\[([ xX])\]/;

export function checklistProgress(text: string): ChecklistProgress {
  const ls = lines(text);
  const open: { heading: Heading; done: number; total: number }[] = [];
  const closed: SectionTally[] = [];
  let done = 0;
  let total = 0;
  const closeTo = (level: number) => {
    while (open.length && open[open.length - 1].heading.level >= level) {
      const s = open.pop()!;
      if (s.total > 0) closed.push({ heading: s.heading, done: s.done, total: s.total });
    }
  };
  for (const l of ls) {
    const h = headingOf(l);
    if (h) {
      closeTo(h.level);
      open.push({ heading: h, done: 0, total: 0 });
      continue;
    }
    if (l.inFence) continue;
    const m = CHECKBOX.exec(l.text);
    if (!m) continue;
    const ticked = m[1] !== ' ';
    total++;
    if (ticked) done++;
    for (const s of open) {
      s.total++;
      if (ticked) s.done++;
    }
  }
  closeTo(0);
  closed.sort((a, b) => a.heading.line - b.heading.line);
  return { total: { done, total }, sections: closed };
}
