// A damaged encryptionsalt is told apart from a wrong passphrase (issue 10, item 3). Pulumi's
// passphrase provider prints "incorrect passphrase" for both a wrong passphrase and a salt whose
// base64 still decodes, and other words ("illegal base64 data", "malformed state value", "unknown
// state version") when it cannot read the salt at all; the texts below are the CLI's own.
import * as assert from 'assert';
import { checkEncryptionSalt, saltSyntaxProblem } from '../../../src/stacks/model/encryptionSalt';
import { explainFailure } from '../../../src/stacks/model/failures';

const GOOD = 'v1:ZNDl3iOQHrA=:v1:4FIKUt9IrpqYOGwi:ufI1qIvdwVVhSqz3ZxHaXdzM5tvdJw==';
const FILE = '/w/infra/Pulumi.dev.yaml';
const stackFile = (salt: string) => `config:\n  opsdeck-demo:replicas: "3"\nencryptionsalt: ${salt}\n`;

// What `pulumi preview` prints on stderr in each case (Pulumi 3.x passphrase secrets manager).
const CLI = {
  wrong: 'error: getting secrets manager: passphrase secrets manager: incorrect passphrase',
  missing:
    'error: getting secrets manager: passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE environment variables',
  badBase64: 'error: getting secrets manager: passphrase secrets manager: illegal base64 data at input byte 4',
  malformed: 'error: getting secrets manager: passphrase secrets manager: malformed state value',
  version: 'error: getting secrets manager: passphrase secrets manager: unknown state version',
};

interface Row {
  name: string;
  salt: string | undefined;
  stderr: string;
  kind: 'passphrase' | 'encryption-salt';
  message?: RegExp;
}

const rows: Row[] = [
  { name: 'a wrong passphrase with a sound salt', salt: GOOD, stderr: CLI.wrong, kind: 'passphrase' },
  { name: 'a missing passphrase', salt: GOOD, stderr: CLI.missing, kind: 'passphrase' },
  { name: 'no stack file read', salt: undefined, stderr: CLI.wrong, kind: 'passphrase' },
  {
    name: 'a salt cut short (still base64: the CLI says "incorrect passphrase")',
    salt: 'v1:ZNDl3iOQ:v1:4FIKUt9IrpqYOGwi:ufI1qIvdwVVhSqz3ZxHaXdzM5tvdJw==',
    stderr: CLI.wrong,
    kind: 'encryption-salt',
    message: /Pulumi\.dev\.yaml \(line 3\) is damaged: the salt "ZNDl3iOQ" is not 8 bytes/,
  },
  {
    name: 'a salt with a character that is not base64',
    salt: 'v1:ZN*l3iOQHrA=:v1:4FIKUt9IrpqYOGwi:ufI1qIvdwVVhSqz3ZxHaXdzM5tvdJw==',
    stderr: CLI.badBase64,
    kind: 'encryption-salt',
    message: /line 3/,
  },
  {
    name: 'a ciphertext with a character dropped',
    salt: 'v1:ZNDl3iOQHrA=:v1:4FIKUt9IrpqYOGwi:ufI1qIvdwVVhSqz3ZxHaXdzM5tvdJ==',
    stderr: CLI.wrong,
    kind: 'encryption-salt',
    message: /ciphertext/,
  },
  { name: 'the ":" separators lost', salt: 'v1ZNDl3iOQHrA=', stderr: CLI.malformed, kind: 'encryption-salt', message: /parts/ },
  {
    name: 'a version that is not v1',
    salt: 'v2:ZNDl3iOQHrA=:v1:4FIKUt9IrpqYOGwi:ufI1qIvdwVVhSqz3ZxHaXdzM5tvdJw==',
    stderr: CLI.version,
    kind: 'encryption-salt',
  },
];

describe('stacks: a damaged encryptionsalt is not a wrong passphrase', () => {
  for (const r of rows) {
    it(`${r.name} → ${r.kind}`, () => {
      const saltProblem = r.salt === undefined ? undefined : checkEncryptionSalt(stackFile(r.salt), FILE);
      const f = explainFailure({ errorMessage: 'code: 255', stderr: r.stderr, stack: 'dev', saltProblem });
      assert.strictEqual(f.kind, r.kind, f.message);
      if (r.message) assert.match(f.message, r.message);
      if (r.kind === 'encryption-salt') {
        assert.deepStrictEqual(f.locations, [{ file: FILE, line: 3 }]);
        assert.match(f.remedy, /version control/);
        assert.match(f.remedy, /not the problem/);
      } else assert.match(f.remedy, /Set Pulumi Passphrase/);
    });
  }

  it('an undecodable salt is named as the salt even when the stack file was not read', () => {
    const f = explainFailure({ errorMessage: 'code: 255', stderr: CLI.badBase64, stack: 'dev' });
    assert.strictEqual(f.kind, 'encryption-salt');
    assert.match(f.message, /Pulumi\.dev\.yaml/);
  });

  it('checks the syntax: salt 8 bytes, nonce 12, ciphertext 22, all base64', () => {
    assert.strictEqual(saltSyntaxProblem(GOOD), undefined);
    assert.match(saltSyntaxProblem('v1:AAAA:v1:4FIKUt9IrpqYOGwi:ufI1qIvdwVVhSqz3ZxHaXdzM5tvdJw==')!, /salt "AAAA"/);
    assert.match(saltSyntaxProblem('v1:ZNDl3iOQHrA=:v1:4FIKUt9Irpq:ufI1qIvdwVVhSqz3ZxHaXdzM5tvdJw==')!, /nonce/);
  });

  it('finds the line in a quoted value and ignores files without a salt', () => {
    const text = `# comment\nsecretsprovider: passphrase\nencryptionsalt: "v1:bad"\nconfig: {}\n`;
    assert.deepStrictEqual(checkEncryptionSalt(text, FILE)?.line, 3);
    assert.strictEqual(checkEncryptionSalt('config:\n  a: b\n', FILE), undefined);
    assert.strictEqual(checkEncryptionSalt(stackFile(GOOD), FILE), undefined);
    assert.strictEqual(checkEncryptionSalt('encryptionsalt: [unclosed', FILE), undefined);
  });
});
