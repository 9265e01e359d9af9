// Bad input for the stacks capability (and the documents paths it shares the rules with): broken
// project files, broken and huge state files, garbage engine events, broken locks and history,
// hostile titles and template paths. Each case asserts a clear message naming the file (and line)
// or the setting, that nothing throws, and that no file is left half-written (inputs are
// untouched; a document is written whole or not at all). The README's "Bad input: stacks" table
// lists them.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gzipSync } from 'zlib';
import { parseProjectFile, projectFileTooLarge } from '../../../src/stacks/model/projectFile';
import { readFileBackendHistory, readFileBackendIndex, readFileBackendLocks } from '../../../src/stacks/runner/fileBackend';
import { malformedEvent } from '../../../src/stacks/model/engineEvents';
import { ChangeModelBuilder } from '../../../src/stacks/model/changeModel';
import { formatEvent } from '../../../src/stacks/model/eventLog';
import { resolveFolderInside } from '../../../src/documents/paths';
import { fileNameFrom, slugify } from '../../../src/documents/naming';
import { writeExclusive } from '../../../src/documents/fileWrite';
import { parseTemplate } from '../../../src/documents/template';

const WORKER = path.resolve(__dirname, '..', '..', '..', 'src', 'stacks', 'runner', 'stateReader.js');

