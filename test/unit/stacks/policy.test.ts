// Policy packs: the setting, and the violations of real recorded runs of the fixture pack
// (test/fixtures/pulumi/policy-pack on policy-target) through the change model, the log and the
// blocked-deploy message.
import * as assert from 'assert';
import { ChangeModelBuilder } from '../../../src/stacks/model/changeModel';
import { formatEvent } from '../../../src/stacks/model/eventLog';
import { blockedMessage, orderedViolations, packsForStack, parsePolicyPackSetting, violationLine } from '../../../src/stacks/model/policy';
import { recording } from './recorded';

function violations(name: string, op: 'preview' | 'up') {
  const b = new ChangeModelBuilder(op, 'dev');
  for (const e of recording(name).events) b.apply(e);
  return b.model.policies;
}

describe('stacks: policy packs', () => {
  it('reads folders and per-stack entries, reporting a bad entry with where it is', () => {
    const r = parsePolicyPackSetting(['policies/all', { path: 'policies/prod', stacks: ['prod*'] }, { stacks: ['x'] }, 42, '  ']);
    assert.deepStrictEqual(r.entries, [
      { path: 'policies/all', stacks: [] },
      { path: 'policies/prod', stacks: ['prod*'] },
    ]);
    assert.deepStrictEqual(
      r.problems.map((p) => p.where),
      ['opsdeck.pulumi.policyPacks[2]', 'opsdeck.pulumi.policyPacks[3]', 'opsdeck.pulumi.policyPacks[4]'],
    );
    assert.match(r.problems[0]!.message, /needs "path"/);
    assert.deepStrictEqual(parsePolicyPackSetting('x').problems[0]!.message, 'must be a list of policy-pack folders');
    assert.deepStrictEqual(parsePolicyPackSetting(undefined), { entries: [], problems: [] });
  });

  it('applies a pack to every stack, or to the stacks matching its patterns (short name or full name), once', () => {
    const { entries } = parsePolicyPackSetting(['all', { path: 'prod', stacks: ['prod*'] }, { path: 'all', stacks: ['dev'] }]);
    assert.deepStrictEqual(packsForStack(entries, 'dev'), ['all']);
    assert.deepStrictEqual(packsForStack(entries, 'acme/site/Production'), ['all', 'prod']);
    assert.deepStrictEqual(packsForStack([], 'dev'), []);
  });

  it('a preview with a mandatory and an advisory violation and a remediation: each on its resource, mandatory first', () => {
    const vs = orderedViolations(violations('policy-target-1-preview-violations', 'preview'));
    assert.deepStrictEqual(
      vs.map((v) => [v.level, v.policy, v.pack, v.resource]),
      [
        ['mandatory', 'no-forbidden-files', 'opsdeck-fixture-policies', 'blocked'],
        ['advisory', 'content-ends-in-newline', 'opsdeck-fixture-policies', 'notes'],
        ['remediated', 'unix-line-endings', 'opsdeck-fixture-policies', 'crlf'],
      ],
    );
    assert.strictEqual(violationLine(vs[0]!), 'File name "forbidden-report.txt" starts with "forbidden"; choose another name.');
    assert.strictEqual(vs[2]!.message, 'The policy changed content before the engine used the inputs.');
  });

  it('names the mandatory policies and their resources when a deploy is blocked; nothing when only advisory', () => {
    assert.strictEqual(
      blockedMessage('up', 'dev', violations('policy-target-2-up-blocked', 'up')),
      'The deploy of "dev" is blocked by a mandatory policy: no-forbidden-files (blocked).',
    );
    assert.strictEqual(blockedMessage('up', 'dev', violations('policy-target-4-up-advisory-only', 'up')), undefined);
  });

  it('logs each violation on one line with its level, pack, policy and resource', () => {
    const lines = recording('policy-target-1-preview-violations').events.flatMap((e) => formatEvent(e, true));
    assert.ok(
      lines.includes(
        '  policy [mandatory] opsdeck-fixture-policies/no-forbidden-files on blocked: Files must not be named forbidden*. File name "forbidden-report.txt" starts with "forbidden"; choose another name.',
      ),
      lines.filter((l) => l.includes('policy')).join('\n'),
    );
    assert.ok(lines.some((l) => l.startsWith('  policy [remediated] opsdeck-fixture-policies/unix-line-endings on crlf')));
  });
});
