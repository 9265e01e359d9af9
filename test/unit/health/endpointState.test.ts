import * as assert from 'assert';
import { EndpointTracker, TrackerEvent, flapOptionsFor } from '../../../src/health/model/endpointState';

function feed(tr: EndpointTracker, pattern: string, start = 0, step = 1000): TrackerEvent[] {
  const events: TrackerEvent[] = [];
  [...pattern].forEach((c, i) =>
    events.push(
      ...tr.observe({ t: start + i * step, ok: c === '+', latencyMs: 5, excluded: c === 'm' }, c === '-' ? 'HTTP 503' : undefined),
    ),
  );
  return events;
}

describe('endpoint state machine', () => {
  it('declares down only after the configured number of consecutive failures, and recovers on a success', () => {
    const tr = new EndpointTracker('api', 3, flapOptionsFor(1000));
    const ev = feed(tr, '+++--+---+');
    assert.deepStrictEqual(
      ev.map((e) => `${e.kind}@${e.at}`),
      ['down@8000', 'recovered@9000'],
    );
    assert.strictEqual(tr.status, 'up');
    const down = ev[0];
    assert.ok(down.kind === 'down' && down.error === 'HTTP 503');
    const rec = ev[1];
    assert.ok(rec.kind === 'recovered' && rec.downForMs === 1000);
  });

  it('reports an endpoint that is down from the start', () => {
    const tr = new EndpointTracker('api', 2, flapOptionsFor(1000));
    assert.deepStrictEqual(
      feed(tr, '--').map((e) => e.kind),
      ['down'],
    );
  });

  it('stays quiet during maintenance and counts failures afresh afterwards', () => {
    const tr = new EndpointTracker('api', 2, flapOptionsFor(1000));
    const ev = feed(tr, '+-mmm-+');
    assert.deepStrictEqual(ev, []);
    assert.strictEqual(tr.status, 'up');
  });

  it('turns flapping into one event, then silence, then one "stable" event', () => {
    const tr = new EndpointTracker('api', 1, flapOptionsFor(1000));
    const ev = feed(tr, '+-+-+-+-+-+-+-+-' + '+'.repeat(20));
    const kinds = ev.map((e) => e.kind);
    assert.deepStrictEqual(kinds, ['down', 'recovered', 'down', 'flapping', 'stable']);
    assert.strictEqual(tr.flapping, false);
    assert.strictEqual(tr.status, 'up');
  });
});
