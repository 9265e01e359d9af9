// Document templates: parsing (front matter + body) and rendering to snippet text.
//
// A template is a markdown file. Its front matter (YAML) names the kind, the target folder, the
// file-name pattern and the variables; its body is the document, written as the source text with
// three kinds of marks:
//   {{name}}            a known fact (date, operator, …) or a declared variable; a value nobody
//   {{name|fallback}}   knows becomes a tab stop (a snippet choice when the variable has choices)
//   {{:default text}}   a free tab stop whose default is the text (for fields without brackets)
//   [some text]         a `[...]` field of the source: a tab stop whose default is `[some text]`,
//                       so an untouched field still reads as unfilled. Checkboxes (`[ ]`, `[x]`),
//                       links (`[a](b)`, `[a][b]`) and the body's own front matter stay literal.
//   \[ \] \{ \} \\      literal characters
// Built-in kinds and team templates share this format and this code.
import { parseDocument, LineCounter, isMap } from 'yaml';
import { Result, ok, err } from '../shared/result';
import { escapeText, placeholder, choice, mirror } from './snippet';

export interface VariableSpec {
  readonly name: string;
  /** What the input box or quick pick asks. */
  readonly prompt: string;
  /** Grey hint text in the input box. */
  readonly placeholder?: string;
  /** Value proposed in the input box / default of the tab stop. */
  readonly default?: string;
  /** Choice field: a quick pick when asked, otherwise a snippet choice. */
  readonly choices?: readonly string[];
  /** Asked in the input flow before the document is created (it names the file). */
  readonly ask: boolean;
}

export type Token =
  | { readonly t: 'text'; readonly s: string }
  | { readonly t: 'var'; readonly name: string; readonly fallback?: string; readonly line: number }
  /** A free tab stop; `{{name}}` inside its default text is replaced by the value when known. */
  | { readonly t: 'field'; readonly text: string; readonly line: number };

export interface TemplateSpec {
  readonly kind: string;
  readonly title: string;
  readonly description: string;
  /** Folder relative to the workspace root; empty when the front matter names none. */
  readonly folder: string;
  /** File-name pattern, expanded with the same values as the body. */
  readonly fileName: string;
  readonly variables: readonly VariableSpec[];
  readonly tokens: readonly Token[];
  /** Where the template came from: `built-in` or the template file's path. */
  readonly source: string;
}

export interface TemplateProblem {
  readonly file: string;
  /** 1-based line in the template file. */
  readonly line: number;
  readonly message: string;
}

/** Facts OpsDeck fills in itself; a template may use them without declaring them. */
export const FACT_NAMES = [
  'date',
  'time',
  'hhmm',
  'tz',
  'datetime',
  'stamp',
  'isoWeek',
  'year',
  'operator',
  'workspace',
  'project',
  'pulumiProject',
  'pulumiStack',
  'stackRef',
  'iacTool',
  'title',
  'slug',
  'operationId',
  'days',
  'day1',
  'day2',
  'day3',
  'day4',
  'day5',
] as const;

const IDENT = /^[A-Za-z][\w]*$/;
const INLINE_VAR = /\{\{([A-Za-z]\w*)\}\}/g;
const KIND = /^[a-z0-9][a-z0-9-]*$/;

function problem(file: string, line: number, message: string): Result<never, TemplateProblem> {
  return err({ file, line, message });
}

