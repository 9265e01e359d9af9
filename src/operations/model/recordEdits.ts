// The operation record is ordinary markdown that a person also edits, during the deploy too. Pure
// text → text functions that add what OpsDeck knows without overwriting anything the user typed:
// - a field (`**Risk Level**: …`) is written only while it holds a placeholder, or still holds what
//   OpsDeck itself wrote there last time;
// - generated blocks sit between `<!-- opsdeck:begin id -->` / `<!-- opsdeck:end id -->` and are
//   replaced only while their text is exactly what OpsDeck wrote (a block edited by hand is left alone
//   and the caller is told, so it can append a note instead);
// - the progress log is only appended to.
// What OpsDeck wrote is remembered in one HTML comment under the title (the record's marker), so the
// rules hold across windows and restarts, and a record can be found again by its stack.
import { createHash } from 'crypto';
import { headings, OperationStatus, operationStatusEdits, progressLogEntry, applyEdits } from '../../documents/living';

export interface RecordMarker {
  v: 1;
  /** `project/stack`. */
  stack: string;
  operationId: string;
  /** Field label → the value OpsDeck last wrote there. */
  fields: Record<string, string>;
  /** Generated block id → hash of the text OpsDeck last wrote in it. */
  blocks: Record<string, string>;
  /** Final once the operation (and its verification) is over: a later operation starts a new record. */
  closed?: boolean;
}

const MARKER_RE = /^<!-- opsdeck:operation (\{.*\}) -->[ \t]*$/m;

/** The record's marker, or undefined when the text is not a record OpsDeck keeps. */
export function readMarker(text: string): RecordMarker | undefined {
  const m = MARKER_RE.exec(text);
  if (!m) return undefined;
  try {
    const v = JSON.parse(m[1]) as RecordMarker;
    return v && v.v === 1 && typeof v.stack === 'string' ? { ...v, fields: v.fields ?? {}, blocks: v.blocks ?? {} } : undefined;
  } catch {
    return undefined;
  }
}

/** JSON that cannot end the HTML comment early (`--` is escaped). */
function markerLine(m: RecordMarker): string {
  return `<!-- opsdeck:operation ${JSON.stringify(m).replace(/--/g, '-\\u002d')} -->`;
}

/** Writes the marker: in place when present, else right under the first heading (or at the top). */
export function writeMarker(text: string, m: RecordMarker): string {
  if (MARKER_RE.test(text)) return text.replace(MARKER_RE, () => markerLine(m));
  const first = /^#\s.*$/m.exec(text);
  if (!first) return `${markerLine(m)}\n\n${text}`;
  const at = first.index + first[0].length;
  return `${text.slice(0, at)}\n${markerLine(m)}${text.slice(at)}`;
}

const hash = (s: string) => createHash('sha256').update(s.replace(/\r\n/g, '\n').trim()).digest('hex').slice(0, 16);

/** A field value a person has not filled in yet: empty, `[…]`, `{{…}}`, `YYYY-MM-DD`-style patterns. */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  return v === '' || /^\[[^\]]*\]$/.test(v) || /^\{\{[^}]*\}\}$/.test(v) || /^[YMDHS:\- ]+(TZ)?$/.test(v);
}

interface Located {
  start: number;
  end: number;
  value: string;
}

