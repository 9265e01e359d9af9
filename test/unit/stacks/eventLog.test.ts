import * as assert from 'assert';
import { SecretMasker, formatEvent } from '../../../src/stacks/model/eventLog';
import { recording } from './recorded';

describe('stacks: readable log from engine events', () => {
  it('logs every step of an up and the failure, without colour codes or debug chatter', () => {
    const rec = recording('failing-create-up');
    const lines = rec.events.flatMap((e) => formatEvent(e, false));
    const text = lines.join('\n');
    assert.match(text, /done: created pulumi-nodejs:dynamic:Resource good/);
    assert.match(text, /FAILED: create pulumi-nodejs:dynamic:Resource bad/);
    assert.match(text, /error \[bad\]: quota exceeded/);
    assert.doesNotMatch(text, /RegisterResource RPC/);
    assert.doesNotMatch(text, /cancel/, 'the end-of-stream marker is not a cancellation');
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(text, /\u001b\[|<\{%/);
  });

  it('the secret config value and secret output never appear in the log of a real run', () => {
    const rec = recording('secrets-up');
    const masker = new SecretMasker();
    masker.add('tok-SUPERSECRET-123');
    const text = rec.events.flatMap((e) => formatEvent(e, false, masker)).join('\n');
    assert.doesNotMatch(JSON.stringify(rec.events), /SUPERSECRET/, 'the engine itself masked it in events');
    assert.doesNotMatch(text, /SUPERSECRET/);
    assert.match(text, /apiToken=.*\[secret\]/);
  });

  it('a preview logs planned steps with their changed properties', () => {
    const rec = recording('files-3-preview-changes');
    const text = rec.events.flatMap((e) => formatEvent(e, true)).join('\n');
    assert.match(text, /plan: replace pulumi-nodejs:dynamic:Resource c \(create-replacement\)/);
    assert.match(text, /plan: delete pulumi-nodejs:dynamic:Resource b/);
    assert.match(text, /summary: delete=1, replace=1, same=2, update=1/);
  });
});
