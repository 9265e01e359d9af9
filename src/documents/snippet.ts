// Escaping for VS Code's snippet grammar (the text handed to `new SnippetString(...)`).
// Literal text must escape `\`, `$` and `}`: the seeds contain `$[amount]`, shell snippets and
// braces in code blocks, and an unescaped `$` would turn into a variable or tab stop.
// Choice options use a different set: only `\`, `,` and `|` are special inside `${1|a,b|}`.

export function escapeText(text: string): string {
  return text.replace(/[\\$}]/g, (c) => `\\${c}`);
}

export function escapeChoice(option: string): string {
  return option.replace(/[\\,|]/g, (c) => `\\${c}`);
}

export function placeholder(index: number, defaultText: string): string {
  return defaultText === '' ? `\${${index}}` : `\${${index}:${escapeText(defaultText)}}`;
}

export function choice(index: number, options: readonly string[]): string {
  return `\${${index}|${options.map(escapeChoice).join(',')}|}`;
}

export function mirror(index: number): string {
  return `$${index}`;
}
