// A DIY S3 backend on the rig's moto server, through the CLI: login, stack init, up (with a lock held in
// the bucket while it runs), stack history, stack export, destroy, and which object keys Pulumi writes
// (test/support/s3Backend.ts gives tests the same backend; the README's Testing section lists the keys).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { expect, loadTools, startCheck } from './lib.mjs';

function startMoto(bin) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['-H', '127.0.0.1', '-p', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
    });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`moto did not start:\n${out}`));
    }, 30_000);
    const onData = (d) => {
      out += d;
      const m = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ endpoint: m[1], stop: () => child.kill('SIGTERM') });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`moto exited (${code}):\n${out}`)));
  });
}

export async function verifyS3() {
  const tools = loadTools();
  expect(tools.moto?.bin, 'tools.json lists no moto: run node scripts/setup-tools.mjs moto');
  const moto = await startMoto(tools.moto.bin);
  const bucket = 'opsdeck-verify-state';
  const url = `s3://${bucket}?endpoint=${moto.endpoint}&use_path_style=true&region=us-east-1`;
  const aws = {
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    // moto sends no response checksums; without this the CLI's AWS SDK warns on every read
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'when_required',
  };
  const s3 = new S3Client({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  const keys = async (prefix = '') => {
    const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    return (r.Contents ?? []).map((o) => o.Key).sort();
  };
  const { tmp, step, pulumi, copyFixture, finish, env } = startCheck('s3', { backendUrl: url, env: aws });
  try {
    const proj = copyFixture('files');
    const project = 'opsdeck-files';

    await step('moto: create the bucket', async () => {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      return moto.endpoint;
    });
    await step('CLI: login s3://…', () => pulumi(['login', url]).trim().split('\n').pop());
    await step('CLI: stack init dev', () => {
      pulumi(['stack', 'init', 'dev'], { cwd: proj });
      pulumi(['config', 'set', 'dir', join(tmp, 'data')], { cwd: proj });
      pulumi(['config', 'set', 'delayMs', '4000'], { cwd: proj });
    });
    await step('bucket after stack init', async () => (await keys()).join(' '));
    await step('CLI: up --yes holds a lock object in the bucket while it runs', async () => {
      const child = spawn(env.PATH.split(':')[0] + '/pulumi', ['up', '--yes', '--non-interactive', '--color=never'], { cwd: proj, env });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      const exited = new Promise((r) => child.on('exit', r));
      let lock;
      for (let i = 0; i < 200 && !lock; i++) {
        [lock] = await keys(`.pulumi/locks/organization/${project}/dev/`);
        if (!lock) await new Promise((r) => setTimeout(r, 100));
      }
      expect(lock, 'no lock object appeared during the up');
      const body = JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: lock }))).Body.transformToString());
      const code = await exited;
      expect(code === 0, `up exited ${code}:\n${out}`);
      expect((await keys('.pulumi/locks/')).length === 0, 'the lock was not removed after the up');
      return `${lock} ${JSON.stringify(body)}`;
    });
    await step('CLI: stack history', () => {
      const h = JSON.parse(pulumi(['stack', 'history', '--json'], { cwd: proj }));
      expect(h.length === 1 && h[0].kind === 'update' && h[0].result === 'succeeded', `unexpected history ${JSON.stringify(h)}`);
      return `${h[0].kind} ${h[0].result} ${JSON.stringify(h[0].resourceChanges)}`;
    });
    await step('CLI: stack export', () => {
      const d = JSON.parse(pulumi(['stack', 'export'], { cwd: proj }));
      const n = d.deployment.resources.length;
      expect(n === 6, `expected 6 resources in the state, got ${n}`);
      return `${n} resources`;
    });
    await step('bucket after up', async () => (await keys()).join(' '));
    await step('CLI: destroy --yes', () => {
      pulumi(['config', 'set', 'delayMs', '0'], { cwd: proj });
      pulumi(['destroy', '--yes'], { cwd: proj });
    });
    await step('CLI: stack rm', () => void pulumi(['stack', 'rm', '--yes', 'dev'], { cwd: proj }));
    await step('bucket after destroy and stack rm', async () => (await keys()).join(' '));
    finish();
  } finally {
    s3.destroy();
    moto.stop();
  }
}
