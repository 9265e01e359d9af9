// The command palette as a new user meets it: what they type must find the safe command first.
// (A user typed "OpsDeck: Preview", pressed Enter on the top row, and ran a deploy.) The palette
// sorts matching commands by label, not by how well they match, so a deploy whose title contains
// "Preview" sorts above "Preview…": the deploy of a saved plan is "Deploy Planned Changes".
import * as assert from 'assert';
import * as vscode from 'vscode';
import { domQuery, hasRig, pressKeys, screenshot, typeText, waitFor } from '../../rig';

/** The palette's rows for `query`, top first, as the workbench renders them. */
async function paletteRows(query: string): Promise<string[]> {
  await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  await pressKeys(['F1']);
  await waitFor('the command palette', async () => (await domQuery('.quick-input-widget input')).some((n) => n.visible));
  await typeText(query);
  const read = async () =>
    (await domQuery('.quick-input-list .monaco-list-row'))
      .filter((r) => r.visible)
      .map((r) => (r.ariaLabel ?? r.text).replace(/\s+/g, ' ').trim());
  // The list filters as keys arrive: read it until two reads half a second apart agree.
  let last = '';
  return waitFor(`palette rows for "${query}"`, async () => {
    const rows = await read();
    const key = rows.join('\n');
    const settled = rows.length > 0 && key === last;
    last = key;
    if (!settled) await new Promise((r) => setTimeout(r, 500));
    return settled ? rows : undefined;
  });
}

describe('foundation: the command palette finds the safe command first', function () {
  before(function () {
    if (!hasRig()) this.skip();
  });
  afterEach(async () => {
    await pressKeys(['Escape']);
  });

  it('"OpsDeck: Preview" ranks Preview first, and no deploy above it', async () => {
    const rows = await paletteRows('OpsDeck: Preview');
    await screenshot('palette-preview');
    assert.match(rows[0], /^OpsDeck: Preview Pulumi Stack/, rows.join('\n'));
    const deploy = rows.findIndex((r) => /Deploy/.test(r));
    assert.ok(deploy === -1 || deploy > 0, rows.join('\n'));
  });

  it('"OpsDeck: Deploy" lists the deploy of the saved plan by its verb-first name', async () => {
    const rows = await paletteRows('OpsDeck: Deploy');
    assert.ok(
      rows.some((r) => r.startsWith('OpsDeck: Deploy Planned Changes')),
      rows.join('\n'),
    );
    assert.ok(!rows.some((r) => /Deploy the Last Preview/.test(r)), rows.join('\n'));
  });
});
