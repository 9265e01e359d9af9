// Header values from secret storage and the environment go only where the user meant them to go:
// a secret to the origin it was set for, over https; an environment variable to an origin only after
// the user said yes (asked once per origin, remembered per workspace). No value ever in a message.
import * as assert from 'assert';
import { parseHealthConfig } from '../../../src/health/model/healthConfig';
import { HeaderResolver, HeaderSources, encodeStoredSecret } from '../../../src/health/runner/headerResolver';

const config = (yaml: string) => parseHealthConfig(yaml).config!;

function sources(over: Partial<HeaderSources> = {}) {
  const secrets = new Map<string, string>();
  const consent = new Map<string, unknown>();
  const asked: Array<{ origin: string; variables: string[] }> = [];
  let answer = true;
  const s: HeaderSources = {
    isTrusted: () => true,
    getSecret: async (k) => secrets.get(k),
    env: (n) => ({ DEPLOY_ENV: 'staging', API_KEY: 'k-123', AWS_SECRET_ACCESS_KEY: 'aws-secret' })[n],
    readConsent: () => consent.get('c') as never,
    writeConsent: async (v) => void consent.set('c', v),
    askToSendEnvironment: async (origin, variables) => {
      asked.push({ origin, variables });
      await new Promise((r) => setTimeout(r, 20)); // the user takes a moment
      return answer;
    },
    ...over,
  };
  return { s, secrets, asked, setAnswer: (a: boolean) => (answer = a) };
}

const reject = (p: Promise<unknown>) =>
  p.then(
    () => assert.fail('headers were resolved'),
    (e: Error) => e.message,
  );

describe('health: header secrets and environment values', () => {
  it('sends a secret only to the origin it was set for', async () => {
    const { s, secrets } = sources();
    secrets.set('api-token', encodeStoredSecret('https://api.example.com', 'Bearer s3cret'));
    const cfg = config(`endpoints:
  - { name: a, url: "https://api.example.com/health", headers: { Authorization: { secret: api-token } } }
  - { name: b, url: "https://evil.example.net/collect", headers: { Authorization: { secret: api-token } } }
  - { name: c, url: "https://api.example.com:8443/health", headers: { Authorization: { secret: api-token } } }
`);
    const r = new HeaderResolver(s);
    r.setConfig(cfg);
    assert.deepStrictEqual(await r.resolve(cfg.endpoints[0]), { Authorization: 'Bearer s3cret' });
    const toEvil = await reject(r.resolve(cfg.endpoints[1]));
    assert.match(toEvil, /secret "api-token" was set for https:\/\/api\.example\.com.*not sent to https:\/\/evil\.example\.net/);
    assert.match(
      await reject(r.resolve(cfg.endpoints[2])),
      /not sent to https:\/\/api\.example\.com:8443/,
      'another port is another origin',
    );
    assert.ok(!toEvil.includes('s3cret'));
  });

  it('refuses a secret stored before origins were recorded, and says how to fix it', async () => {
    const { s, secrets } = sources();
    secrets.set('api-token', 'Bearer old-style');
    const cfg = config(`endpoints:\n  - { name: a, url: "https://api.example.com/", headers: { Authorization: { secret: api-token } } }\n`);
    const r = new HeaderResolver(s);
    r.setConfig(cfg);
    const m = await reject(r.resolve(cfg.endpoints[0]));
    assert.match(m, /Set Health Check Secret/);
    assert.ok(!m.includes('old-style'));
  });

  it('sends secret and environment headers over https only', async () => {
    const { s, secrets } = sources();
    secrets.set('api-token', encodeStoredSecret('http://api.example.com', 'Bearer s3cret'));
    const cfg = config(`endpoints:
  - { name: a, url: "http://api.example.com/", headers: { Authorization: { secret: api-token } } }
  - { name: b, url: "http://api.example.com/", headers: { X-Env: { env: DEPLOY_ENV } } }
  - { name: c, url: "http://api.example.com/", headers: { X-Plain: hello } }
`);
    const r = new HeaderResolver(s);
    r.setConfig(cfg);
    assert.match(await reject(r.resolve(cfg.endpoints[0])), /Authorization is not sent: .*secret.*only over https/);
    assert.match(await reject(r.resolve(cfg.endpoints[1])), /X-Env is not sent: .*environment.*only over https/);
    assert.deepStrictEqual(await r.resolve(cfg.endpoints[2]), { 'X-Plain': 'hello' }, 'literal headers are the file author’s business');
  });

  it('asks once per origin before sending environment values, and remembers the answer for the workspace', async () => {
    const { s, asked, setAnswer } = sources();
    const cfg = config(`endpoints:
  - { name: a, url: "https://api.example.com/a", headers: { X-Env: { env: DEPLOY_ENV } } }
  - { name: b, url: "https://api.example.com/b", headers: { X-Key: { env: API_KEY } } }
  - { name: c, url: "https://other.example.com/", headers: { X-Env: { env: DEPLOY_ENV } } }
`);
    const r = new HeaderResolver(s);
    r.setConfig(cfg);
    const [a, b] = await Promise.all([r.resolve(cfg.endpoints[0]), r.resolve(cfg.endpoints[1])]);
    assert.deepStrictEqual([a, b], [{ 'X-Env': 'staging' }, { 'X-Key': 'k-123' }]);
    assert.deepStrictEqual(
      asked,
      [{ origin: 'https://api.example.com', variables: ['API_KEY', 'DEPLOY_ENV'] }],
      'one question for the origin',
    );
    setAnswer(false);
    assert.match(await reject(r.resolve(cfg.endpoints[2])), /you chose not to send DEPLOY_ENV to https:\/\/other\.example\.com/);
    assert.strictEqual(asked.length, 2);
    // A reload (new resolver, same workspace state): no new question either way.
    const again = new HeaderResolver(s);
    again.setConfig(cfg);
    assert.deepStrictEqual(await again.resolve(cfg.endpoints[0]), { 'X-Env': 'staging' });
    await reject(again.resolve(cfg.endpoints[2]));
    assert.strictEqual(asked.length, 2, 'answers are remembered');
  });

  it('asks again when the file adds a variable for an origin the user already answered for', async () => {
    const { s, asked } = sources();
    const before = config(`endpoints:\n  - { name: a, url: "https://api.example.com/", headers: { X-Env: { env: DEPLOY_ENV } } }\n`);
    const r = new HeaderResolver(s);
    r.setConfig(before);
    await r.resolve(before.endpoints[0]);
    const after = config(
      `endpoints:\n  - { name: a, url: "https://api.example.com/", headers: { X-Env: { env: DEPLOY_ENV }, X-Aws: { env: AWS_SECRET_ACCESS_KEY } } }\n`,
    );
    r.setConfig(after);
    await r.resolve(after.endpoints[0]);
    assert.deepStrictEqual(
      asked.map((q) => q.variables),
      [['DEPLOY_ENV'], ['AWS_SECRET_ACCESS_KEY']],
      'the new variable is asked about; the known one is not',
    );
  });
});
