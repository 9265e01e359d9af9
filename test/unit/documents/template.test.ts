import * as assert from 'assert';
import { parseTemplate, render, tokenize } from '../../../src/documents/template';
import { readSnippet } from './helpers';

const good = `---
kind: postmortem
title: Postmortem
folder: docs/postmortems
variables:
  title:
    prompt: What broke?
    ask: true
  severity:
    prompt: Severity
    choices: [SEV1, SEV2, SEV3]
---
# Postmortem: {{title}} ({{date}})
**Severity**: {{severity}} (again: {{severity}})
**Owner**: {{operator}}
- [ ] Timeline written
- [x] Customers told, see [status page](https://status.example.com)
**Cost**: $[amount] per {{:hour}}
Literal \\[not a field\\] and {{pulumiStack|[no stack selected]}}
`;

describe('documents: template parsing and rendering', () => {
  it('reads front matter: kind, folder, variables with choices and ask', () => {
    const r = parseTemplate(good, 'pm.md');
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    if (!r.ok) return;
    assert.strictEqual(r.value.kind, 'postmortem');
    assert.strictEqual(r.value.folder, 'docs/postmortems');
    assert.strictEqual(r.value.fileName, '{{date}}-{{slug}}.md');
    assert.deepStrictEqual(
      r.value.variables.map((v) => [v.name, v.ask, v.choices]),
      [
        ['title', true, undefined],
        ['severity', false, ['SEV1', 'SEV2', 'SEV3']],
      ],
    );
  });

  it('fills known values, turns the rest into tab stops, keeps checkboxes and links literal', () => {
    const r = parseTemplate(good, 'pm.md');
    if (!r.ok) throw new Error(r.error.message);
    const out = render(r.value, { title: 'DNS outage', date: '2026-11-23', operator: 'Ada' });
    const read = readSnippet(out.snippet);
    assert.strictEqual(read.plain, out.preview);
    assert.ok(out.preview.startsWith('# Postmortem: DNS outage (2026-11-23)\n'));
    assert.ok(out.preview.includes('**Severity**: SEV1 (again: SEV1)'));
    assert.ok(out.preview.includes('- [ ] Timeline written\n- [x] Customers told, see [status page](https://status.example.com)'));
    assert.ok(out.preview.includes('Literal [not a field] and [no stack selected]'));
    // severity (choice, then its mirror), [amount], hour, the stack fallback
    assert.deepStrictEqual(
      read.stops.map((s) => [s.index, s.text, s.mirror]),
      [
        [1, 'SEV1', false],
        [1, 'SEV1', true],
        [2, '[amount]', false],
        [3, 'hour', false],
        [4, '[no stack selected]', false],
      ],
    );
    assert.deepStrictEqual(read.stops[0].choices, ['SEV1', 'SEV2', 'SEV3']);
    assert.strictEqual(out.tabStops, 4);
  });

  it('reports malformed templates with file and line', () => {
    const cases: [string, number, RegExp][] = [
      ['# no front matter\n', 1, /front matter/],
      ['---\nkind: [unclosed\n---\nbody\n', 2, /not valid YAML/],
      ['---\ntitle: X\n---\nbody\n', 2, /kind/],
      ['---\nkind: Bad Kind\n---\n', 2, /lower-case/],
      ['---\nkind: ok\nvariables:\n  risk:\n    choices: nope\n---\n', 5, /choices/],
      ['---\nkind: ok\n---\nline one\nline {{two\n', 5, /Unclosed/],
      ['---\nkind: ok\n---\nfine\n\nuses {{nobody}} here\n', 6, /Unknown variable \{\{nobody\}\}/],
      ['---\nkind: ok\n---\n[fine]\n[uses {{ghost}}]\n', 5, /ghost/],
    ];
    for (const [text, line, message] of cases) {
      const r = parseTemplate(text, '/ws/.opsdeck/templates/x.md');
      assert.ok(!r.ok, text);
      if (r.ok) continue;
      assert.strictEqual(r.error.file, '/ws/.opsdeck/templates/x.md');
      assert.strictEqual(r.error.line, line, `${JSON.stringify(text)}: ${r.error.message}`);
      assert.match(r.error.message, message);
    }
  });

  it("leaves the body's own front matter alone (GitHub issue templates)", () => {
    const t = tokenize("---\ntitle: '[INFRA] '\nlabels: ['a', 'b']\n---\n**Effort:** [hours]\n");
    assert.ok(t.ok);
    if (!t.ok) return;
    const fields = t.value.filter((x) => x.t === 'field');
    assert.deepStrictEqual(
      fields.map((f) => (f.t === 'field' ? f.text : '')),
      ['[hours]'],
    );
  });

  it('puts known values into field defaults that mention them', () => {
    const r = parseTemplate('---\nkind: k\n---\n[How this helps {{project}}]\n', 'k.md');
    if (!r.ok) throw new Error(r.error.message);
    const out = render(r.value, { project: 'Lift' });
    assert.deepStrictEqual(
      readSnippet(out.snippet).stops.map((s) => s.text),
      ['[How this helps Lift]'],
    );
  });
});
