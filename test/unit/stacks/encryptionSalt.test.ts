// A damaged encryptionsalt is told apart from a wrong passphrase (issue 10, item 3), on what the
// real CLI printed (test/fixtures/pulumi/record-salt.js → events/encryption-salt.cli.json): Pulumi
// says "incorrect passphrase" both for a wrong passphrase and for a salt whose base64 still decodes,
// and other words when it cannot read the salt at all.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { checkEncryptionSalt, saltSyntaxProblem } from '../../../src/stacks/model/encryptionSalt';
import { explainFailure, mayBeSaltError } from '../../../src/stacks/model/failures';
import { FIXTURES } from './recorded';

interface Recorded {
  pulumi: string;
  cases: Record<string, { salt: string; status: number; stderr: string }>;
}
const rec = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'events', 'encryption-salt.cli.json'), 'utf8')) as Recorded;
const FILE = '/w/infra/Pulumi.dev.yaml';
const stackFile = (salt: string) => `config:\n  salt-rec:token:\n    secure: v1:abc\nencryptionsalt: ${salt}\n`;
const SALT_LINE = 4;

// case → what OpsDeck must say, and what in the message shows it found the cause.
const rows: Array<[string, 'passphrase' | 'encryption-salt', RegExp?]> = [
  ['wrong passphrase', 'passphrase'],
  ['missing passphrase', 'passphrase'],
  ['salt cut short', 'encryption-salt', /Pulumi\.dev\.yaml \(line 4\) is damaged: the salt "\w+" is not 8 bytes/],
  ['salt not base64', 'encryption-salt', /line 4\) is damaged: the salt/],
  ['separators lost', 'encryption-salt', /parts, not 5/],
  ['another version', 'encryption-salt', /"v1:"/],
  // Same length, still base64: syntax cannot tell it from a wrong passphrase, and OpsDeck does not guess.
  ['ciphertext damaged', 'passphrase'],
];

describe(`stacks: a damaged encryptionsalt is not a wrong passphrase (Pulumi ${rec.pulumi})`, () => {
  for (const [name, kind, message] of rows) {
    it(`${name}: the CLI says "${rec.cases[name]!.stderr.trim()}" → ${kind}`, () => {
      const c = rec.cases[name]!;
      assert.notStrictEqual(c.status, 0);
      assert.ok(mayBeSaltError(c.stderr), 'the session checks the stack file for this text');
      const saltProblem = checkEncryptionSalt(stackFile(c.salt), FILE);
      const f = explainFailure({ errorMessage: 'code: 255', stderr: c.stderr, stack: 'dev', saltProblem });
      assert.strictEqual(f.kind, kind, f.message);
      if (message) assert.match(f.message, message);
      if (kind === 'encryption-salt') {
        assert.deepStrictEqual(f.locations, [{ file: FILE, line: SALT_LINE }]);
        assert.match(f.remedy, /version control/);
        assert.match(f.remedy, /not the problem/);
      } else {
        assert.strictEqual(saltProblem, undefined);
        assert.match(f.remedy, /Set Pulumi Passphrase/);
      }
    });
  }

  it("without the stack file, only the salt's own errors are named as the salt", () => {
    const f = explainFailure({ errorMessage: 'code: 255', stderr: rec.cases['separators lost']!.stderr, stack: 'dev' });
    assert.strictEqual(f.kind, 'encryption-salt');
    assert.match(f.message, /Pulumi\.dev\.yaml cannot be read by Pulumi: malformed state value\./);
    assert.strictEqual(explainFailure({ errorMessage: 'x', stderr: rec.cases['salt cut short']!.stderr, stack: 'dev' }).kind, 'passphrase');
  });

  it('checks the syntax: salt 8 bytes, nonce 12, ciphertext 22, all base64', () => {
    assert.strictEqual(saltSyntaxProblem(rec.cases['wrong passphrase']!.salt), undefined);
    assert.match(saltSyntaxProblem('v1:AAAA:v1:4FIKUt9IrpqYOGwi:ufI1qIvdwVVhSqz3ZxHaXdzM5tvdJw==')!, /salt "AAAA"/);
    assert.match(saltSyntaxProblem('v1:ZNDl3iOQHrA=:v1:4FIKUt9Irpq:ufI1qIvdwVVhSqz3ZxHaXdzM5tvdJw==')!, /nonce/);
    assert.match(saltSyntaxProblem('v1:ZNDl3iOQHrA=:v1:4FIKUt9IrpqYOGwi:ufI1qIvdwVVhSqz3ZxHaXdzM5tvdJ==')!, /ciphertext/);
  });

  it('finds the line in a quoted value and ignores files without a salt', () => {
    const text = `# comment\nsecretsprovider: passphrase\nencryptionsalt: "v1:bad"\nconfig: {}\n`;
    assert.deepStrictEqual(checkEncryptionSalt(text, FILE)?.line, 3);
    assert.strictEqual(checkEncryptionSalt('config:\n  a: b\n', FILE), undefined);
    assert.strictEqual(checkEncryptionSalt('encryptionsalt: [unclosed', FILE), undefined);
  });
});
