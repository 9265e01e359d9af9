// Host benchmark for Stacks, in the real extension host: expanding Resources of a 2,000-resource
// stack through the view's own TreeDataProvider (ctx.api.stacks.children: `pulumi stack export`
// + index + tree items), History of 500 updates the same way, and the extension host's memory
// with that stack loaded. The state is imported with `pulumi stack import`; the history records
// are copies of one real record written into the file backend.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { outputDir } from '../rig';
import {
  api,
  cmd,
  copyFixture,
  dataDir,
  newStack,
  OpResult,
  toolsHavePulumi,
  toolsPulumi,
  useFileBackend,
  PASSPHRASE,
} from '../suite/stacks/support';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

describe('Stacks bench: tree and memory in the real host', () => {
  it('measures Resources of 2,000 resources, History of 500 updates, and host memory', async function () {
    if (!toolsHavePulumi()) this.skip();
    const stacks = await api();
    const backend = await useFileBackend();
    const project = copyFixture('files', 'bench-files');
    await cmd('refreshStacks');
    await newStack(project, 'dev', { dir: dataDir('bench-files') });
    const up = await cmd<OpResult>('deploy', { project, stack: 'dev', confirm: { yes: true } });
    assert.strictEqual(up.status, 'succeeded', JSON.stringify(up));

    // A 2,000-resource stack imported through the CLI.
    await newStack(project, 'big', { dir: dataDir('bench-big') });
    const stackUrn = 'urn:pulumi:big::opsdeck-files::pulumi:pulumi:Stack::opsdeck-files-big';
    const resources: Array<Record<string, unknown>> = [{ urn: stackUrn, type: 'pulumi:pulumi:Stack', custom: false }];
    for (let c = 0; resources.length < 2000; c++) {
      const curn = `urn:pulumi:big::opsdeck-files::opsdeck:bench:Group::group-${c}`;
      resources.push({ urn: curn, type: 'opsdeck:bench:Group', custom: false, parent: stackUrn });
      for (let i = 0; i < 49 && resources.length < 2000; i++) {
        resources.push({
          urn: `urn:pulumi:big::opsdeck-files::opsdeck:bench:Group$aws:s3/bucket:Bucket::b-${c}-${i}`,
          type: 'aws:s3/bucket:Bucket',
          custom: true,
          id: `b-${c}-${i}`,
          parent: curn,
          outputs: { arn: `arn:aws:s3:::b-${c}-${i}`, region: 'eu-west-1' },
        });
      }
    }
    const file = path.join(outputDir(), 'big-state.json');
    fs.writeFileSync(file, JSON.stringify({ version: 3, deployment: { manifest: { time: new Date().toISOString() }, resources } }));
    const env = {
      ...process.env,
      PULUMI_BACKEND_URL: `file://${backend}`,
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      PULUMI_SKIP_UPDATE_CHECK: 'true',
    };
    execFileSync(toolsPulumi(), ['stack', 'import', '--stack', 'big', '--file', file, '--non-interactive'], {
      cwd: project,
      env,
      stdio: 'pipe',
    });

    const heapBefore = process.memoryUsage();
    const rt: number[] = [];
    for (let i = 0; i < 5; i++) {
      await cmd('refreshStacks'); // drop caches: every sample reads the state again
      await stacks.children(['opsdeck-files', 'big']); // the stack list (a separate, earlier expansion)
      const t = performance.now();
      const top = await stacks.children(['opsdeck-files', 'big', 'Resources']);
      rt.push(performance.now() - t);
      assert.strictEqual(top.length, resources.filter((r) => r.type === 'opsdeck:bench:Group').length);
    }
    const t2 = performance.now();
    const group = await stacks.children(['opsdeck-files', 'big', 'Resources', 'group-0']);
    const childMs = performance.now() - t2;
    assert.strictEqual(group.length, 49);
    const mem = process.memoryUsage();

    // History of 500 updates: copies of the real record of the dev deploy.
    const histDir = path.join(backend, '.pulumi', 'history', 'opsdeck-files', 'dev');
    const first = fs.readdirSync(histDir).find((f) => f.endsWith('.history.json'))!;
    const sample = JSON.parse(fs.readFileSync(path.join(histDir, first), 'utf8')) as { startTime: number; endTime: number };
    const base = Math.floor(Date.now() / 1000) - 600_000;
    for (let i = 1; i < 500; i++)
      fs.writeFileSync(
        path.join(histDir, `dev-${(base + i * 600) * 1_000_000_000}.history.json`),
        JSON.stringify({ ...sample, startTime: base + i * 600, endTime: base + i * 600 + 30 }),
      );
    const ht: number[] = [];
    let n = 0;
    for (let i = 0; i < 5; i++) {
      await cmd('refreshStacks');
      await stacks.children(['opsdeck-files', 'dev']);
      const t = performance.now();
      n = (await stacks.children(['opsdeck-files', 'dev', 'History'])).length;
      ht.push(performance.now() - t);
    }
    assert.strictEqual(n, 500);

    const results = [
      {
        name: 'Resources of 2,000 resources: children returned (state read + index + items)',
        value: Math.round(median(rt)),
        unit: 'ms',
        note: 'median of 5, caches dropped each time; target < 300 ms',
      },
      { name: 'expanding a component of that stack (cached state)', value: +childMs.toFixed(1), unit: 'ms' },
      {
        name: 'History of 500 updates: children returned (history read + rows + items)',
        value: Math.round(median(ht)),
        unit: 'ms',
        note: 'median of 5; target < 300 ms',
      },
      {
        name: 'extension host heap with the 2,000-resource stack loaded',
        value: +(mem.heapUsed / 1048576).toFixed(1),
        unit: 'MiB',
        note: `rss ${(mem.rss / 1048576).toFixed(0)} MiB; heap before loading ${(heapBefore.heapUsed / 1048576).toFixed(1)} MiB (the whole host, every extension)`,
      },
    ];
    fs.mkdirSync(path.join(outputDir(), 'bench'), { recursive: true });
    fs.writeFileSync(path.join(outputDir(), 'bench', 'stacks.json'), JSON.stringify(results, null, 2));
    console.log(JSON.stringify(results));
  });
});
