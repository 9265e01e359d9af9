// A policy pack written with @pulumi/policy (test/fixtures/pulumi/policy-pack) on the Node.js fixture
// project test/fixtures/pulumi/policy-target, through the Automation API: the CLI starts the pack
// through the rig's Node language host's RunPlugin, as Pulumi's own host does. A preview reports the
// mandatory and advisory violations as policyEvent engine events on their resources, the remediation as
// a policyRemediationEvent, and fails because of the mandatory one.
// Skipped, with the reason printed, when .tools/tools.json lists no Pulumi CLI.
import * as assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LocalWorkspace, PulumiCommand, type EngineEvent, type Stack } from '@pulumi/pulumi/automation';
import { cliRoot, copyFixture, pulumiEnv, readTools } from '../../support/pulumiTools';

describe('a policy pack on a fixture project (Automation API, the host’s RunPlugin)', function () {
  this.timeout(180_000);
  let tmp: string | undefined;
  let stack: Stack;
  let pack: string;

  before(async function () {
    const { pulumi: tools, why } = readTools();
    if (!tools) {
      console.log(`    skipped: ${why}`);
      this.skip();
    }
    tmp = realpathSync(mkdtempSync(path.join(tmpdir(), 'opsdeck-policy-')));
    pack = copyFixture('policy-pack', tmp);
    const opts = { pulumiCommand: await PulumiCommand.get({ root: cliRoot(tools, tmp) }), envVars: pulumiEnv(tools, tmp) };
    stack = await LocalWorkspace.createStack({ stackName: 'dev', workDir: copyFixture('policy-target', tmp) }, opts);
    await stack.setConfig('dir', { value: path.join(tmp, 'data') });
  });

  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('reports the mandatory and advisory violations and the remediation, and fails the preview', async () => {
    const events: EngineEvent[] = [];
    await assert.rejects(stack.preview({ policyPacks: [pack], onEvent: (e) => events.push(e) }), /error: preview failed/);

    const violations = events.flatMap((e) => (e.policyEvent ? [e.policyEvent] : []));
    const urn = (name: string) => `urn:pulumi:dev::opsdeck-policy-target::pulumi-nodejs:dynamic:Resource::${name}`;
    assert.deepEqual(
      violations
        .map((v) => ({ level: v.enforcementLevel, policy: v.policyName, pack: v.policyPackName, resource: v.resourceUrn }))
        .sort((a, b) => a.policy.localeCompare(b.policy)),
      [
        { level: 'advisory', policy: 'content-ends-in-newline', pack: 'opsdeck-fixture-policies', resource: urn('notes') },
        { level: 'mandatory', policy: 'no-forbidden-files', pack: 'opsdeck-fixture-policies', resource: urn('blocked') },
      ],
    );
    const mandatory = violations.find((v) => v.enforcementLevel === 'mandatory')!;
    assert.equal(
      mandatory.message,
      'Files must not be named forbidden*.\nFile name "forbidden-report.txt" starts with "forbidden"; choose another name.\n',
    );

    const remediations = events.flatMap((e) => {
      const r = (e as { policyRemediationEvent?: { resourceUrn: string; policyName: string; after?: { content?: string } } })
        .policyRemediationEvent;
      return r ? [r] : [];
    });
    assert.deepEqual(
      remediations.map((r) => [r.policyName, r.resourceUrn, r.after?.content]),
      [['unix-line-endings', urn('crlf'), 'one\ntwo\n']],
    );
    const summary = events.find((e) => e.summaryEvent)?.summaryEvent as
      { result?: string; PolicyPacks?: Record<string, string> } | undefined;
    assert.equal(summary?.result, 'failed');
    assert.deepEqual(Object.values(summary?.PolicyPacks ?? {}), ['0.1.0']);
  });
});
