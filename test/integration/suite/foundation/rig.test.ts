// The rig's own requests, checked against things the test itself puts on screen, so capability
// suites can rely on them: webview text (only visible webviews), DOM text, key presses.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { domText, hasRig, outputDir, pressKeys, waitFor, webviewText } from '../../rig';

function page(text: string): string {
  return `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none';"></head><body><h1>${text}</h1><p>rig check</p></body></html>`;
}

describe('foundation: the test rig', function () {
  const panels: vscode.WebviewPanel[] = [];

  before(function () {
    if (!hasRig()) this.skip(); // the requests need the outside browser (code-server rig only)
  });

  afterEach(async () => {
    while (panels.length) panels.pop()!.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('reads the text of the visible webview only', async () => {
    // retainContextWhenHidden keeps the first panel's iframe in the DOM, hidden, once the second covers it.
    const first = vscode.window.createWebviewPanel('opsdeck.rigCheck', 'Rig first', vscode.ViewColumn.One, {
      retainContextWhenHidden: true,
    });
    first.webview.html = page('First panel text');
    panels.push(first);
    await waitFor('the first webview to render', async () =>
      (await webviewText('foundation-rig-webview')).includes('First panel text') ? true : undefined,
    );

    const second = vscode.window.createWebviewPanel('opsdeck.rigCheck', 'Rig second', vscode.ViewColumn.One, {});
    second.webview.html = page('Second panel text');
    panels.push(second);
    const text = await waitFor('the second webview to render', async () => {
      const t = await webviewText('foundation-rig-webview');
      return t.includes('Second panel text') ? t : undefined;
    });
    assert.strictEqual(first.visible, false, 'the first panel should be covered by the second');
    assert.ok(!text.includes('First panel text'), `text of a hidden webview was read: ${JSON.stringify(text)}`);
    assert.strictEqual(fs.readFileSync(path.join(outputDir(), 'foundation-rig-webview.txt'), 'utf8'), text);
  });

  it('reads workbench DOM text and presses keys', async () => {
    await pressKeys(['Control+Shift+P']);
    await waitFor('the command palette to open', async () => ((await domText('.quick-input-widget')).length > 0 ? true : undefined));
    await pressKeys(['Escape']);
    await waitFor('the command palette to close', async () => ((await domText('.quick-input-widget')) === '' ? true : undefined));
  });
});
