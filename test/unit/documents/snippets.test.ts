// The markdown snippets users reach by typing `ops`: valid files, discoverable prefixes, and bodies
// that VS Code's snippet grammar reads as intended (no stray `$`, tab stops in order).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { readSnippet, repoRoot } from './helpers';

interface Snippet {
  prefix: string;
  description: string;
  body: string[];
}

describe('documents: markdown snippets', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    contributes: { snippets: Array<{ language: string; path: string }> };
  };
  const entry = manifest.contributes.snippets.find((s) => s.language === 'markdown' && s.path.includes('documents'));
  const file = entry ? path.join(repoRoot, entry.path) : '';
  const snippets = () => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Snippet>;

  it('is contributed for markdown and is valid JSON', () => {
    assert.ok(entry, 'package.json contributes no markdown snippets file of the documents capability');
    assert.ok(Object.keys(snippets()).length >= 7);
  });

  it('covers each reusable block of the sources, each with an ops prefix and a description', () => {
    const all = snippets();
    const prefixes = Object.values(all).map((s) => s.prefix);
    for (const p of ['ops-risk', 'ops-rollback', 'ops-perf-compare', 'ops-progress', 'ops-success', 'ops-iac', 'ops-alerting']) {
      assert.ok(prefixes.includes(p), `missing ${p}`);
    }
    for (const [name, s] of Object.entries(all)) {
      assert.ok(s.prefix.startsWith('ops'), `${name}: prefix ${s.prefix}`);
      assert.ok(s.description.length > 10, `${name}: no description`);
    }
    assert.strictEqual(new Set(prefixes).size, prefixes.length, 'duplicate prefixes');
  });

  it('has bodies the snippet grammar reads as written, tab stops numbered in order', () => {
    for (const [name, s] of Object.entries(snippets())) {
      // VS Code variables (CURRENT_HOUR…) resolve at insertion time; stand them in before reading.
      const body = s.body.join('\n').replace(/\$\{[A-Z_]+\}/g, 'V');
      const read = readSnippet(body);
      const firsts = read.stops.filter((t) => !t.mirror && t.index !== 0).map((t) => t.index);
      assert.deepStrictEqual(
        firsts,
        firsts.map((_, i) => i + 1),
        `${name}: tab stops out of order`,
      );
    }
    const rollback = Object.values(snippets()).find((s) => s.prefix === 'ops-rollback')!;
    assert.ok(rollback.body.includes('   ```bash'), 'the rollback snippet keeps its bash blocks');
  });
});
