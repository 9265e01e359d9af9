// YAML projects: resources get their declaration line in Pulumi.yaml (Pulumi's YAML host records no
// source position), and the inline route setting is explained rather than failing for them.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { buildStateIndex } from '../../../src/stacks/model/stateTree';
import { withYamlSources, yamlResourcePositions } from '../../../src/stacks/model/yamlSource';
import { chooseRoute } from '../../../src/stacks/runner/session';

const FIXTURE = path.join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'pulumi', 'yaml-stackref', 'Pulumi.yaml');

describe('stacks: YAML programs', () => {
  it('finds the line of each resource declared under resources: in the fixture', () => {
    const text = fs.readFileSync(FIXTURE, 'utf8');
    const line = text.split('\n').findIndex((l) => l.startsWith('  upstreamStack:')) + 1;
    assert.deepStrictEqual([...yamlResourcePositions(text)], [['upstreamStack', { line, column: 3 }]]);
    assert.strictEqual(yamlResourcePositions('outputs:\n  a: 1\n').size, 0);
    assert.strictEqual(yamlResourcePositions(': : not yaml [').size, 0);
  });

  it("puts the line in Pulumi.yaml in place of the YAML host's own Go source position", () => {
    const urn = 'urn:pulumi:dev::opsdeck-yaml-stackref::pulumi:pulumi:StackReference::upstreamStack';
    const idx = buildStateIndex({
      resources: [
        { urn: 'urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev', type: 'pulumi:pulumi:Stack' },
        {
          urn,
          type: 'pulumi:pulumi:StackReference',
          parent: 'urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev',
          sourcePosition: 'project:///github.com/pulumi/pulumi-yaml@v1.25.0/pkg/pulumiyaml/run.go#1212,4',
        },
      ],
    });
    const y = withYamlSources(idx, fs.readFileSync(FIXTURE, 'utf8'), 'Pulumi.yaml');
    const src = y.sources.get(urn);
    assert.strictEqual(src?.file, 'project:///Pulumi.yaml');
    assert.strictEqual(y.roots.find((n) => n.urn === urn)?.source?.line, src?.line);
  });

  it('runs a YAML project on disk when the inline route is set, saying why; fails clearly without its host', () => {
    const r = chooseRoute('inline', 'yaml', '/tools/pulumi-language-yaml');
    assert.ok(r.ok && r.value.route === 'on-disk');
    assert.match(r.value.reason, /"inline" applies to Node\.js programs only, and this is a yaml project/);
    const none = chooseRoute('auto', 'yaml', undefined);
    assert.ok(!none.ok && /pulumi-language-yaml/.test(none.error.message));
  });
});
