// The notifier without VS Code: what is recorded, what pops up (only in the probing window, not when
// muted or turned off), and what the buttons do.
import * as assert from 'assert';
import { Notifier, NotifierHost } from '../../../src/health/runner/notifier';

function host(over: Partial<NotifierHost> = {}) {
  const shown: Array<{ level: string; message: string; actions: string[] }> = [];
  const did: string[] = [];
  let answer: string | undefined;
  const h: NotifierHost = {
    show: async (level, message, actions) => {
      shown.push({ level, message, actions });
      return answer;
    },
    log: () => undefined,
    notificationsEnabled: () => true,
    openDashboard: () => did.push('dashboard'),
    showLog: () => did.push('log'),
    mute: (e) => did.push(`mute ${e}`),
    ...over,
  };
  return { h, shown, did, answer: (a: string | undefined) => (answer = a) };
}

describe('health: notifier', () => {
  it('pops up a down event in the probing window with Open Dashboard and Mute, and mutes on request', async () => {
    const { h, shown, did, answer } = host();
    const n = new Notifier(h);
    answer('Mute');
    n.endpointEvent({ kind: 'down', endpoint: 'api', at: 1, error: 'HTTP 503' }, { prober: true, muted: false });
    await new Promise((r) => setImmediate(r));
    assert.deepStrictEqual(shown, [{ level: 'error', message: 'OpsDeck: api is DOWN: HTTP 503', actions: ['Open Dashboard', 'Mute'] }]);
    assert.deepStrictEqual(did, ['mute api']);
    assert.deepStrictEqual(n.records[0], { at: 1, kind: 'down', endpoint: 'api', message: 'api is DOWN: HTTP 503', shown: true });
  });

  it('records but does not pop up in a reader window, when muted, or with notifications off', () => {
    const off = host({ notificationsEnabled: () => false });
    const n = new Notifier(off.h);
    n.endpointEvent({ kind: 'recovered', endpoint: 'api', at: 2, downForMs: 90_000 }, { prober: true, muted: false });
    const { h, shown } = host();
    const m = new Notifier(h);
    m.endpointEvent({ kind: 'down', endpoint: 'a', at: 1 }, { prober: false, muted: false });
    m.endpointEvent({ kind: 'down', endpoint: 'b', at: 1 }, { prober: true, muted: true });
    assert.deepStrictEqual(off.shown, []);
    assert.strictEqual(n.records[0].message, 'api recovered after 2 min down');
    assert.deepStrictEqual(shown, []);
    assert.deepStrictEqual(
      m.records.map((r) => r.shown),
      [false, false],
    );
  });

  it('issue 10 #9: closes the DOWN notice when the endpoint recovers (one notification per incident)', () => {
    const onScreen = new Set<string>();
    const { h, shown } = host({
      openIncident: (message) => {
        onScreen.add(message);
        return { close: () => onScreen.delete(message) };
      },
    });
    const n = new Notifier(h);
    n.endpointEvent({ kind: 'down', endpoint: 'api', at: 1, error: 'HTTP 503' }, { prober: true, muted: false });
    n.endpointEvent({ kind: 'down', endpoint: 'web', at: 1 }, { prober: true, muted: false });
    assert.deepStrictEqual([...onScreen], ['OpsDeck: api is DOWN: HTTP 503', 'OpsDeck: web is DOWN']);
    n.endpointEvent({ kind: 'recovered', endpoint: 'api', at: 2, downForMs: 60_000 }, { prober: true, muted: false });
    // api's notice is gone before its recovery shows; web's incident goes on.
    assert.deepStrictEqual([...onScreen], ['OpsDeck: web is DOWN']);
    assert.deepStrictEqual(
      shown.map((x) => x.message),
      ['OpsDeck: api recovered after 1 min down'],
    );
    // Muting an endpoint takes its notice away too.
    n.closeIncident('web');
    assert.deepStrictEqual([...onScreen], []);
  });

  it('keeps the last 200 records', () => {
    const n = new Notifier(host().h);
    for (let i = 0; i < 250; i++) n.awsProblem(`problem ${i}`);
    assert.strictEqual(n.records.length, 200);
    assert.strictEqual(n.records[0].message, 'problem 50');
  });
});
