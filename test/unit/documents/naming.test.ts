import * as assert from 'assert';
import * as path from 'path';
import { slugify, operationId, fileNameFrom, firstFreeName, resolveFolder, nameCandidates } from '../../../src/documents/naming';

describe('documents: slugs, IDs and file names', () => {
  it('slugs titles to lower-case words joined by dashes', () => {
    assert.strictEqual(slugify('Migrate API to Blue/Green Deployment'), 'migrate-api-to-blue-green-deployment');
    assert.strictEqual(slugify('  Café Überweisung — v2  '), 'cafe-uberweisung-v2');
    assert.strictEqual(slugify('Infrastructure/DevOps'), 'infrastructure-devops');
  });

  it('gives hostile titles no way out of the folder', () => {
    for (const hostile of [
      '../../etc/passwd',
      '..\\..\\windows\\system32',
      '/absolute/path',
      'a/../../b',
      '.',
      '..',
      'CON',
      '\u0000\n\t',
    ]) {
      const slug = slugify(hostile);
      assert.ok(/^[a-z0-9-]+$/.test(slug), `${JSON.stringify(hostile)} → ${slug}`);
      assert.ok(!slug.includes('..') && !slug.includes('/') && !slug.includes('\\'));
    }
    assert.strictEqual(slugify('../../etc/passwd'), 'etc-passwd');
    assert.strictEqual(slugify('!!!'), 'untitled');
    assert.strictEqual(slugify('🔥🔥'), 'untitled');
  });

  it('caps slugs at 60 characters without a trailing dash', () => {
    const slug = slugify('word '.repeat(40));
    assert.ok(slug.length <= 60, String(slug.length));
    assert.ok(!slug.endsWith('-'));
  });

  it("builds operation IDs in the record's own format", () => {
    assert.strictEqual(operationId('2026-11-23', 'Rotate RDS credentials!'), '2026-11-23-infrastructure-rotate-rds-credentials');
  });

  it('expands file-name patterns into one safe segment ending in .md', () => {
    assert.strictEqual(fileNameFrom('{{date}}-{{slug}}.md', { date: '2026-11-23', slug: 'x-y' }), '2026-11-23-x-y.md');
    assert.strictEqual(fileNameFrom('{{date}}-{{slug}}.md', { date: '2026-11-23', slug: '../../evil' }), '2026-11-23-evil.md');
    const evil = fileNameFrom('{{slug}}.md', { slug: '../../etc/passwd' });
    assert.strictEqual(path.basename(evil), evil);
    assert.ok(!evil.startsWith('.'), evil);
    assert.ok(!evil.includes('..'), evil);
    assert.strictEqual(fileNameFrom('{{missing}}.md', {}), 'untitled.md');
  });

  it('never overwrites: the first free name gets a numeric suffix', async () => {
    const taken = new Set(['2026-11-23-db.md', '2026-11-23-db-2.md']);
    assert.strictEqual(await firstFreeName('2026-11-23-db.md', (n) => taken.has(n)), '2026-11-23-db-3.md');
    assert.strictEqual(await firstFreeName('fresh.md', (n) => taken.has(n)), 'fresh.md');
    const it = nameCandidates('a.md');
    assert.deepStrictEqual([it.next().value, it.next().value, it.next().value], ['a.md', 'a-2.md', 'a-3.md']);
  });

  it('keeps configured folders inside the workspace', () => {
    const root = path.resolve('/ws/project');
    const inside = resolveFolder(root, 'docs/operations');
    assert.ok(inside.ok && inside.value === path.join(root, 'docs', 'operations'));
    for (const bad of ['../outside', '/etc', 'docs/../../x', 'C:\\temp']) {
      const r = resolveFolder(root, bad);
      assert.ok(!r.ok, bad);
      if (!r.ok) assert.match(r.error.message, /outside|absolute/);
    }
  });
});
