// The parser (src/health/model/healthConfig.ts) decides what a health configuration means; the JSON
// schema (schemas/health.schema.json) is what the YAML extension checks while the file is typed. One
// set of good and bad files goes through both, and both must give the same verdict. The few rules a
// JSON schema cannot state (cross-field checks, what a duration string adds up to, whether a
// string compiles as a regular expression) live in parser-only/: the schema accepts those and the
// parser refuses them, and the test says so if either side changes.
import * as assert from 'assert';
import Ajv from 'ajv';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { parseHealthConfig } from '../../../src/health/model/healthConfig';

const repo = path.resolve(__dirname, '../../../..');
const fixtures = path.join(repo, 'test/fixtures/health/config');

function schemaVerdict(text: string, validate: (data: unknown) => boolean): boolean {
  let data: unknown;
  try {
    data = parse(text, { uniqueKeys: true });
  } catch {
    return false; // not YAML: the editor's YAML support reports it before the schema is consulted
  }
  return validate(data ?? null);
}

describe('health config: the parser and the JSON schema agree', () => {
  const schema = JSON.parse(fs.readFileSync(path.join(repo, 'schemas/health.schema.json'), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(schema);

  it('the demo configuration passes both', () => {
    const text = fs.readFileSync(path.join(repo, 'demo/.opsdeck/health.yaml'), 'utf8');
    assert.ok(parseHealthConfig(text).config);
    assert.ok(schemaVerdict(text, validate), ajv.errorsText(validate.errors));
  });

  for (const [folder, expectParser, expectSchema] of [
    ['good', true, true],
    ['bad', false, false],
    ['parser-only', false, true],
  ] as const) {
    const dir = path.join(fixtures, folder);
    for (const file of fs.readdirSync(dir).sort()) {
      it(`${folder}/${file}: parser ${expectParser ? 'accepts' : 'refuses'}, schema ${expectSchema ? 'accepts' : 'refuses'}`, () => {
        const text = fs.readFileSync(path.join(dir, file), 'utf8');
        const parsed = parseHealthConfig(text);
        const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
        assert.strictEqual(
          parsed.config !== undefined,
          expectParser,
          `parser: ${errors.map((d) => `line ${d.line + 1}: ${d.message}`).join('; ') || 'no error'}`,
        );
        if (!expectParser) {
          // A refusal names the line and says what is wrong.
          assert.ok(errors.length > 0 && errors.every((d) => d.message.length > 10 && d.line >= 0));
        }
        const ok = schemaVerdict(text, validate);
        assert.strictEqual(ok, expectSchema, `schema: ${ajv.errorsText(validate.errors)}`);
      });
    }
  }
});
