// Builds webview HTML under a strict Content Security Policy. Pure (no `vscode` import): the caller
// passes `webview.cspSource` and the URIs as strings, so the policy itself is unit-testable.
import { randomBytes } from 'crypto';

export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export interface WebviewPage {
  title: string;
  /** `webview.cspSource`: the only origin images and fonts may come from. */
  cspSource: string;
  nonce: string;
  /** Script and style sources (the extension's own bundled files), inlined under the nonce. */
  scripts: string[];
  styles: string[];
  /** Trusted static markup for the body (escape any data with escapeHtml). */
  body: string;
  /** Initial state, JSON-serialised into an escaped data attribute rather than inline script. */
  initialState?: unknown;
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    // Not covered by default-src: a form or a <base> injected into the page could still send data or
    // redirect relative URLs.
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/**
 * Makes source text safe inside its `<script>` / `<style>` element: only the closing tag can end
 * the element early, and `<\/` means the same as `</` in JavaScript strings, regular expressions
 * and CSS.
 */
export function inlineSafe(source: string, tag: 'script' | 'style'): string {
  return source.replace(new RegExp(`</(${tag})`, 'gi'), '<\\/$1');
}

// Scripts and styles are inlined rather than linked: in VS Code for the Web every webview resource
// is fetched through the webview's service worker and the remote connection, which measured ~1 s
// before the dashboard's 64 KB script arrived (bench/README.md). Inline elements carry the nonce,
// so the policy stays `default-src 'none'` with no 'unsafe-inline'.
export function renderWebviewPage(p: WebviewPage): string {
  const state = p.initialState === undefined ? '' : ` data-state="${escapeHtml(JSON.stringify(p.initialState))}"`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(p.cspSource, p.nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(p.title)}</title>
${p.styles.map((css) => `<style nonce="${p.nonce}">${inlineSafe(css, 'style')}</style>`).join('\n')}
</head>
<body${state}>
${p.body}
${p.scripts.map((js) => `<script nonce="${p.nonce}">${inlineSafe(js, 'script')}</script>`).join('\n')}
</body>
</html>`;
}
