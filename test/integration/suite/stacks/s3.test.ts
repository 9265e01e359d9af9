// The Stacks tests against a team's kind of backend: a DIY S3 backend on the rig's moto server
// (s3://<bucket>?endpoint=…&use_path_style=true&region=us-east-1, dummy credentials through
// opsdeck.pulumi.env). The tree, preview / deploy / destroy, Resources (read from the bucket with the
// AWS SDK), History, and a lock left in the bucket by another machine's killed update read the same as on
// file://.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { hasRig, screenshot } from '../../rig';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  StacksApi,
  api,
  cmd,
  copyFixture,
  dataDir,
  expectStatus,
  labels,
  newStack,
  pictureOfStacksTree,
  read,
  toolsHavePulumi,
  useFileBackend,
  OpResult,
} from './support';

const PROJECT = 'opsdeck-s3';

/** The pids of `pulumi up` processes for a stack (Linux /proc). */
function pulumiUpPids(stack: string): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let argv: string[];
    try {
      argv = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch {
      continue;
    }
    if (
      argv.length &&
      path.basename(argv[0]!) === 'pulumi' &&
      argv.includes('up') &&
      argv.some((a) => a === stack || a.endsWith(`/${stack}`))
    )
      out.push(Number(d));
  }
  return out;
}

