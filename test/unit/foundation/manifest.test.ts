// The manifest is what users meet first (palette, menus, settings UI): these checks keep it consistent
// with the code and the README as the three capabilities grow.
import * as assert from 'assert';
import { readFileSync } from 'fs';
import { join } from 'path';
import { repo, tsFiles } from './repo';

const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const contributes = pkg.contributes;

function sourceText(dir: string): string {
  return tsFiles(dir)
    .map((p) => readFileSync(p, 'utf8'))
    .join('\n');
}

describe('Foundation: manifest', () => {
  const commandIds = new Set<string>(contributes.commands.map((c: { command: string }) => c.command));

  it('targets a VS Code no newer than the test host (1.100) and types for that version', () => {
    assert.match(pkg.engines.vscode, /^\^1\.(\d+)\.\d+$/);
    const minor = Number(/^\^1\.(\d+)/.exec(pkg.engines.vscode)![1]);
    assert.ok(minor <= 100, `engines.vscode ${pkg.engines.vscode} is newer than code-server 4.100.3`);
    const typesVersion = JSON.parse(readFileSync(join(repo, 'node_modules/@types/vscode/package.json'), 'utf8')).version as string;
    assert.ok(typesVersion.startsWith(`1.${minor}.`), `@types/vscode ${typesVersion} must match engines ${pkg.engines.vscode}`);
  });

  it('gives every command a title, the OpsDeck category and a unique id', () => {
    assert.strictEqual(commandIds.size, contributes.commands.length, 'duplicate command ids');
    for (const c of contributes.commands) {
      assert.ok(c.title, `${c.command} has no title`);
      assert.strictEqual(c.category, 'OpsDeck', `${c.command} is not in the OpsDeck category`);
      assert.ok(c.command.startsWith('opsdeck.'), c.command);
    }
  });

  it('only references contributed commands from menus and welcome views', () => {
    for (const [menu, items] of Object.entries(contributes.menus as Record<string, Array<{ command?: string }>>)) {
      for (const item of items)
        if (item.command) assert.ok(commandIds.has(item.command), `menu ${menu} names unknown command ${item.command}`);
    }
    for (const w of contributes.viewsWelcome) {
      for (const m of (w.contents as string).matchAll(/\(command:([\w.]+)/g)) {
        if (m[1].startsWith('opsdeck.')) assert.ok(commandIds.has(m[1]), `welcome view names unknown command ${m[1]}`);
      }
    }
  });

  it('keys item menus on contextValues that the tree views really produce', () => {
    const src = sourceText(join(repo, 'src'));
    const used = new Set<string>();
    for (const items of Object.values(contributes.menus as Record<string, Array<{ when?: string }>>)) {
      for (const item of items) for (const m of (item.when ?? '').matchAll(/viewItem == ([\w.]+)/g)) used.add(m[1]);
    }
    assert.ok(used.size > 0);
    for (const value of used) {
      const literal = new RegExp(`['"\`]${value.replace(/\./g, '\\.')}['"\`]`).test(src);
      // Section nodes build their value as `${section}Section`.
      const sectionTemplate =
        value.endsWith('Section') && src.includes('Section`') && new RegExp(`['"]${value.slice(0, -'Section'.length)}['"]`).test(src);
      assert.ok(literal || sectionTemplate, `menus key on viewItem == ${value}, which no tree item sets`);
    }
  });

  it('describes every setting, and the README lists it', () => {
    const readme = readFileSync(join(repo, 'README.md'), 'utf8');
    for (const [key, prop] of Object.entries(
      contributes.configuration.properties as Record<string, { description?: string; markdownDescription?: string }>,
    )) {
      assert.ok(prop.description || prop.markdownDescription, `${key} has no description`);
      assert.ok(readme.includes(`\`${key}\``), `README does not mention ${key}`);
    }
  });

  it('contributes the activity-bar container with the Stacks and Health views, each with a welcome view', () => {
    assert.deepStrictEqual(
      contributes.viewsContainers.activitybar.map((c: { id: string }) => c.id),
      ['opsdeck'],
    );
    const views = contributes.views.opsdeck.map((v: { id: string }) => v.id);
    assert.deepStrictEqual(views, ['opsdeck.stacks', 'opsdeck.health']);
    for (const v of views)
      assert.ok(
        contributes.viewsWelcome.some((w: { view: string }) => w.view === v),
        `${v} has no welcome view`,
      );
  });
});
