import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { ENDPOINT_KEYS, SETTINGS_KEYS, TOP_KEYS, parseHealthConfig } from '../../../src/health/model/healthConfig';

const repo = path.resolve(__dirname, '../../../..');

describe('health JSON schema and shipped examples', () => {
  const schema = JSON.parse(fs.readFileSync(path.join(repo, 'schemas/health.schema.json'), 'utf8'));

  it('offers exactly the keys the parser understands (completion matches validation)', () => {
    assert.deepStrictEqual(Object.keys(schema.properties).sort(), [...TOP_KEYS].sort());
    assert.deepStrictEqual(Object.keys(schema.definitions.settings.properties).sort(), [...SETTINGS_KEYS].sort());
    assert.deepStrictEqual(Object.keys(schema.definitions.endpoint.properties).sort(), [...ENDPOINT_KEYS].sort());
  });

  it('is contributed for .opsdeck/health.yaml', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
    const entry = pkg.contributes.yamlValidation.find((v: { url: string }) => v.url === './schemas/health.schema.json');
    assert.ok(entry && entry.fileMatch.includes('.opsdeck/health.yaml'));
  });

  it('accepts the demo configuration and the README example without a diagnostic', () => {
    const demo = parseHealthConfig(fs.readFileSync(path.join(repo, 'demo/.opsdeck/health.yaml'), 'utf8'));
    assert.deepStrictEqual(demo.diagnostics, []);
    assert.strictEqual(demo.config!.endpoints.length, 3);
    const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('<!-- section:health -->'), readme.indexOf('<!-- /section:health -->'));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)![1];
    const r = parseHealthConfig(example);
    assert.deepStrictEqual(r.diagnostics, []);
    assert.deepStrictEqual(
      r.config!.endpoints.map((e) => e.name),
      ['api', 'db'],
    );
  });
});