describe('Stacks: an S3 backend on moto', function () {
  let stacks: StacksApi;
  let project: string;
  let data: string;
  let s3: S3Client;
  const bucket = `opsdeck-s3-${process.pid}`;

  before(async function () {
    const endpoint = process.env.OPSDECK_MOTO_ENDPOINT;
    if (!toolsHavePulumi() || !endpoint) {
      console.log('Stacks: no Pulumi CLI or no moto server from the rig: skipping');
      this.skip();
    }
    stacks = await api();
    await useFileBackend(); // the CLI setting; the backend is replaced below
    s3 = new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await vscode.workspace.getConfiguration('opsdeck.pulumi').update(
      'env',
      {
        PULUMI_BACKEND_URL: `s3://${bucket}?endpoint=${endpoint}&use_path_style=true&region=us-east-1`,
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_REGION: 'us-east-1',
        AWS_RESPONSE_CHECKSUM_VALIDATION: 'when_required',
      },
      vscode.ConfigurationTarget.Workspace,
    );
    project = copyFixture('files', 's3-files');
    fs.writeFileSync(
      path.join(project, 'Pulumi.yaml'),
      fs.readFileSync(path.join(project, 'Pulumi.yaml'), 'utf8').replace('name: opsdeck-files', `name: ${PROJECT}`),
    );
    data = dataDir('s3-dev');
    fs.rmSync(data, { recursive: true, force: true });
    await cmd('refreshStacks');
  });

  after(async () => {
    await useFileBackend();
    s3?.destroy();
  });

  it('creates a stack in the bucket: the tree shows it with its sections and config', async () => {
    await newStack(project, 'dev', { dir: data });
    const st = await stacks.children([PROJECT]);
    assert.deepStrictEqual(labels(st), ['dev']);
    assert.deepStrictEqual(labels(await stacks.children([PROJECT, 'dev'])), ['Resources', 'Outputs', 'Config', 'History']);
    const keys = (await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: '.pulumi/stacks/' }))).Contents?.map((o) => o.Key);
    assert.ok(keys?.includes(`.pulumi/stacks/${PROJECT}/dev.json`), `keys: ${keys?.join(', ')}`);
  });

  it('previews and deploys; Resources (from the bucket), Outputs and History read as on file://', async () => {
    const p = expectStatus(await cmd<OpResult>('preview', { project, stack: 'dev' }), 'succeeded');
    assert.match(p.counts, /^4 to create$/);
    const r = expectStatus(await cmd<OpResult>('deploy', { project, stack: 'dev', confirm: { yes: true } }), 'succeeded');
    assert.match(r.counts, /4 created/);
    assert.strictEqual(read(path.join(data, 'a.txt')), 'hello, world\n');
    const res = await stacks.children([PROJECT, 'dev', 'Resources']);
    assert.deepStrictEqual(labels(res), ['c', 'site', 'default']);
    assert.match(res[0]!.tooltip ?? '', /id: .*c\.txt/);
    assert.deepStrictEqual(labels(await stacks.children([PROJECT, 'dev', 'Resources', 'site'])), ['a', 'b']);
    const outs = await stacks.children([PROJECT, 'dev', 'Outputs']);
    assert.strictEqual(outs.find((o) => o.label === 'aContent')?.description, '"hello, world\\n"');
    const hist = await stacks.children([PROJECT, 'dev', 'History']);
    assert.deepStrictEqual(labels(hist), ['#1 update']);
    assert.match(hist[0]!.description ?? '', /^succeeded · .* \+5/);
    // The project row names the bucket, never the endpoint or other query options.
    const projectRow = (await stacks.children([])).find((r) => r.label === PROJECT);
    assert.ok(projectRow?.description?.includes(`s3://${bucket}`), JSON.stringify(projectRow));
    assert.doesNotMatch(projectRow?.description ?? '', /endpoint=/);
    // The README's picture: the stack opened as a user would, its Resources (read from the bucket) and
    // History. Taken where the tree has room (the whole suite's workspace lists ~20 projects).
    if (hasRig()) {
      const rows = await pictureOfStacksTree(
        [PROJECT, 'dev', 'Resources', 'site', 'History'],
        (r) => r.some((x) => x.startsWith('#1 update')) && r.some((x) => x.startsWith('apulumi-nodejs:dynamic:Resource')), // label and description run together
      );
      if (rows) await screenshot('stacks-s3-backend');
    }
  });

  it("shows a lock another machine's killed update left in the bucket, refuses to deploy, and clears it", async () => {
    const key = `.pulumi/locks/organization/${PROJECT}/dev/0b7f6c1e-lock.json`;
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: JSON.stringify({ pid: 4242, username: 'dana', hostname: 'ci-runner-7', timestamp: '2026-11-23T10:00:00Z' }),
      }),
    );
    const res = await stacks.children([PROJECT, 'dev', 'Resources']);
    assert.match(res[0]!.label, /^Locked by dana@ci-runner-7, pid 4242/);
    // A change to deploy: with none, the preview (which takes no lock) ends it as "no changes".
    await cmd('setConfig', { project, stack: 'dev', key: 'greeting', value: 'hej', secret: false });
    const r = expectStatus(await cmd<OpResult>('deploy', { project, stack: 'dev', confirm: { yes: true } }), 'failed');
    assert.strictEqual(r.failure.kind, 'locked');
    assert.strictEqual(await cmd<boolean>('clearStackLock', { project, stack: 'dev', confirm: { yes: true } }), true);
    const left = (await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: '.pulumi/locks/' }))).Contents ?? [];
    assert.deepStrictEqual(left, []);
    assert.doesNotMatch(labels(await stacks.children([PROJECT, 'dev', 'Resources'])).join(','), /Locked/);
  });

  it('a CLI killed half way through an up reads as on file://: killed, then pending creates and the lock from the bucket, and refresh + up recover', async () => {
    const halfway = dataDir('s3-halfway');
    await newStack(project, 'halfway', { dir: halfway, delayMs: '8000' });
    const up = cmd<OpResult>('deploy', { project, stack: 'halfway', confirm: { yes: true } });
    const deadline = Date.now() + 90_000;
    for (;;) {
      const items = await stacks.children([PROJECT, 'halfway', 'Resources']);
      if (items.some((i) => i.label === 'site')) break;
      if (Date.now() > deadline) throw new Error('site never appeared in the bucket');
      await new Promise((r) => setTimeout(r, 150));
    }
    const pids = pulumiUpPids('halfway');
    assert.strictEqual(pids.length, 1, `one pulumi up process for the stack (found ${pids.join(', ') || 'none'})`);
    process.kill(pids[0]!, 'SIGKILL');
    const r = expectStatus(await up, 'failed');
    assert.strictEqual(r.failure.kind, 'killed', JSON.stringify(r.failure));
    await cmd('refreshStacks');
    const texts = labels(await stacks.children([PROJECT, 'halfway', 'Resources']));
    assert.ok(texts.includes('site'), texts.join(' | '));
    for (const name of ['a', 'b', 'c'])
      assert.ok(texts.includes(`Pending creating: ${name} — run Refresh`), `pending create of ${name} (${texts.join(' | ')})`);
    // The killed CLI's lock stays in the bucket: shown, and cleared before the refresh.
    assert.ok(
      texts.some((t) => t.startsWith('Locked by ')),
      `the lock is shown (${texts.join(' | ')})`,
    );
    assert.strictEqual(await cmd<boolean>('clearStackLock', { project, stack: 'halfway', confirm: { yes: true } }), true);
    expectStatus(
      await cmd<OpResult>('refreshStack', { project, stack: 'halfway', confirm: { yes: true, clearPendingCreates: true } }),
      'succeeded',
    );
    const after = labels(await stacks.children([PROJECT, 'halfway', 'Resources']));
    assert.ok(!after.some((t) => t.startsWith('Pending') || t.startsWith('Locked')), after.join(' | '));
    await cmd('setConfig', { project, stack: 'halfway', key: 'delayMs', value: '0', secret: false });
    expectStatus(await cmd<OpResult>('deploy', { project, stack: 'halfway', confirm: { yes: true } }), 'succeeded');
    assert.strictEqual(read(path.join(halfway, 'a.txt')), 'hello, world\n');
    expectStatus(await cmd<OpResult>('destroy', { project, stack: 'halfway', confirm: { yes: true } }), 'succeeded');
  });

  it('destroys: files gone, no resources, the history records it', async () => {
    expectStatus(await cmd<OpResult>('destroy', { project, stack: 'dev', confirm: { yes: true } }), 'succeeded');
    assert.deepStrictEqual(fs.readdirSync(data), []);
    assert.deepStrictEqual(labels(await stacks.children([PROJECT, 'dev', 'Resources'])), ['No resources (deploy to create them)']);
    assert.deepStrictEqual(labels(await stacks.children([PROJECT, 'dev', 'History'])), ['#2 destroy', '#1 update']);
  });
});
