// Pulumi YAML through Pulumi's own YAML language host, on a file backend, through the CLI:
// test/fixtures/pulumi/yaml-basic: stack init, a secret config value, preview, up, outputs (secrets
// masked and shown), preview --expect-no-changes, a config change, refresh, a program error with its
// line, destroy, history; test/fixtures/pulumi/yaml-stackref reads its outputs through a StackReference.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, startCheck } from './lib.mjs';

export async function verifyYaml() {
  const { pulumiTools: tools, step, pulumi, copyFixture, finish } = startCheck('yaml');
  const proj = copyFixture('yaml-basic');
  const consumer = copyFixture('yaml-stackref');

  await step("Pulumi's YAML host is beside the CLI", () => {
    expect(tools.yaml?.languageHost, 'tools.json lists no pulumi.yaml.languageHost: run node scripts/setup-tools.mjs pulumi');
    return `${tools.yaml.languageHost} (v${tools.yaml.version})`;
  });
  await step('CLI: stack init dev', () => void pulumi(['stack', 'init', 'dev'], { cwd: proj }));
  await step('CLI: config set --secret apiKey', () => void pulumi(['config', 'set', '--secret', 'apiKey', 'k-SECRET-1'], { cwd: proj }));
  await step('CLI: preview', () => {
    const out = pulumi(['preview'], { cwd: proj });
    expect(/\+ 1 to create/.test(out), `unexpected preview:\n${out}`);
    expect(!out.includes('k-SECRET-1'), `the secret shows in the preview:\n${out}`);
    return '+ 1 to create';
  });
  await step('CLI: up --yes', () => {
    const out = pulumi(['up', '--yes'], { cwd: proj });
    expect(/\+ 1 created/.test(out), `unexpected up:\n${out}`);
    return '+ 1 created';
  });
  await step('CLI: stack output (secrets masked, then shown)', () => {
    const masked = JSON.parse(pulumi(['stack', 'output', '--json'], { cwd: proj }));
    const shown = JSON.parse(pulumi(['stack', 'output', '--json', '--show-secrets'], { cwd: proj }));
    const want = { message: 'hello, world', replicas: 2, stack: 'dev' };
    for (const [k, v] of Object.entries(want))
      expect(masked[k] === v, `output ${k} is ${JSON.stringify(masked[k])}, expected ${JSON.stringify(v)}`);
    expect(masked.token === '[secret]' && masked.apiKey === '[secret]', `secret outputs not masked: ${JSON.stringify(masked)}`);
    expect(shown.token === 'tok-hello-dev' && shown.apiKey === 'k-SECRET-1', `secret outputs wrong: ${JSON.stringify(shown)}`);
    return JSON.stringify(masked);
  });
  await step('CLI: preview --expect-no-changes', () => void pulumi(['preview', '--expect-no-changes'], { cwd: proj }));
  await step('CLI: config set greeting bonjour, preview shows the output change', () => {
    pulumi(['config', 'set', 'greeting', 'bonjour'], { cwd: proj });
    const out = pulumi(['preview', '--diff'], { cwd: proj });
    expect(out.includes('bonjour, world'), `the new message is not in the preview:\n${out}`);
    pulumi(['config', 'rm', 'greeting'], { cwd: proj });
  });
  await step('CLI: yaml-stackref reads those outputs through a StackReference', () => {
    pulumi(['stack', 'init', 'dev'], { cwd: consumer });
    pulumi(['config', 'set', 'upstream', 'organization/opsdeck-yaml/dev'], { cwd: consumer });
    const out = pulumi(['up', '--yes'], { cwd: consumer });
    expect(out.includes('read pulumi:pulumi:StackReference upstreamStack'), `no StackReference read:\n${out}`);
    const o = JSON.parse(pulumi(['stack', 'output', '--json'], { cwd: consumer }));
    expect(o.upstreamMessage === 'hello, world' && o.upstreamToken === '[secret]', `unexpected outputs ${JSON.stringify(o)}`);
    pulumi(['destroy', '--yes'], { cwd: consumer });
    return JSON.stringify(o);
  });
  await step('CLI: refresh --yes', () => void pulumi(['refresh', '--yes'], { cwd: proj }));
  await step('CLI: a program error names its line', () => {
    const file = join(proj, 'Pulumi.yaml');
    const good = readFileSync(file, 'utf8');
    const lines = good.split('\n');
    const line = lines.findIndex((l) => l.includes('message: ${message}')) + 1;
    writeFileSync(file, good.replace('message: ${message}', 'message: ${mesage}'));
    const out = pulumi(['preview'], { cwd: proj, expectFail: true });
    writeFileSync(file, good);
    expect(out.includes('"mesage" could not be found') && out.includes(`on Pulumi.yaml line ${line}`), `unexpected error:\n${out}`);
    return `error on Pulumi.yaml line ${line}`;
  });
  await step('CLI: destroy --yes', () => void pulumi(['destroy', '--yes'], { cwd: proj }));
  await step('CLI: stack history', () => {
    const history = JSON.parse(pulumi(['stack', 'history', '--json'], { cwd: proj }));
    const kinds = history.map((h) => `${h.kind}:${h.result}`).join(' ');
    expect(kinds === 'destroy:succeeded refresh:succeeded update:succeeded', `unexpected history: ${kinds}`);
    return kinds;
  });
  finish();
}
