// A policy pack written with @pulumi/policy (test/fixtures/pulumi/policy-pack) on a Node.js fixture
// project (test/fixtures/pulumi/policy-target), through the CLI and the rig's language host's RunPlugin:
// preview reports the mandatory, advisory and remediate policies and fails; up is blocked before the
// forbidden file is written; with the mandatory violation gone, preview and up pass and the advisory
// one is still reported.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, startCheck } from './lib.mjs';

export async function verifyPolicy() {
  const { tmp, step, pulumi, copyFixture, finish } = startCheck('policy');
  const proj = copyFixture('policy-target');
  const pack = copyFixture('policy-pack');
  const data = join(tmp, 'data');

  await step('CLI: stack init dev', () => {
    pulumi(['stack', 'init', 'dev'], { cwd: proj });
    pulumi(['config', 'set', 'dir', data], { cwd: proj });
  });
  await step('CLI: preview --policy-pack (mandatory + advisory violations fail it)', () => {
    const out = pulumi(['preview', '--policy-pack', pack], { cwd: proj, expectFail: true });
    expect(out.includes('[mandatory]  no-forbidden-files  (pulumi-nodejs:dynamic:Resource: blocked)'), `no mandatory violation:\n${out}`);
    expect(out.includes('File name "forbidden-report.txt" starts with "forbidden"'), `no violation message:\n${out}`);
    expect(out.includes('[advisory]  content-ends-in-newline  (pulumi-nodejs:dynamic:Resource: notes)'), `no advisory violation:\n${out}`);
    expect(out.includes('[remediate]  unix-line-endings  (1 resource)'), `no remediation:\n${out}`);
    return 'mandatory, advisory and remediate reported; exit non-zero';
  });
  await step('CLI: up --policy-pack is blocked; the forbidden file is not written', () => {
    const out = pulumi(['up', '--yes', '--policy-pack', pack], { cwd: proj, expectFail: true });
    expect(out.includes('no-forbidden-files'), `the blocking policy is not named:\n${out}`);
    expect(!existsSync(join(data, 'forbidden-report.txt')), 'the forbidden file was written');
    return 'blocked';
  });
  await step('CLI: renamed, preview --policy-pack passes with the advisory violation', () => {
    pulumi(['config', 'set', 'blockedName', 'report.txt'], { cwd: proj });
    const out = pulumi(['preview', '--policy-pack', pack], { cwd: proj });
    expect(out.includes('[advisory]  content-ends-in-newline'), `no advisory violation:\n${out}`);
    expect(!out.includes('[mandatory]'), `a mandatory violation is left:\n${out}`);
  });
  await step('CLI: up --policy-pack succeeds; the remediated content is what was written', () => {
    pulumi(['up', '--yes', '--policy-pack', pack], { cwd: proj });
    const crlf = readFileSync(join(data, 'crlf.txt'), 'utf8');
    expect(crlf === 'one\ntwo\n', `crlf.txt holds ${JSON.stringify(crlf)}`);
    expect(existsSync(join(data, 'report.txt')), 'report.txt was not written');
    return 'crlf.txt = "one\\ntwo\\n"';
  });
  await step('CLI: destroy --yes', () => void pulumi(['destroy', '--yes'], { cwd: proj }));
  finish();
}