/** The value of the first `**Label**: value` line outside code fences. */
function findField(text: string, label: string): Located | undefined {
  const re = new RegExp(`^([ \\t]*(?:[-*+][ \\t]+)?\\*\\*${escapeRe(label)}\\*\\*:[ \\t]*)(.*)$`, 'gm');
  let inFence = false;
  let offset = 0;
  for (const line of text.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    else if (!inFence) {
      re.lastIndex = 0;
      const m = re.exec(line);
      if (m) return { start: offset + m[1].length, end: offset + line.replace(/\r$/, '').length, value: m[2].replace(/\r$/, '') };
    }
    offset += line.length + 1;
  }
  return undefined;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface Edited {
  text: string;
  marker: RecordMarker;
  /** What OpsDeck left alone because a person changed it (for a note in the progress log). */
  kept: string[];
}

/** Sets `**label**: value` unless the user has put something of their own there. */
export function setField(text: string, marker: RecordMarker, label: string, value: string): Edited {
  const f = findField(text, label);
  if (!f) return { text, marker, kept: [] };
  const ours = marker.fields[label];
  if (f.value.trim() === value) return { text, marker: { ...marker, fields: { ...marker.fields, [label]: value } }, kept: [] };
  if (!isPlaceholder(f.value) && f.value.trim() !== ours) return { text, marker, kept: [`${label} (set by hand to "${f.value.trim()}")`] };
  return {
    text: text.slice(0, f.start) + value + text.slice(f.end),
    marker: { ...marker, fields: { ...marker.fields, [label]: value } },
    kept: [],
  };
}

/**
 * Fills `Label: [placeholder]` in plain lines of the section under the heading matching `section`
 * (also inside code blocks, as the template's baseline and comparison blocks are written), replacing
 * only bracketed placeholders: a line a person filled in is left alone.
 */
export function fillPlaceholderLine(
  text: string,
  section: RegExp,
  label: RegExp,
  render: (placeholders: string[]) => string | undefined,
): string {
  const h = headings(text).find((x) => section.test(x.title));
  if (!h) return text;
  const lines = text.split('\n');
  const re = new RegExp(`^(\\s*(?:[-*+]\\s+)?(?:\\*\\*)?(?:${label.source})(?:\\*\\*)?:\\s*)(.*)$`, label.flags.replace('g', ''));
  let inFence = false;
  for (let i = h.line + 1; i < lines.length; i++) {
    if (/^\s*(```|~~~)/.test(lines[i])) inFence = !inFence;
    const next = inFence ? undefined : /^(#{1,6})\s/.exec(lines[i]);
    if (next && next[1].length <= h.level) break;
    const m = re.exec(lines[i]);
    if (!m) continue;
    const placeholders = [...m[2].matchAll(/\[[^\]]*\]/g)].map((x) => x[0]);
    if (!placeholders.length) return text; // filled by a person: leave it
    const value = render(placeholders);
    if (value === undefined) return text;
    lines[i] = m[1] + value;
    return lines.join('\n');
  }
  return text;
}

const BEGIN = (id: string) => `<!-- opsdeck:begin ${id} -->`;
const END = (id: string) => `<!-- opsdeck:end ${id} -->`;

/**
 * Puts a generated block (`content`) in place: replaces the block when its text is still OpsDeck's,
 * else inserts it under the first heading matching `under` (or at the end of the record's body, before
 * its sign-off footer, under a heading `fallbackHeading`).
 */
export function upsertBlock(
  text: string,
  marker: RecordMarker,
  id: string,
  content: string,
  under: RegExp,
  fallbackHeading: string,
): Edited {
  const begin = BEGIN(id);
  const end = END(id);
  const bi = text.indexOf(begin);
  const ei = bi >= 0 ? text.indexOf(end, bi) : -1;
  const body = content.replace(/\s+$/, '');
  const nextMarker = { ...marker, blocks: { ...marker.blocks, [id]: hash(body) } };
  if (bi >= 0 && ei > bi) {
    const inner = text.slice(bi + begin.length, ei);
    if (marker.blocks[id] !== undefined && hash(inner) !== marker.blocks[id]) {
      return { text, marker, kept: [`the "${id}" block (edited by hand)`] };
    }
    return { text: `${text.slice(0, bi + begin.length)}\n${body}\n${text.slice(ei)}`, marker: nextMarker, kept: [] };
  }
  const block = `${begin}\n${body}\n${end}`;
  const h = headings(text).find((x) => under.test(x.title));
  const lines = text.split('\n');
  if (h) {
    // Right under the heading (after the blank line that follows it), above what the template has there.
    const at = lines.slice(0, h.line + 1).join('\n').length;
    return { text: `${text.slice(0, at)}\n\n${block}${text.slice(at)}`, marker: nextMarker, kept: [] };
  }
  const footer = footerStart(text);
  const section = `## ${fallbackHeading}\n\n${block}\n`;
  if (footer !== undefined) return { text: `${text.slice(0, footer)}${section}\n${text.slice(footer)}`, marker: nextMarker, kept: [] };
  return { text: `${text.replace(/\s+$/, '')}\n\n${section}`, marker: nextMarker, kept: [] };
}

/** Offset of the sign-off `---` rule at the end of the record (no heading after it), if any. */
function footerStart(text: string): number | undefined {
  const lines = text.split('\n');
  let offset = text.length;
  for (let i = lines.length - 1; i > 0; i--) {
    offset -= lines[i].length + (i < lines.length - 1 ? 1 : 0);
    if (/^#{1,6}\s/.test(lines[i])) return undefined;
    if (/^---+\s*$/.test(lines[i]) && lines[i - 1].trim() === '') return offset;
  }
  return undefined;
}

/** Appends `### HH:MM:SS - phase` with its body lines to the Progress Log (creating the section). */
export function appendProgress(text: string, time: string, phase: string, body: readonly string[]): string {
  const entry = progressLogEntry(text, time, phase);
  const withHeading = applyEdits(text, [entry.edit]);
  if (!body.length) return withHeading;
  const lines = body.map((l) => l.replace(/[\r\n]+/g, ' ')).join('\n');
  return `${withHeading.slice(0, entry.cursor)}\n${lines}${withHeading.slice(entry.cursor)}`;
}

/**
 * Sets the operation status (and, when final, the completion time) unless a person set a status of
 * their own that OpsDeck did not write.
 */
export function setStatus(text: string, marker: RecordMarker, status: OperationStatus, completion: string): Edited {
  const f = findField(text, 'Operation Status');
  if (!f) return { text, marker, kept: [] };
  const current = f.value.trim();
  const ours = marker.fields['Operation Status'];
  if (!(isPlaceholder(current) || current === ours || current === '🔄 IN PROGRESS' || current === status)) {
    return { text, marker, kept: [`Operation Status (set by hand to "${current}")`] };
  }
  const edits = operationStatusEdits(text, status, completion);
  if (!edits) return { text, marker, kept: [] };
  return { text: applyEdits(text, edits), marker: { ...marker, fields: { ...marker.fields, 'Operation Status': status } }, kept: [] };
}

/** The smallest single edit turning `before` into `after` (common prefix and suffix kept). */
export function minimalEdit(before: string, after: string): { start: number; end: number; text: string } | undefined {
  if (before === after) return undefined;
  let p = 0;
  const max = Math.min(before.length, after.length);
  while (p < max && before.charCodeAt(p) === after.charCodeAt(p)) p++;
  let s = 0;
  while (s < max - p && before.charCodeAt(before.length - 1 - s) === after.charCodeAt(after.length - 1 - s)) s++;
  return { start: p, end: before.length - s, text: after.slice(p, after.length - s) };
}
