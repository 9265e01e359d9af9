import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gzipSync } from 'zlib';
import {
  fileBackendRoot,
  readFileBackendHistory,
  readFileBackendIndex,
  resolveFileBackendUrl,
} from '../../../src/stacks/runner/fileBackend';
import { historyRows } from '../../../src/stacks/model/history';
import { StateDeployment, buildStateIndex } from '../../../src/stacks/model/stateTree';
import { fixtureJson } from './recorded';

describe('stacks: reading state from a file backend', () => {
  const state = fixtureJson<StateDeployment>('files-state');
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-fb-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  // The worker-thread reader as compiled by tsc, beside the module (the bundle has it beside extension.js).
  const worker = path.resolve(__dirname, '..', '..', '..', 'src', 'stacks', 'runner', 'stateReader.js');
  const count = async (stack: string, o = {}) => {
    const r = await readFileBackendIndex(`file://${root}`, 'opsdeck-files', stack, { workerScript: worker, ...o });
    assert.ok(r && r.ok, JSON.stringify(r));
    return r.value.count;
  };

  it('reads the project-scoped checkpoint, plain or gzipped, in the host or on the worker thread', async () => {
    const dir = path.join(root, '.pulumi', 'stacks', 'opsdeck-files');
    fs.mkdirSync(dir, { recursive: true });
    const cp = JSON.stringify({ version: 3, checkpoint: { stack: 'organization/opsdeck-files/dev', latest: state } });
    fs.writeFileSync(path.join(dir, 'dev.json'), cp);
    const n = state.resources!.filter((r) => !r.delete).length;
    assert.strictEqual(await count('dev'), n);
    assert.strictEqual(await count('dev', { inlineBytes: 0 }), n, 'the worker thread reads the same');
    const onWorker = await readFileBackendIndex(`file://${root}`, 'opsdeck-files', 'dev', { workerScript: worker, inlineBytes: 0 });
    assert.ok(onWorker?.ok);
    // The packed index unpacks to the same tree; a resource's full state is read again on demand.
    const site = onWorker.value.roots.find((r) => r.name === 'site')!;
    assert.deepStrictEqual(
      onWorker.value.children.get(site.urn)!.map((r) => r.name),
      buildStateIndex(state)
        .children.get(site.urn)!
        .map((r) => r.name),
    );
    assert.strictEqual(onWorker.value.sources.get(site.urn)?.line, site.source?.line);
    assert.strictEqual(onWorker.value.byUrn.get(site.urn), undefined);
    assert.strictEqual((await onWorker.value.rawOf!(site.urn))?.urn, site.urn);
    fs.rmSync(path.join(dir, 'dev.json'));
    fs.writeFileSync(path.join(dir, 'prod.json.gz'), gzipSync(cp.replace('/dev"', '/prod"')));
    assert.strictEqual(await count('prod'), n);
  });

  it('undefined (ask the CLI) for other backends and missing stacks', async () => {
    assert.strictEqual(await readFileBackendIndex('s3://bucket', 'p', 'dev'), undefined);
    assert.strictEqual(await readFileBackendIndex(undefined, 'p', 'dev'), undefined);
    assert.strictEqual(await readFileBackendIndex(`file://${root}`, 'p', 'dev'), undefined);
  });

  it('names the file and what is wrong for a truncated, mismatched, foreign or oversized checkpoint', async () => {
    const dir = path.join(root, '.pulumi', 'stacks', 'p');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'dev.json');
    const problem = async (o = {}) => {
      const r = await readFileBackendIndex(`file://${root}`, 'p', 'dev', { workerScript: worker, ...o });
      assert.ok(r && !r.ok, JSON.stringify(r));
      assert.strictEqual(r.error.file, file);
      assert.ok(r.error.message.startsWith(file), r.error.message);
      return r.error.message;
    };
    fs.writeFileSync(file, '{"version":3,"checkp');
    assert.match(await problem(), /truncated/);
    assert.match(await problem({ inlineBytes: 0 }), /truncated/, 'the worker says the same');
    fs.writeFileSync(file, '{\n  "version": 3,\n  "checkpoint": { "latest" 1 }\n}');
    assert.match(await problem(), /not valid JSON \(line 3/);
    fs.writeFileSync(file, JSON.stringify({ version: 3, checkpoint: { stack: 'organization/p/other', latest: state } }));
    assert.match(await problem(), /records stack "organization\/p\/other", not "dev"/);
    fs.writeFileSync(file, JSON.stringify({ version: 7, checkpoint: {} }));
    assert.match(await problem(), /version 7; OpsDeck reads version 3/);
    fs.writeFileSync(file, JSON.stringify({ version: 3, checkpoint: { latest: { resources: [{ type: 'x' }] } } }));
    assert.match(await problem(), /resource #1 has no "urn"/);
    fs.writeFileSync(file, JSON.stringify({ version: 3, checkpoint: { latest: state } }));
    assert.match(await problem({ maxBytes: 100 }), /over the 0 MB OpsDeck reads/);
  });

  it('expands ~ in file:// URLs', () => {
    assert.strictEqual(fileBackendRoot('file://~/state'), path.join(os.homedir(), 'state'));
    assert.strictEqual(fileBackendRoot('file:///abs/x'), '/abs/x');
  });

  it("reads a relative file:// backend where the CLI does: in the project folder, not the host's", () => {
    // The CLI runs in the project folder, so `file://./state` is <project>/state; read from the
    // extension host's working directory, the destroy guard could list another stack's checkpoint.
    assert.strictEqual(resolveFileBackendUrl('file://./state', '/work/proj'), 'file:///work/proj/state');
    assert.strictEqual(resolveFileBackendUrl('file://state?no_legacy=1', '/work/proj'), 'file:///work/proj/state?no_legacy=1');
    assert.strictEqual(fileBackendRoot(resolveFileBackendUrl('file://../shared', '/work/proj')), '/work/shared');
    for (const same of ['file:///abs/x', 'file://~/state', 's3://bucket', undefined])
      assert.strictEqual(resolveFileBackendUrl(same, '/work/proj'), same);
  });

  it('reads the newest history records first, up to the limit, with Unix times converted', async () => {
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
    fs.writeFileSync(path.join(dir, `dev-1795009999000000000.history.json`), '{"kind":"upd'); // torn: skipped
    const h = (await readFileBackendHistory(`file://${root}`, 'p', 'organization/p/dev', 10))!;
    assert.strictEqual(h.length, 9, 'the torn newest record is skipped, the next nine are read');
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
    assert.strictEqual(await readFileBackendHistory(`file://${root}`, 'p', 'other', 10), undefined);
  });
});
