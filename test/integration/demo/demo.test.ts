// A new user's first minutes with the demo, through the UI only: the OpsDeck view, the passphrase
// prompt, a preview and a guarded deploy from the palette, an outage of the demo service, and an
// operation record. The rig prepared the workspace as `npm start` does (dev deployed, prod created,
// the demo service on loopback, no passphrase anywhere). Every step asserts what is on screen, and the
// screenshots it takes are the README's (docs/screenshots/demo-*.png, copied by
// `node scripts/copy-screenshots.mjs`).
//
// The tests run in order and build on each other, as a user's session does.
import * as assert from 'assert';
import * as http from 'http';
import * as vscode from 'vscode';
import { click, domQuery, domText, hasRig, pressKeys, screenshot, typeText, waitFor, webviewText } from '../rig';

const SERVICE = process.env.OPSDECK_DEMO_SERVICE;

/** Text of the visible rows of the OpsDeck views (the Stacks and Health trees). */
async function treeRows(): Promise<string[]> {
  const rows = await domQuery('.pane-body .monaco-list-row');
  return rows.filter((r) => r.visible).map((r) => r.text.replace(/\s+/g, ' ').trim());
}

/** Clicks the tree row whose label is exactly `label`. */
async function clickRow(label: string): Promise<void> {
  await click(`.pane-body .monaco-list-row .monaco-highlighted-label:text-is("${label}")`);
}

/** The quick input (palette, picker or input box) as it shows: title, prompt/message and visible rows. */
async function quickInput(): Promise<{ title: string; message: string; rows: string[] } | undefined> {
  const widget = (await domQuery('.quick-input-widget')).find((n) => n.visible);
  if (!widget) return undefined;
  const title = await domText('.quick-input-widget .quick-input-title');
  const message = await domText('.quick-input-widget .quick-input-message');
  const placeholder = (await domQuery('.quick-input-widget input')).map((n) => n.ariaLabel ?? '').join(' ');
  const rows = (await domQuery('.quick-input-list .monaco-list-row')).filter((r) => r.visible).map((r) => r.ariaLabel ?? r.text);
  return { title, message: `${message} ${placeholder}`.trim(), rows };
}

/** Runs a palette command by typing its name, as a user does, and pressing Enter on the top row. */
async function palette(command: string): Promise<void> {
  await pressKeys(['Escape', 'F1']);
  await waitFor('the command palette', async () => (await domQuery('.quick-input-widget input')).some((n) => n.visible));
  await typeText(command);
  await waitFor(`"${command}" at the top of the palette`, async () => {
    const q = await quickInput();
    return q?.rows[0]?.startsWith(command) ? true : undefined;
  });
  await pressKeys(['Enter']);
}

/** The visible notification toasts' text. */
async function toasts(): Promise<string[]> {
  const items = await domQuery('.notifications-toasts .notification-list-item');
  return items.filter((n) => n.visible).map((n) => n.text.replace(/\s+/g, ' ').trim());
}

function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

