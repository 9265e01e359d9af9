// The webview page: a strict policy, everything inlined under one nonce, data only in an escaped attribute.
import * as assert from 'assert';
import { inlineSafe, newNonce, renderWebviewPage } from '../../../src/shared/webviewHtml';

describe('foundation: webview pages', () => {
  const page = (over: Partial<Parameters<typeof renderWebviewPage>[0]> = {}) =>
    renderWebviewPage({
      title: 'T',
      cspSource: 'https://x.vscode-cdn.net',
      nonce: 'N0nce',
      scripts: ['let a = 1;'],
      styles: ['body{color:red}'],
      body: '<main></main>',
      ...over,
    });

  it('allows only its own nonce for scripts and styles, nothing by default', () => {
    const csp = /content="([^"]*)"/.exec(page())![1]!;
    assert.match(csp, /^default-src 'none'; /);
    assert.match(csp, /script-src 'nonce-N0nce'(;|$)/);
    assert.match(csp, /style-src 'nonce-N0nce'(;|$)/);
    // default-src does not cover these two: forms and <base> are shut explicitly.
    assert.match(csp, /(^|; )form-action 'none'(;|$)/);
    assert.match(csp, /(^|; )base-uri 'none'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:\/\/(?!x\.vscode-cdn)/);
  });

  it('every script and style element carries the nonce, and none loads a file', () => {
    const html = page({ scripts: ['a()', 'b()'], styles: ['p{}', 'q{}'] });
    assert.strictEqual(html.match(/<script nonce="N0nce">/g)?.length, 2);
    assert.strictEqual(html.match(/<style nonce="N0nce">/g)?.length, 2);
    assert.doesNotMatch(html, /<script(?![^>]*nonce="N0nce")|src=|<link/);
  });

  it('a closing tag inside inlined code cannot end the element early', () => {
    const js = 'const s = "</script><img src=x onerror=alert(1)>"; const r = /<\\/SCRIPT>/;';
    const html = page({ scripts: [js] });
    assert.strictEqual(html.match(/<\/script>/gi)?.length, 1, 'only the real closing tag');
    // What the browser runs means the same: "<\/" is "</" in a JavaScript string.
    const safe = inlineSafe('"</script>"', 'script');
    assert.strictEqual((new Function(`return ${safe}`) as () => string)(), '</script>');
    assert.strictEqual(inlineSafe('a{content:"</style>"}', 'style'), 'a{content:"<\\/style>"}');
  });

  it('state goes into an escaped attribute, not into script', () => {
    const html = page({ initialState: { name: '"><script>alert(1)</script>' } });
    assert.match(html, /data-state="\{&quot;name&quot;:&quot;\\&quot;&gt;&lt;script&gt;/);
    assert.strictEqual(html.match(/<script/g)?.length, 1);
  });

  it('nonces are fresh and unguessable', () => {
    const a = newNonce();
    assert.notStrictEqual(a, newNonce());
    assert.match(a, /^[A-Za-z0-9_-]{24}$/);
  });
});