/** Parses a template file. Every problem carries the file and the 1-based line it is on. */
export function parseTemplate(text: string, file: string): Result<TemplateSpec, TemplateProblem> {
  const src = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  const fm = /^---\n([\s\S]*?)\n---[ \t]*(?:\n|$)/.exec(src);
  if (!fm) return problem(file, 1, 'A template starts with YAML front matter between two "---" lines (kind, title, folder, variables).');
  const yamlText = fm[1];
  const bodyStartLine = 1 + fm[0].split('\n').length - (fm[0].endsWith('\n') ? 1 : 0);
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: false });
  const lineOf = (offset: number | undefined) => 1 + (offset === undefined ? 0 : lineCounter.linePos(offset).line);
  if (doc.errors.length) {
    const e = doc.errors[0];
    return problem(file, lineOf(e.pos[0]), `Front matter is not valid YAML: ${e.message.split('\n')[0]}`);
  }
  if (!isMap(doc.contents)) return problem(file, 2, 'Front matter must be a mapping (kind: …, title: …).');
  const nodeLine = (p: (string | number)[]) => {
    const node = doc.getIn(p, true) as { range?: [number, number, number] } | undefined;
    return lineOf(node?.range?.[0]);
  };
  const data = doc.toJS() as Record<string, unknown>;
  const str = (key: string): string | undefined =>
    typeof data[key] === 'string' ? (data[key] as string) : data[key] === undefined ? undefined : String(data[key]);

  const kind = str('kind');
  if (!kind) return problem(file, 2, 'Front matter needs "kind:" (a short id such as operation or postmortem).');
  if (!KIND.test(kind)) return problem(file, nodeLine(['kind']), `kind "${kind}" must be lower-case letters, digits and dashes.`);
  const title = str('title') ?? kind;
  const folder = str('folder') ?? '';
  const fileName = str('fileName') ?? '{{date}}-{{slug}}.md';

  const variables: VariableSpec[] = [];
  const rawVars = data.variables;
  if (rawVars !== undefined && rawVars !== null) {
    if (typeof rawVars !== 'object' || Array.isArray(rawVars)) {
      return problem(file, nodeLine(['variables']), '"variables" must be a mapping of variable names to settings.');
    }
    for (const [name, raw] of Object.entries(rawVars as Record<string, unknown>)) {
      const at = nodeLine(['variables', name]);
      if (!IDENT.test(name)) return problem(file, at, `Variable name "${name}" must start with a letter and use letters, digits or _.`);
      const spec = (raw ?? {}) as Record<string, unknown>;
      if (typeof spec !== 'object' || Array.isArray(spec))
        return problem(file, at, `Variable "${name}" must be a mapping (prompt, default, choices, ask).`);
      let choices: string[] | undefined;
      if (spec.choices !== undefined) {
        if (!Array.isArray(spec.choices) || spec.choices.length === 0 || spec.choices.some((c) => typeof c === 'object' || c === null)) {
          return problem(file, nodeLine(['variables', name, 'choices']), `Variable "${name}": choices must be a non-empty list of words.`);
        }
        choices = spec.choices.map(String);
      }
      variables.push({
        name,
        prompt: typeof spec.prompt === 'string' ? spec.prompt : name,
        placeholder: typeof spec.placeholder === 'string' ? spec.placeholder : undefined,
        default: spec.default === undefined || spec.default === null ? undefined : String(spec.default),
        choices,
        ask: spec.ask === true,
      });
    }
  }

  const body = src.slice(fm[0].length);
  const tokens = tokenize(body, bodyStartLine);
  if (!tokens.ok) return problem(file, tokens.error.line, tokens.error.message);
  const known = new Set<string>([...FACT_NAMES, ...variables.map((v) => v.name)]);
  for (const tok of tokens.value) {
    if (tok.t === 'text') continue;
    const names = tok.t === 'var' ? [tok.name] : [...tok.text.matchAll(INLINE_VAR)].map((m) => m[1]);
    for (const name of names) {
      if (!known.has(name)) {
        return problem(file, tok.line, `Unknown variable {{${name}}}: declare it under "variables:" or write [${name}] for a free field.`);
      }
    }
  }
  return ok({ kind, title, description: str('description') ?? '', folder, fileName, variables, tokens: tokens.value, source: file });
}

