// The rig's first proof: OpsDeck loads in a real VS Code host, registers what its manifest promises,
// and its activity-bar container really renders in the browser.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { domQuery, domText, hasRig, screenshot, waitFor } from '../../rig';

const EXTENSION_ID = 'opsdeck.opsdeck';

interface Manifest {
  contributes: {
    commands?: Array<{ command: string; title: string; category?: string }>;
    viewsContainers: { activitybar: Array<{ id: string; title: string }> };
    views: Record<string, Array<{ id: string; name: string }>>;
  };
}

/** PNG width and height from the IHDR chunk (bytes 16..24), after checking the signature. */
function pngSize(file: string): { width: number; height: number } {
  const b = fs.readFileSync(file);
  assert.ok(b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), `${file} is not a PNG`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

describe('foundation: OpsDeck in a real VS Code host', () => {
  let extension: vscode.Extension<Record<string, unknown>>;
  let manifest: Manifest;

  before(() => {
    const found = vscode.extensions.getExtension<Record<string, unknown>>(EXTENSION_ID);
    assert.ok(found, `${EXTENSION_ID} is not loaded in this host`);
    extension = found;
    // Read from disk so the check grows with every command the capabilities add.
    manifest = JSON.parse(fs.readFileSync(path.join(extension.extensionPath, 'package.json'), 'utf8')) as Manifest;
  });

  it('activates and returns its public API', async () => {
    const api = await extension.activate();
    assert.strictEqual(extension.isActive, true);
    assert.strictEqual(typeof api, 'object');
    assert.ok(api !== null, 'activate() returned null');
    // The rig tests either this checkout (development mode) or an installed VSIX (`--vsix`).
    const underTest = process.env.OPSDECK_EXTENSION_UNDER_TEST;
    if (underTest === 'checkout') assert.strictEqual(path.resolve(extension.extensionPath), path.resolve(process.env.OPSDECK_REPO!));
    if (underTest === 'vsix') assert.match(extension.extensionPath, /opsdeck\.opsdeck-\d+\.\d+\.\d+$/, 'not the installed VSIX');
  });

  it('registers every command the manifest contributes, each titled and in the OpsDeck category', async () => {
    await extension.activate();
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = manifest.contributes.commands ?? [];
    const missing = contributed.filter((c) => !registered.has(c.command)).map((c) => c.command);
    assert.deepStrictEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
    const unlabelled = contributed.filter((c) => !c.title || c.category !== 'OpsDeck').map((c) => c.command);
    assert.deepStrictEqual(unlabelled, [], `commands without a title or the "OpsDeck" category: ${unlabelled.join(', ')}`);
  });

  it('contributes the OpsDeck activity-bar container with the Stacks and Health views', async () => {
    const container = manifest.contributes.viewsContainers.activitybar.find((c) => c.id === 'opsdeck');
    assert.ok(container, 'no "opsdeck" activity-bar container in package.json');
    const viewIds = (manifest.contributes.views.opsdeck ?? []).map((v) => v.id);
    assert.ok(viewIds.includes('opsdeck.stacks') && viewIds.includes('opsdeck.health'), `views in the container: ${viewIds.join(', ')}`);
    // The workbench creates `workbench.view.extension.<id>` only for a container it accepted.
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.ok(registered.has('workbench.view.extension.opsdeck'), 'the workbench did not register the OpsDeck container');
    for (const id of viewIds) assert.ok(registered.has(`${id}.focus`), `the workbench did not register view ${id}`);
  });

  it('renders the container in the activity bar and side bar (screenshot)', async function () {
    if (!hasRig()) this.skip(); // needs the outside browser: only under the code-server rig
    await vscode.commands.executeCommand('workbench.view.extension.opsdeck');
    const views = manifest.contributes.views.opsdeck;

    const title = await waitFor('the side bar to show the OpsDeck container', async () => {
      const t = await domText('.part.sidebar .composite.title');
      return /opsdeck/i.test(t) ? t : undefined;
    });
    assert.match(title, /opsdeck/i);
    const headers = await waitFor('the OpsDeck view headers', async () => {
      const t = await domText('.part.sidebar .pane-header');
      return views.every((v) => t.toLowerCase().includes(v.name.toLowerCase())) ? t : undefined;
    });
    for (const v of views)
      assert.ok(headers.toLowerCase().includes(v.name.toLowerCase()), `side bar headers "${headers}" lack "${v.name}"`);

    const items = await domQuery('.part.activitybar [aria-label^="OpsDeck"]');
    assert.ok(
      items.some((i) => i.visible),
      `no visible OpsDeck item in the activity bar (found ${JSON.stringify(items)})`,
    );

    const file = await screenshot('foundation-activitybar');
    const size = pngSize(file);
    assert.deepStrictEqual(size, { width: 1400, height: 900 }, 'the screenshot is not of the whole workbench page');
  });
});
