// The first-run walkthrough as a new user sees it in the real workbench: it opens from the Welcome
// page's walkthrough id, lists its six steps, and a step completes when the user does what it asks
// (here: the snippet step through its own button's command, the health step by creating the file).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { click, domQuery, domText, hasRig, screenshot, waitFor } from '../../rig';

const WALKTHROUGH = 'opsdeck.opsdeck#gettingStarted';
const STEP_TITLES = [
  'Open or create a Pulumi project',
  'Set the passphrase or log in',
  'Preview and deploy a stack',
  'Watch health in the status bar',
  'Scaffold an operation record',
  'Use a snippet',
];

/** Titles of the steps the workbench shows as done (aria-checked on the step button). */
async function doneSteps(): Promise<string[]> {
  const nodes = await domQuery('button.getting-started-step[aria-checked="true"]');
  return nodes.map((n) => STEP_TITLES.find((t) => n.text.includes(t)) ?? n.text);
}

describe('foundation: the Get Started walkthrough', function () {
  before(function () {
    if (!hasRig()) this.skip();
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens with six steps, and the snippet step completes when its button is used', async () => {
    const manifest = JSON.parse(
      fs.readFileSync(path.join(vscode.extensions.getExtension('opsdeck.opsdeck')!.extensionPath, 'package.json'), 'utf8'),
    ) as { contributes: { walkthroughs: Array<{ steps: Array<{ title: string; media: { markdown: string } }> }> } };
    const steps = manifest.contributes.walkthroughs[0].steps;
    assert.deepStrictEqual(
      steps.map((s) => s.title),
      STEP_TITLES,
    );
    for (const s of steps) {
      const md = path.join(vscode.extensions.getExtension('opsdeck.opsdeck')!.extensionPath, s.media.markdown);
      assert.ok(fs.existsSync(md), `${s.media.markdown} exists`);
      assert.match(
        fs.readFileSync(md, 'utf8'),
        /\]\(command:opsdeck\.|\]\(command:vscode\./,
        `${s.media.markdown} links to the command that does the step`,
      );
    }

    await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH, false);
    const text = await waitFor('the walkthrough in the workbench', async () => {
      const t = await domText('.gettingStartedContainer');
      return t.includes('Get Started with OpsDeck') && STEP_TITLES.every((s) => t.includes(s)) ? t : undefined;
    });
    assert.ok(text.includes('Use a snippet'));
    assert.ok(!(await doneSteps()).includes('Use a snippet'), 'the snippet step starts not done');

    // As a user would: select the step, then press its button (a command run from the extension
    // host does not pass through the workbench's command service, so it would not complete the step).
    await click('button.getting-started-step[data-step-id$="snippet"]');
    await click('[x-step-description-for$="snippet"] .button-container .monaco-button');
    const doc = await waitFor('the scratch markdown document with the rollback snippet', () =>
      vscode.workspace.textDocuments.find((d) => d.languageId === 'markdown' && d.isUntitled && d.getText().includes('Rollback')),
    );
    assert.ok(doc.getText().includes('Rollback'));

    await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH, false);
    const done = await waitFor('the snippet step marked done', async () => {
      const d = await doneSteps();
      return d.includes('Use a snippet') ? d : undefined;
    });
    assert.ok(done.includes('Use a snippet'));
    await screenshot('walkthrough');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