/** Splits a template body into literal text, variables and free fields. */
export function tokenize(body: string, firstLine = 1): Result<Token[], { line: number; message: string }> {
  const tokens: Token[] = [];
  let text = '';
  let line = firstLine;
  const flush = () => {
    if (text) tokens.push({ t: 'text', s: text });
    text = '';
  };
  // The body's own front matter (the issue template's name/about/labels) is copied verbatim
  // apart from {{…}} marks: `title: '[INFRA] '` is GitHub's, not a field.
  const ownFm = /^---\n[\s\S]*?\n---[ \t]*\n/.exec(body);
  const literalBracketsUntil = ownFm ? ownFm[0].length : 0;

  for (let i = 0; i < body.length;) {
    const c = body[i];
    if (c === '\\' && i + 1 < body.length && '[]{}\\'.includes(body[i + 1])) {
      text += body[i + 1];
      i += 2;
      continue;
    }
    if (c === '{' && body[i + 1] === '{') {
      const end = body.indexOf('}}', i + 2);
      const nl = body.indexOf('\n', i);
      if (end < 0 || (nl >= 0 && nl < end))
        return err({ line, message: 'Unclosed "{{": a variable mark must close with "}}" on the same line.' });
      const inner = body.slice(i + 2, end);
      flush();
      if (inner.startsWith(':')) {
        tokens.push({ t: 'field', text: inner.slice(1), line });
      } else {
        const bar = inner.indexOf('|');
        const name = (bar < 0 ? inner : inner.slice(0, bar)).trim();
        if (!IDENT.test(name)) return err({ line, message: `"{{${inner}}}" is not a variable name; use {{:text}} for a free field.` });
        tokens.push(bar < 0 ? { t: 'var', name, line } : { t: 'var', name, fallback: inner.slice(bar + 1), line });
      }
      i = end + 2;
      continue;
    }
    if (c === '[' && i >= literalBracketsUntil) {
      const m = /^\[((?:[^[\]\n{]|\{\{[A-Za-z]\w*\}\}|\{(?!\{))+)\]/.exec(body.slice(i, i + 400));
      const next = m ? body[i + m[0].length] : undefined;
      const isCheckbox = m && /^[ xX]$/.test(m[1]);
      const isLink = next === '(' || next === '[';
      if (m && !isCheckbox && !isLink) {
        flush();
        tokens.push({ t: 'field', text: m[0], line });
        i += m[0].length;
        continue;
      }
    }
    if (c === '\n') line++;
    text += c;
    i++;
  }
  flush();
  return ok(tokens);
}

export interface Rendered {
  /** Text for `new SnippetString(...)`: tab stops, choices and escaped literals. */
  readonly snippet: string;
  /** What the document reads like before the user types anything (each field at its default). */
  readonly preview: string;
  /** Number of distinct tab stops. */
  readonly tabStops: number;
}

/**
 * Renders a template with the values known so far. A variable with a non-empty value is written as
 * text; one without becomes a tab stop (a choice when declared with choices), mirrored when it
 * occurs again.
 */
export function render(spec: Pick<TemplateSpec, 'tokens' | 'variables'>, values: Readonly<Record<string, string | undefined>>): Rendered {
  const vars = new Map(spec.variables.map((v) => [v.name, v]));
  const stopOf = new Map<string, { index: number; preview: string }>();
  let next = 1;
  let snippet = '';
  let preview = '';
  for (const tok of spec.tokens) {
    if (tok.t === 'text') {
      snippet += escapeText(tok.s);
      preview += tok.s;
    } else if (tok.t === 'field') {
      const text = tok.text.replace(INLINE_VAR, (_m, name: string) => values[name] || name);
      snippet += placeholder(next++, text);
      preview += text;
    } else {
      const value = values[tok.name];
      if (value !== undefined && value !== '') {
        snippet += escapeText(value);
        preview += value;
        continue;
      }
      const seen = stopOf.get(tok.name);
      if (seen) {
        snippet += mirror(seen.index);
        preview += seen.preview;
        continue;
      }
      const v = vars.get(tok.name);
      const index = next++;
      if (v?.choices && v.choices.length > 0) {
        const options =
          v.default && v.choices.includes(v.default) ? [v.default, ...v.choices.filter((c) => c !== v.default)] : [...v.choices];
        snippet += choice(index, options);
        stopOf.set(tok.name, { index, preview: options[0] });
        preview += options[0];
      } else {
        const def = tok.fallback ?? v?.default ?? `[${v?.prompt ?? tok.name}]`;
        snippet += placeholder(index, def);
        stopOf.set(tok.name, { index, preview: def });
        preview += def;
      }
    }
  }
  return { snippet, preview, tabStops: next - 1 };
}
