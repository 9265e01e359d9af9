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
  /** `webview.cspSource`: the only origin styles, images and fonts may come from. */
  cspSource: string;
  nonce: string;
  scriptUris: string[];
  styleUris: string[];
  /** Trusted static markup for the body (escape any data with escapeHtml). */
  body: string;
  /** Initial state, JSON-serialised into an escaped data attribute rather than inline script. */
  initialState?: unknown;
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function renderWebviewPage(p: WebviewPage): string {
  const state = p.initialState === undefined ? '' : ` data-state="${escapeHtml(JSON.stringify(p.initialState))}"`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(p.cspSource, p.nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(p.title)}</title>
${p.styleUris.map((u) => `<link rel="stylesheet" href="${escapeHtml(u)}" nonce="${p.nonce}">`).join('\n')}
</head>
<body${state}>
${p.body}
${p.scriptUris.map((u) => `<script nonce="${p.nonce}" src="${escapeHtml(u)}"></script>`).join('\n')}
</body>
</html>`;
}
