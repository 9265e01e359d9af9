// Rendering of property values for diffs, tooltips and logs. Secrets are never rendered: the engine
// marks them with a signature object (or the string "[secret]"), and both print as `[secret]`.

export const SECRET_SIG = '4dabf18193072939515e22adb298388d';
export const SECRET_SIG_VALUE = '1b47061264138c4ac30d75fd1eb44270';

export function isSecretValue(v: unknown): boolean {
  if (v === '[secret]') return true;
  return typeof v === 'object' && v !== null && (v as Record<string, unknown>)[SECRET_SIG] === SECRET_SIG_VALUE;
}

/** Replaces every secret inside a value by the string "[secret]" (deeply). */
export function redact(v: unknown): unknown {
  if (isSecretValue(v)) return '[secret]';
  if (Array.isArray(v)) return v.map(redact);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = redact(x);
    return out;
  }
  return v;
}

/** One-line rendering, truncated to `max` characters. Strings are quoted so "" and absent differ. */
export function renderValue(v: unknown, max = 160): string {
  if (v === undefined) return '(none)';
  const r = redact(v);
  if (r === '[secret]') return '[secret]';
  let s: string;
  try {
    s = JSON.stringify(r) ?? String(r);
  } catch {
    s = String(r);
  }
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/**
 * Reads a value at an engine property path: `a.b`, `a[0].c`, `a["key.with.dots"]`.
 * Returns undefined when any step is missing.
 */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of splitPath(path)) {
    if (cur === null || cur === undefined) return undefined;
    if (isSecretValue(cur)) return '[secret]';
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

export function splitPath(path: string): Array<string | number> {
  const out: Array<string | number> = [];
  let i = 0;
  let buf = '';
  const flush = () => {
    if (buf) out.push(buf);
    buf = '';
  };
  while (i < path.length) {
    const c = path[i]!;
    if (c === '.') {
      flush();
      i++;
    } else if (c === '[') {
      flush();
      const end = path.indexOf(']', i);
      const inner = end < 0 ? path.slice(i + 1) : path.slice(i + 1, end);
      if (/^\d+$/.test(inner)) out.push(Number(inner));
      else if (/^".*"$/.test(inner)) out.push(JSON.parse(inner) as string);
      else out.push(inner === '*' ? '*' : inner);
      i = end < 0 ? path.length : end + 1;
    } else {
      buf += c;
      i++;
    }
  }
  flush();
  return out;
}

/** Removes ANSI escapes and Pulumi's `<{%reset%}>` colour tags, for a colour-free log. */
export function stripColour(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '').replace(/<\{%[^%]*%\}>/g, '');
}
