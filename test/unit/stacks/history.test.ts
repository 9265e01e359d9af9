import * as assert from 'assert';
import { commitOf, formatDuration, historyRows, UpdateSummaryLike } from '../../../src/stacks/model/history';
import { fixtureJson } from './recorded';

describe('stacks: history rows', () => {
  const history = fixtureJson<UpdateSummaryLike[]>('files-history');
  const now = new Date('2026-11-23T12:00:00Z');

  it('numbers file-backend updates newest first and shows kind, result, duration and changes', () => {
    const rows = historyRows(history, now);
    assert.deepStrictEqual(
      rows.map((r) => r.label),
      ['#3 refresh', '#2 update', '#1 update'],
    );
    assert.match(rows[1]!.description, /^succeeded · /);
    assert.match(rows[1]!.description, /~1 ± ?1|~1 ±1 -1/);
    assert.match(rows[2]!.description, /\+5/);
    assert.strictEqual(rows[0]!.icon, 'pass');
  });

  it('takes the git commit recorded by the update (for rollback), and ignores junk', () => {
    assert.strictEqual(
      commitOf({ kind: 'update', startTime: now, result: 'succeeded', version: 1, environment: { 'git.head': 'a1b2c3d4e5f6' } }),
      'a1b2c3d4e5f6',
    );
    assert.strictEqual(
      commitOf({ kind: 'update', startTime: now, result: 'succeeded', version: 1, environment: { 'git.head': 'not a sha' } }),
      undefined,
    );
  });

  it('formats durations a person reads', () => {
    assert.strictEqual(formatDuration(350), '350 ms');
    assert.strictEqual(formatDuration(4200), '4s');
    assert.strictEqual(formatDuration(125_000), '2m 5s');
  });

  it('says "< 1s" for an update that started and ended in the same second (history times are whole seconds)', () => {
    const [row] = historyRows(
      [{ kind: 'update', startTime: '2026-01-01T00:00:05Z', endTime: '2026-01-01T00:00:05Z', result: 'succeeded', version: 3 }],
      now,
    );
    assert.match(row!.description, / · < 1s( · |$)/, row!.description);
    assert.doesNotMatch(row!.description, /0 ms/);
  });

  it('keeps engine versions when the backend gives them', () => {
    const rows = historyRows(
      [
        { kind: 'update', startTime: '2026-01-01T00:00:00Z', endTime: '2026-01-01T00:00:10Z', result: 'failed', version: 7 },
        { kind: 'update', startTime: '2026-01-02T00:00:00Z', endTime: '2026-01-02T00:00:10Z', result: 'succeeded', version: 8 },
      ],
      now,
    );
    assert.deepStrictEqual(
      rows.map((r) => [r.label, r.icon]),
      [
        ['#8 update', 'pass'],
        ['#7 update', 'error'],
      ],
    );
  });
});
