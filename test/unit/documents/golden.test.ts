// Every built-in kind rendered with fixed inputs, compared with golden files that were checked by
// eye against the seeds, and checked mechanically against the seed itself: same headings in the
// same order, same number of checkboxes and code blocks, every emoji kept.
// Regenerate after an intended change: UPDATE_GOLDEN=1 npm run test:unit, then review the diff.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { planDocument, frontMatterProblem } from '../../../src/documents/values';
import { parseDocument } from 'yaml';
import { KINDS, builtin, seedText, goldenDir, FIXED_FACTS, FIXED_ANSWERS, readSnippet } from './helpers';

function seedHeadings(text: string): string[] {
  let fenced = false;
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    else if (!fenced && /^#{1,6} /.test(line)) out.push(line.trimEnd());
  }
  return out;
}

/** A seed heading as a pattern: its `[...]` fields match whatever was filled in. */
function headingPattern(heading: string): RegExp {
  const parts = heading.split(/(\[[^\]]+\])/);
  const src = parts.map((p, i) => (i % 2 === 1 ? '.+?' : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${src}$`);
}

const count = (text: string, re: RegExp) => (text.match(re) ?? []).length;
const emoji = (text: string) => new Set(text.match(/\p{Extended_Pictographic}/gu) ?? []);

/** The implementation summary seed opens with "copy this template" instructions; the command does the copying. */
function seedBody(kind: string, text: string): string {
  return kind === 'implementation' ? text.slice(text.indexOf('\n---\n') + 5) : text;
}

describe('documents: built-in kinds against goldens and seeds', () => {
  for (const kind of KINDS) {
    describe(kind, () => {
      const plan = () => planDocument(builtin(kind), FIXED_FACTS, FIXED_ANSWERS[kind]);

      it('matches the golden snippet and preview', () => {
        const { rendered } = plan();
        const files: [string, string][] = [
          [`${kind}.golden.md`, rendered.snippet],
          [`${kind}.preview.md`, rendered.preview],
        ];
        for (const [name, actual] of files) {
          const file = path.join(goldenDir, name);
          if (process.env.UPDATE_GOLDEN) fs.writeFileSync(file, actual);
          assert.ok(fs.existsSync(file), `${file} is missing; run with UPDATE_GOLDEN=1 and review it`);
          assert.strictEqual(actual, fs.readFileSync(file, 'utf8'), `${name} differs from the golden file`);
        }
      });

      it('is valid snippet text whose defaults read as the preview', () => {
        const { rendered } = plan();
        const read = readSnippet(rendered.snippet);
        assert.strictEqual(read.plain, rendered.preview);
        assert.ok(read.stops.length > 0, 'a document without tab stops');
        const firsts = read.stops.filter((s) => !s.mirror).map((s) => s.index);
        assert.deepStrictEqual(
          firsts,
          firsts.map((_, i) => i + 1),
          'tab stops are numbered in document order',
        );
      });

      it('keeps every heading of the seed, in order', () => {
        const seed = seedHeadings(seedBody(kind, seedText(kind)));
        const rendered = seedHeadings(plan().rendered.preview);
        let at = 0;
        for (const h of seed) {
          const re = headingPattern(h);
          while (at < rendered.length && !re.test(rendered[at])) at++;
          assert.ok(at < rendered.length, `heading "${h}" of the seed is missing or out of order`);
          at++;
        }
        assert.strictEqual(rendered.length, seed.length, 'the rendered document has headings the seed does not');
      });

      it('keeps every checkbox, code block and emoji of the seed', () => {
        const seed = seedBody(kind, seedText(kind));
        const { preview, snippet } = plan().rendered;
        assert.strictEqual(count(preview, /^\s*- \[ \]/gm), count(seed, /^\s*- \[ \]/gm), 'checkboxes');
        assert.strictEqual(count(preview, /^\s*```/gm), count(seed, /^\s*```/gm), 'code fences');
        // The status emoji of the operation record live in a snippet choice, so look at the snippet.
        for (const e of emoji(seed)) assert.ok(snippet.includes(e), `emoji ${e} lost`);
      });

      it('fills what OpsDeck knows and leaves no source placeholder for those facts', () => {
        const { rendered, fileName, values } = plan();
        const p = rendered.preview;
        assert.ok(!/YYYY-MM-DD(?! HH)/.test(p), 'an unfilled YYYY-MM-DD date');
        assert.ok(!p.includes('[Date Time]') && !p.includes('[Timestamp]') && !p.includes('[Agent/Person Name]'));
        if (kind !== 'issue-template') assert.ok(p.includes('2026-11-23'), 'the date');
        assert.match(fileName, kind === 'issue-template' ? /^infrastructure-devops\.md$/ : /^2026-11-23-[a-z0-9-]+\.md$/);
        assert.ok(values.slug);
      });
    });
  }

  it('session: title in the source format, operator-free but timed', () => {
    const p = planDocument(builtin('session'), FIXED_FACTS, FIXED_ANSWERS.session).rendered.preview;
    assert.ok(p.startsWith('# Development Session - 2026-11-23 09:41 - infrastructure - api-gateway-blue-green-deploys\n'));
    assert.ok(p.includes('- **Start Time**: 2026-11-23 09:41:07 UTC'));
    assert.ok(p.includes('### 09:41 - Setup Phase'));
    assert.ok(p.includes('- **Monthly Cost**: $[amount]'));
  });

  it('operation: ID, date, time, zone and operator filled; risk and impact are choices', () => {
    const { rendered } = planDocument(builtin('operation'), FIXED_FACTS, FIXED_ANSWERS.operation);
    const p = rendered.preview;
    assert.ok(p.includes('**Operation ID**: `2026-11-23-infrastructure-migrate-api-to-blue-green-deployment`'));
    assert.ok(p.includes('**Date**: 2026-11-23\n**Time**: 09:41:07 UTC\n**Operator**: Ada Lovelace\n'));
    assert.ok(p.includes('**Generated by**: Ada Lovelace'));
    const choices = readSnippet(rendered.snippet)
      .stops.filter((s) => s.choices)
      .map((s) => s.choices);
    assert.deepStrictEqual(choices, [
      ['Low', 'Medium', 'High', 'Critical'],
      ['None', 'Minimal', 'Moderate', 'High'],
      ['🔄 IN PROGRESS', '✅ COMPLETED SUCCESSFULLY', '❌ FAILED', '🔁 ROLLED BACK'],
    ]);
  });

  it('operation: a selected Pulumi stack is filled in, otherwise it is a tab stop', () => {
    const withStack = planDocument(
      builtin('operation'),
      { ...FIXED_FACTS, stack: { project: 'web', stack: 'prod' } },
      FIXED_ANSWERS.operation,
    );
    assert.ok(withStack.rendered.preview.includes('**Pulumi Stack**: web/prod\n'));
    const without = planDocument(builtin('operation'), FIXED_FACTS, FIXED_ANSWERS.operation);
    assert.ok(readSnippet(without.rendered.snippet).stops.some((s) => s.text === '[project/stack]'));
    const session = planDocument(builtin('session'), { ...FIXED_FACTS, stack: { project: 'web', stack: 'prod' } }, FIXED_ANSWERS.session);
    assert.ok(session.rendered.preview.includes('- **Tool**: Pulumi (project `web`, stack `prod`)'));
  });

  it("sprint: days follow the week number; the project name replaces the seed's", () => {
    const p = planDocument(builtin('sprint'), FIXED_FACTS, { sprint: '7', week: '3', title: 'Cost' }).rendered.preview;
    assert.ok(
      p.startsWith('# Sprint 7 Week 3 Kickoff - Cost\n*Date: 2026-11-23-09_41_07*\n*Duration: Week 3 (Days 11-15) · ISO week 2026-W48*\n'),
    );
    assert.ok(p.includes('### Day 11-12: ') && p.includes('### Day 13-14: ') && p.includes('### Day 15: '));
    assert.ok(p.includes('transformation of payments-platform into'));
  });

  it("issue template: front matter stays valid YAML with GitHub's keys", () => {
    const { rendered } = planDocument(builtin('issue-template'), FIXED_FACTS, FIXED_ANSWERS['issue-template']);
    const fm = /^---\n([\s\S]*?)\n---\n/.exec(rendered.preview);
    assert.ok(fm, 'front matter at the very top');
    const data = parseDocument(fm![1]).toJS();
    assert.deepStrictEqual(data, {
      name: '🔧 Infrastructure/DevOps',
      about: 'Infrastructure, deployment, monitoring, or DevOps related tasks',
      title: '[INFRA] ',
      labels: ['infrastructure', 'devops', 'task'],
      assignees: '',
    });
    assert.strictEqual(frontMatterProblem(rendered.preview), undefined);
    const hostile = planDocument(builtin('issue-template'), FIXED_FACTS, { title: 'oops: "broken' });
    assert.match(frontMatterProblem(hostile.rendered.preview) ?? '', /not be valid YAML/);
  });
});
