import * as assert from 'assert';
import { buildStateIndex, parseSourcePosition, resourceStateJson, sourceFile, StateDeployment } from '../../../src/stacks/model/stateTree';
import { SECRET_SIG, SECRET_SIG_VALUE } from '../../../src/stacks/model/values';
import { fixtureJson } from './recorded';

describe('stacks: resources tree from exported state', () => {
  const state = fixtureJson<StateDeployment>('files-state');

  it('nests resources by parent under the stack: site contains a, c is top level, provider last', () => {
    const idx = buildStateIndex(state);
    assert.deepStrictEqual(
      idx.roots.map((r) => r.name),
      ['c', 'site', 'default'],
    );
    const site = idx.roots.find((r) => r.name === 'site')!;
    assert.strictEqual(site.kind, 'component');
    assert.strictEqual(site.childCount, 1);
    assert.deepStrictEqual(
      idx.children.get(site.urn)!.map((r) => r.name),
      ['a'],
    );
    assert.strictEqual(idx.roots.find((r) => r.name === 'default')!.icon, 'plug');
  });

  it('tooltips carry type, id and key outputs; the stack outputs are read from the stack resource', () => {
    const idx = buildStateIndex(state);
    const c = idx.roots.find((r) => r.name === 'c')!;
    assert.strictEqual(c.providerPackage, 'pulumi-nodejs');
    assert.match(c.tooltip, /type: pulumi-nodejs:dynamic:Resource/);
    assert.match(c.tooltip, /id: \/FIXTURE\/data\/files\/c2\.txt/);
    assert.match(c.tooltip, /content: "sea\\n"/);
    assert.doesNotMatch(c.tooltip, /__provider/);
    assert.deepStrictEqual(Object.keys(idx.stackOutputs).sort(), ['aContent', 'aPath', 'cPath']);
  });

  it('reads source positions relative to the project, dropping SDK frames', () => {
    const idx = buildStateIndex(state);
    const site = idx.roots.find((r) => r.name === 'site')!;
    assert.deepStrictEqual(site.source, { file: 'project:///index.ts', line: 26, column: 14 });
    assert.strictEqual(sourceFile(site.source!, '/w/proj'), '/w/proj/index.ts');
    assert.strictEqual(parseSourcePosition('project:///../../node_modules/@pulumi/pulumi/runtime/stack.js#42,19'), undefined);
    assert.strictEqual(sourceFile({ file: 'file:///abs/x.ts', line: 1 }, '/w'), '/abs/x.ts');
  });

  it('masks secrets in the full-state JSON', () => {
    const json = resourceStateJson({ urn: 'u', type: 't', outputs: { token: { [SECRET_SIG]: SECRET_SIG_VALUE, ciphertext: 'AAAA' } } });
    assert.match(json, /"token": "\[secret\]"/);
    assert.doesNotMatch(json, /AAAA/);
  });

  it('an empty or missing state gives an empty tree', () => {
    assert.strictEqual(buildStateIndex(undefined).roots.length, 0);
    assert.strictEqual(buildStateIndex({}).count, 0);
  });

  it('reports pending operations left by a killed update', () => {
    const idx = buildStateIndex({
      resources: [],
      pending_operations: [{ type: 'creating', resource: { urn: 'urn:pulumi:dev::p::t::x', type: 't' } }],
    });
    assert.deepStrictEqual(idx.pendingOperations, [{ urn: 'urn:pulumi:dev::p::t::x', type: 'creating' }]);
  });
});