describe('demo: the first minutes of a new user, through the UI', function () {
  before(function () {
    if (!hasRig() || !SERVICE) this.skip();
  });
  afterEach(async function () {
    // What the user would have seen when a step failed.
    if (this.currentTest?.state === 'failed') console.log(`tree rows: ${JSON.stringify(await domQuery('.pane-body .monaco-list-row'))}`);
    if (this.currentTest?.state === 'failed') await screenshot(`demo-failed-${this.currentTest.title.slice(0, 24).replace(/[^\w]+/g, '-')}`);
  });

  it('the OpsDeck view opens on the demo project with its stacks dev and prod', async () => {
    await click('.activitybar .action-item .action-label[aria-label^="OpsDeck"]');
    const rows = await waitFor(
      'the Stacks tree with the demo project and both stacks',
      async () => {
        const r = await treeRows();
        return ['opsdeck-demo', 'dev', 'prod'].every((l) => r.some((row) => row.startsWith(l))) ? r : undefined;
      },
      60_000,
    );
    await screenshot('demo-stacks');
    assert.ok(
      rows.some((r) => r.startsWith('demo-health')),
      `the Health view lists the demo's endpoints:\n${rows.join('\n')}`,
    );
  });

  it('expanding dev’s outputs asks for the passphrase once, naming the project and the stack', async () => {
    await clickRow('dev');
    await waitFor('dev expanded', async () => (await treeRows()).some((r) => r.startsWith('Outputs')));
    await clickRow('Outputs');
    // Either OpsDeck asks at once, or the row it shows leads to the prompt: no dead end either way.
    const prompt = await waitFor(
      'the passphrase prompt',
      async () => {
        const q = await quickInput();
        if (q) return q;
        const row = (await treeRows()).find((r) => /passphrase/i.test(r));
        if (row) await click('.pane-body .monaco-list-row:has-text("passphrase")');
        return undefined;
      },
      60_000,
    );
    await screenshot('demo-passphrase');
    const said = `${prompt.title} ${prompt.message}`;
    assert.match(said, /opsdeck-demo/, said);
    assert.match(said, /\bdev\b/, said);
    await typeText('demo');
    await pressKeys(['Enter']);
    const rows = await waitFor(
      'dev’s outputs',
      async () => {
        const r = await treeRows();
        return r.some((row) => row.startsWith('endpoint')) ? r : undefined;
      },
      60_000,
    );
    const token = rows.find((r) => r.startsWith('apiToken')) ?? '';
    assert.ok(token, rows.join('\n'));
    assert.doesNotMatch(token, /demo-token-dev/, 'the secret output stays masked');
    assert.ok(!rows.some((r) => /passphrase/i.test(r)), `no passphrase warning is left:\n${rows.join('\n')}`);
    assert.ok(!(await toasts()).some((t) => /passphrase/i.test(t)), `no passphrase toast is left: ${(await toasts()).join(' | ')}`);
  });

  it('Select Pulumi Stack picks prod, and Preview Pulumi Stack shows what prod will create', async () => {
    // Like `pulumi stack select`: the palette's stack commands act on the selected stack.
    await palette('OpsDeck: Select Pulumi Stack');
    const pick = await waitFor('the stack picker', async () => {
      const q = await quickInput();
      return q?.rows.some((r) => /prod/.test(r)) ? q : undefined;
    });
    assert.ok(
      pick.rows.some((r) => /dev/.test(r)),
      pick.rows.join('\n'),
    );
    await typeText('prod');
    await pressKeys(['Enter']);
    await palette('OpsDeck: Preview Pulumi Stack');
    const text = await waitFor(
      'the change view of prod’s preview',
      async () => {
        const t = await webviewText('demo-preview');
        return /to create/i.test(t) ? t : undefined;
      },
      120_000,
    );
    await screenshot('demo-preview');
    assert.match(text, /service-config/);
    assert.match(text, /status-page/);
  });

  it('Deploy Planned Changes to prod asks first, and deploys nothing unanswered', async () => {
    // VS Code refuses modal dialogs in an extension test run and says so in a toast that quotes the
    // question: that quote is what the user would have been asked. Answering it (and typing the
    // production stack's name) is covered with the guard's answers in the Stacks suite.
    await palette('OpsDeck: Deploy Planned Changes');
    const asked = await waitFor(
      'the production guard rail’s question',
      async () => (await toasts()).find((t) => /Deploy PRODUCTION stack "prod"\?/.test(t)),
      60_000,
    );
    await screenshot('demo-guard-rail');
    assert.match(asked, /PRODUCTION/, asked);
    // The change view still shows what the question was about.
    const view = await webviewText('demo-not-confirmed');
    assert.match(view, /2 to create/, view);
    // The row says "up…" until the refused operation has ended (the toast can come first); then it
    // must still count no resources.
    const prod = await waitFor('prod’s row once the refused deploy has ended', async () => {
      const row = (await treeRows()).find((r) => r.startsWith('prod')) ?? '';
      return /…/.test(row) ? undefined : row;
    });
    assert.match(prod, /0 resources/, `nothing was deployed: ${prod}`);
    // The host's "refused to show dialog in tests" toast is the test run's, not the user's: clear it.
    await vscode.commands.executeCommand('notifications.clearAll');
    await pressKeys(['Escape']);
  });

  it('an outage of the demo service shows on the status bar and in a toast that leaves once it recovers', async () => {
    assert.strictEqual(await get(`${SERVICE}/demo/outage`), 200);
    const down = await waitFor(
      'a down notice for demo-health',
      async () => (await toasts()).find((t) => /demo-health/.test(t) && /down/i.test(t)),
      60_000,
    );
    const bar = await waitFor('the status bar saying an endpoint is down', async () => {
      const t = await domText('.part.statusbar .statusbar-item');
      // demo-health goes down first; orders-api, on the same service, a few seconds later (it needs
      // three failed checks): the bar says 1 and then 2, and a slow poll may only see 2.
      return /\b[12] down\b/.test(t) ? t : undefined;
    });
    await screenshot('demo-outage');
    assert.match(down, /503/, `${down} | ${bar}`);
    assert.strictEqual(await get(`${SERVICE}/demo/recover`), 200);
    await waitFor(
      'the recovery, with no down notice left on screen',
      async () => {
        const t = await toasts();
        return !t.some((x) => /demo-health is DOWN/.test(x)) && t.some((x) => /demo-health recovered/.test(x));
      },
      60_000,
    );
    await screenshot('demo-recovered');
  });

  it('New Infrastructure Operation scaffolds a record with its header filled in', async () => {
    await palette('OpsDeck: New Infrastructure Operation');
    const title = await waitFor('the title prompt', quickInput);
    assert.ok(title, 'a prompt for the operation’s title');
    await typeText('Scale the demo API');
    await pressKeys(['Enter']);
    const text = await waitFor(
      'the record in the editor',
      async () => {
        // Monaco draws spaces as no-break spaces.
        const t = (await domText('.monaco-editor .view-lines')).replace(/\u00a0/g, ' ');
        return /Scale the demo API/.test(t) ? t : undefined;
      },
      30_000,
    );
    await screenshot('demo-operation-record');
    assert.match(text, /Operation ID/i, text);
  });
});