/** Every file under a folder with its content: compared before and after, so nothing is rewritten. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[]) {
    if (!e.isFile()) continue;
    const p = path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name);
    out[path.relative(dir, p)] = fs.readFileSync(p).toString('base64');
  }
  return out;
}

describe('Bad input: stacks', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-bad-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  describe('Pulumi.yaml', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['1 not YAML', 'name: web\nruntime: [nodejs\n', /infra\/Pulumi\.yaml is not valid YAML \(line \d+\)/],
      ['2 a list, not a mapping', '- name: web\n- runtime: nodejs\n', /infra\/Pulumi\.yaml does not describe a project/],
      ['3 no name', 'runtime: nodejs\n', /infra\/Pulumi\.yaml has no project name/],
      ['4 no runtime', 'name: web\nruntime: { options: { typescript: true } }\n', /infra\/Pulumi\.yaml has no runtime/],
      [
        '5 binary garbage',
        'name: web\nruntime: node\u0000js\n\u0001\u0002',
        /infra\/Pulumi\.yaml is not a text file \(a NUL byte on line 2\)/,
      ],
      ['6 a name that is a number', 'name: 42\nruntime: nodejs\n', /infra\/Pulumi\.yaml has no project name/],
    ];
    for (const [name, text, expected] of cases) {
      it(`${name}: explained with the file (and line)`, () => {
        const r = parseProjectFile(text, 'infra/Pulumi.yaml');
        assert.ok(!r.ok);
        assert.match(r.error.message, expected);
        assert.ok(r.error.remedy, 'says what to do');
      });
    }
    it('7 a 5 MB Pulumi.yaml is not parsed at all', () => {
      const e = projectFileTooLarge(5 * 1024 * 1024, 'infra/Pulumi.yaml');
      assert.match(e!.message, /infra\/Pulumi\.yaml is 5120 KB; OpsDeck reads project files up to 256 KB/);
      assert.strictEqual(projectFileTooLarge(300, 'x'), undefined);
    });
  });

  describe('state files of a file backend', () => {
    const dir = () => path.join(root, '.pulumi', 'stacks', 'p');
    const file = () => path.join(dir(), 'dev.json');
    const check = async (content: Buffer | string, expected: RegExp, o: { maxBytes?: number; name?: string } = {}) => {
      fs.mkdirSync(dir(), { recursive: true });
      const f = o.name ? path.join(dir(), o.name) : file();
      fs.writeFileSync(f, content);
      const before = snapshot(root);
      for (const inlineBytes of [undefined, 0]) {
        const r = await readFileBackendIndex(`file://${root}`, 'p', 'dev', { workerScript: WORKER, inlineBytes, maxBytes: o.maxBytes });
        assert.ok(r && !r.ok, JSON.stringify(r));
        assert.ok(r.error.message.includes(f), `names the file: ${r.error.message}`);
        assert.match(r.error.message, expected);
      }
      assert.deepStrictEqual(snapshot(root), before, 'the state file is untouched');
    };
    const cp = (latest: unknown, stack = 'organization/p/dev') => JSON.stringify({ version: 3, checkpoint: { stack, latest } }, null, 2);
    const good = cp({ resources: [{ urn: 'urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev', type: 'pulumi:pulumi:Stack' }] });

    it('8 truncated half way', () => check(good.slice(0, good.length / 2), /truncated/));
    it('9 empty', () => check('', /truncated/));
    it('10 garbage in the middle, with its line', () => check(good.replace('"type"', '"type" "x",'), /not valid JSON \(line 9/));
    it('11 another format version', () => check(JSON.stringify({ version: 1, checkpoint: {} }), /version 1; OpsDeck reads version 3/));
    it("12 another stack's checkpoint", () => check(cp({}, 'organization/p/prod'), /records stack "organization\/p\/prod", not "dev"/));
    it('13 resources that are not a list, or lack a URN', async () => {
      await check(cp({ resources: { a: 1 } }), /"checkpoint\.latest\.resources" is not a list/);
      await check(cp({ resources: [{ urn: 5, type: 'x' }] }), /resource #1 has no "urn" or "type"/);
    });
    it('14 larger than the cap: not read, size said', () => check(good, /is 0 MB, over the 0 MB OpsDeck reads/, { maxBytes: 64 }));
    it('15 a .json.gz that is not gzip', () =>
      check(Buffer.from('not gzip at all'), /cannot be read: incorrect header check/, { name: 'dev.json.gz' }));
    it('16 a .json.gz that unpacks past the cap (a zip bomb)', () =>
      check(gzipSync(Buffer.alloc(4 * 1024 * 1024, 32)), /unpacks to more than the 1 MB OpsDeck reads/, {
        name: 'dev.json.gz',
        maxBytes: 1024 * 1024,
      }));
  });

  describe('engine events', () => {
    const garbage: Array<[unknown, RegExp]> = [
      [null, /not an object/],
      ['a string', /not an object/],
      [{ resourcePreEvent: { metadata: { op: 'create' } } }, /resourcePreEvent without a valid metadata/],
      [{ resOutputsEvent: { metadata: { op: 'create', urn: 1, type: 'x' } } }, /resOutputsEvent without a valid metadata/],
      [{ resourcePreEvent: { metadata: { op: 'update', urn: 'u', type: 't', detailedDiff: { a: 'x' } } } }, /resourcePreEvent/],
      [{ diagnosticEvent: { severity: 'error' } }, /diagnosticEvent without a message/],
      [{ summaryEvent: { resourceChanges: { create: 'two' } } }, /summaryEvent without resourceChanges counts/],
      [{ preludeEvent: { config: 'x' } }, /preludeEvent without a config/],
    ];
    it('17 garbage events are named and skipped; good ones around them still count', () => {
      const b = new ChangeModelBuilder('up', 'dev');
      const good = {
        resourcePreEvent: { metadata: { op: 'create', urn: 'urn:pulumi:dev::p::t:m:R::a', type: 't:m:R' } },
      };
      for (const [e, expected] of garbage) {
        const why = malformedEvent(e);
        assert.match(why ?? '(accepted)', expected, JSON.stringify(e));
      }
      assert.strictEqual(malformedEvent(good), undefined);
      // What the runner does: skip what malformedEvent names, apply the rest.
      for (const e of [...garbage.map(([x]) => x), good]) {
        if (malformedEvent(e)) continue;
        b.apply(e as never);
        formatEvent(e as never, false);
      }
      assert.deepStrictEqual(
        b.model.resources.map((r) => r.name),
        ['a'],
      );
    });
    it('18 a diagnostic of 1 MB with terminal escapes is logged colour-free, without throwing', () => {
      const msg = `\u001b[31m${'x'.repeat(1024 * 1024)}\u001b[0m\n<{%reset%}>done`;
      const lines = formatEvent({ diagnosticEvent: { message: msg, severity: 'error' } }, false);
      assert.strictEqual(lines.length, 2);
      // eslint-disable-next-line no-control-regex
      assert.doesNotMatch(lines.join('\n'), /\u001b\[|<\{%/);
    });
  });

  describe('locks and history', () => {
    it('19 a lock file that is not JSON is listed (so it can be cleared), without a holder', async () => {
      const d = path.join(root, '.pulumi', 'locks', 'organization', 'p', 'dev');
      fs.mkdirSync(d, { recursive: true });
      fs.writeFileSync(path.join(d, 'x.json'), '{"pid": 12, "username": ');
      fs.writeFileSync(
        path.join(d, 'y.json'),
        JSON.stringify({ pid: 'not a number', username: { evil: true }, hostname: 'h'.repeat(5000) }),
      );
      const locks = (await readFileBackendLocks(`file://${root}`, 'p', 'dev'))!;
      assert.deepStrictEqual(locks[0], { file: path.join(d, 'x.json') });
      assert.deepStrictEqual([locks[1]!.pid, locks[1]!.username, locks[1]!.hostname!.length], [undefined, undefined, 200]);
    });
    it('20 torn and foreign history records are skipped, the others read', async () => {
      const d = path.join(root, '.pulumi', 'history', 'p', 'dev');
      fs.mkdirSync(d, { recursive: true });
      fs.writeFileSync(path.join(d, 'dev-3.history.json'), '{"kind":"up');
      fs.writeFileSync(path.join(d, 'dev-2.history.json'), '[1,2,3]');
      fs.writeFileSync(path.join(d, 'dev-1.history.json'), JSON.stringify({ kind: 'update', startTime: 1, result: 'succeeded' }));
      const h = (await readFileBackendHistory(`file://${root}`, 'p', 'dev', 10))!;
      assert.deepStrictEqual(
        h.map((x) => x.kind),
        ['update'],
      );
    });
  });

  describe('hostile titles and template paths (documents)', () => {
    it('21 titles that try to climb out or carry control characters make one safe file name', async () => {
      for (const title of ['../../../etc/passwd', 'a/b\\c', 'x\u0000y\u001b[31m', '   ', '.'.repeat(300), 'CON', '\u202Eexe.md']) {
        const name = fileNameFrom('{{date}}-{{slug}}.md', { date: '2026-12-01', slug: slugify(title) });
        assert.match(name, /^[A-Za-z0-9._-]+\.md$/, `${JSON.stringify(title)} → ${name}`);
        assert.ok(!name.includes('..') && !name.includes('/'), name);
      }
      const docs = path.join(root, 'docs');
      const r = await writeExclusive(docs, fileNameFrom('{{slug}}.md', { slug: slugify('../../x') }), '# whole\n', root);
      assert.ok(r.ok && path.dirname(r.value) === docs);
      assert.strictEqual(fs.readFileSync(r.value, 'utf8'), '# whole\n');
    });
    it('22 a templates folder with `..` names the setting', async () => {
      const r = await resolveFolderInside(root, '../../shared', 'opsdeck.documents.templatesFolder');
      assert.ok(!r.ok);
      assert.match(`${r.error.message} ${r.error.remedy}`, /opsdeck\.documents\.templatesFolder/);
    });
    it('23 a template whose folder climbs out is refused, naming the template; nothing is written', async () => {
      const t = parseTemplate('---\nkind: x\ntitle: X\nfolder: ../../outside\n---\n# X\n', '/ws/.opsdeck/templates/x.md');
      assert.ok(t.ok);
      const r = await resolveFolderInside(root, t.value.folder, `"folder" of the template ${t.value.source}`);
      assert.ok(!r.ok);
      assert.match(r.error.message, /"\.\.\/\.\.\/outside" points outside the workspace/);
      assert.match(r.error.remedy ?? '', /template \/ws\/\.opsdeck\/templates\/x\.md/);
      assert.deepStrictEqual(fs.readdirSync(root), []);
    });
    it('24 a docs/ folder that is a symbolic link out of the workspace: refused, nothing written there', async () => {
      const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-bad-out-'));
      try {
        fs.symlinkSync(outside, path.join(root, 'docs'), 'dir');
        const r = await resolveFolderInside(root, 'docs/operations', 'opsdeck.documents.folders');
        assert.ok(!r.ok);
        assert.match(r.error.message, /opsdeck\.documents\.folders\) leads outside the workspace through a symbolic link/);
        assert.deepStrictEqual(fs.readdirSync(outside), []);
      } finally {
        fs.rmSync(outside, { recursive: true, force: true });
      }
    });
  });
});
