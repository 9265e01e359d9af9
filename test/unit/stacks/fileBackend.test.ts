import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gzipSync } from 'zlib';
import { fileBackendRoot, readFileBackendHistory, readFileBackendState } from '../../../src/stacks/runner/fileBackend';
import { historyRows } from '../../../src/stacks/model/history';
import { StateDeployment } from '../../../src/stacks/model/stateTree';
import { fixtureJson } from './recorded';

describe('stacks: reading state from a file backend', () => {
  const state = fixtureJson<StateDeployment>('files-state');
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-fb-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('reads the project-scoped checkpoint, plain or gzipped', () => {
    const dir = path.join(root, '.pulumi', 'stacks', 'opsdeck-files');
    fs.mkdirSync(dir, { recursive: true });
    const cp = JSON.stringify({ version: 3, checkpoint: { stack: 'organization/opsdeck-files/dev', latest: state } });
    fs.writeFileSync(path.join(dir, 'dev.json'), cp);
    assert.strictEqual(readFileBackendState(`file://${root}`, 'opsdeck-files', 'dev')!.resources!.length, state.resources!.length);
    fs.rmSync(path.join(dir, 'dev.json'));
    fs.writeFileSync(path.join(dir, 'prod.json.gz'), gzipSync(cp.replace('/dev"', '/prod"')));
    assert.strictEqual(readFileBackendState(`file://${root}`, 'opsdeck-files', 'prod')!.resources!.length, state.resources!.length);
  });

  it('falls back (undefined) for other backends, missing stacks, a stack name mismatch or a corrupt file', () => {
    assert.strictEqual(readFileBackendState('s3://bucket', 'p', 'dev'), undefined);
    assert.strictEqual(readFileBackendState(undefined, 'p', 'dev'), undefined);
    assert.strictEqual(readFileBackendState(`file://${root}`, 'p', 'dev'), undefined);
    const dir = path.join(root, '.pulumi', 'stacks', 'p');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'dev.json'), '{"version":3,"checkp');
    assert.strictEqual(readFileBackendState(`file://${root}`, 'p', 'dev'), undefined);
    fs.writeFileSync(
      path.join(dir, 'dev.json'),
      JSON.stringify({ version: 3, checkpoint: { stack: 'organization/p/other', latest: state } }),
    );
    assert.strictEqual(readFileBackendState(`file://${root}`, 'p', 'dev'), undefined);
  });

  it('expands ~ in file:// URLs', () => {
    assert.strictEqual(fileBackendRoot('file://~/state'), path.join(os.homedir(), 'state'));
    assert.strictEqual(fileBackendRoot('file:///abs/x'), '/abs/x');
  });

  it('reads the newest history records first, up to the limit, with Unix times converted', () => {
    const dir = path.join(root, '.pulumi', 'history', 'p', 'dev');
    fs.mkdirSync(dir, { recursive: true });
    for (let i = 1; i <= 12; i++) {
      const start = 1_795_000_000 + i * 100;
      fs.writeFileSync(
        path.join(dir, `dev-${start}000000000.history.json`),
        JSON.stringify({
          kind: 'update',
          startTime: start,
          endTime: start + 7,
          result: i === 12 ? 'failed' : 'succeeded',
          version: 0,
          message: '',
          environment: {},
          config: {},
          resourceChanges: { update: i },
        }),
      );
      fs.writeFileSync(path.join(dir, `dev-${start}000000000.history.json.attrs`), '{}');
    }
    const h = readFileBackendHistory(`file://${root}`, 'p', 'organization/p/dev', 10)!;
    assert.strictEqual(h.length, 10);
    assert.deepStrictEqual(h[0]!.resourceChanges, { update: 12 });
    assert.strictEqual(h[0]!.startTime, new Date((1_795_000_000 + 1200) * 1000).toISOString());
    const rows = historyRows(h, new Date());
    assert.deepStrictEqual(
      rows.slice(0, 2).map((r) => [r.label, r.result]),
      [
        ['#12 update', 'failed'],
        ['#11 update', 'succeeded'],
      ],
    );
    assert.match(rows[0]!.description, / · 7s · /);
    assert.strictEqual(readFileBackendHistory(`file://${root}`, 'p', 'other', 10), undefined);
  });
});
