// Checks the `encryptionsalt` of a Pulumi.<stack>.yaml. With the passphrase secrets provider that
// value is `v1:<salt>:v1:<nonce>:<ciphertext>`: an 8-byte salt, a 12-byte AES-GCM nonce and the
// word "pulumi" encrypted (6 bytes + a 16-byte tag), each base64. The CLI answers a damaged value
// whose base64 still decodes with the same "incorrect passphrase" as a wrong passphrase, so the
// syntax is checked here to tell the two apart, with the file and line. Pure, over the file's text.
import { LineCounter, isMap, isScalar, parseDocument } from 'yaml';

export interface SaltProblem {
  file: string;
  line: number;
  /** What is wrong with the value, in words. */
  what: string;
}

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Base64 text that decodes to exactly `bytes` bytes (standard alphabet, padded). */
function isBase64Of(s: string, bytes: number): boolean {
  return B64.test(s) && s.length === Math.ceil(bytes / 3) * 4 && s.length % 4 === 0 && decodedLength(s) === bytes;
}

function decodedLength(s: string): number {
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  return (s.length / 4) * 3 - pad;
}

/** What is wrong with an `encryptionsalt` value, or undefined when its syntax is sound. */
export function saltSyntaxProblem(value: string): string | undefined {
  const parts = value.split(':');
  if (parts.length !== 5) return `it has ${parts.length} ":"-separated parts, not 5 (v1:<salt>:v1:<nonce>:<ciphertext>)`;
  const [v, salt, v2, nonce, ct] = parts as [string, string, string, string, string];
  if (v !== 'v1' || v2 !== 'v1') return 'it does not start with "v1:" and carry "v1:" before the nonce';
  if (!isBase64Of(salt, 8)) return `the salt "${salt}" is not 8 bytes of base64 (12 characters ending in "=")`;
  if (!isBase64Of(nonce, 12)) return 'the nonce (after the second "v1:") is not 12 bytes of base64 (16 characters)';
  if (!isBase64Of(ct, 22)) return 'the ciphertext (the last part) is not 22 bytes of base64 (32 characters ending in "==")';
  return undefined;
}

/**
 * The problem with a stack file's `encryptionsalt`, if it has one and its syntax is broken. A file
 * without the key (another secrets provider, or a stack not created yet) has no salt problem.
 */
export function checkEncryptionSalt(text: string, file: string): SaltProblem | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length || !isMap(doc.contents)) return undefined; // the CLI reports broken YAML itself
  for (const pair of doc.contents.items) {
    if (!isScalar(pair.key) || pair.key.value !== 'encryptionsalt') continue;
    const line = pair.key.range ? lines.linePos(pair.key.range[0]).line : 1;
    const v = pair.value;
    if (!isScalar(v) || typeof v.value !== 'string') return { file, line, what: 'it is not a text value' };
    const what = saltSyntaxProblem(v.value.trim());
    return what ? { file, line, what } : undefined;
  }
  return undefined;
}
