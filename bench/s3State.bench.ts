// The first Resources expansion of a 2,000-resource stack kept in a DIY S3 backend (moto from
// .tools/tools.json): OpsDeck reads the checkpoint from the bucket with the AWS SDK and indexes it
// (src/stacks/runner/s3Backend.ts), then the tree expands every top-level node. Also: loading the SDK
// itself in a fresh Node (paid once per window, on the first S3 read), and `pulumi stack export` from
// the same bucket (what the tree would cost through the CLI).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { readS3BackendIndex } from '../src/stacks/runner/s3Backend';
import { startMoto } from '../test/support/motoServer';
import { startS3Backend } from '../test/support/s3Backend';
import { syntheticStack } from '../test/support/syntheticStacks';

interface Result {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const REPO = path.resolve(__dirname, '..', '..');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function run(): Promise<Result[]> {
  const toolsFile = path.join(REPO, '.tools', 'tools.json');
  const tools = fs.existsSync(toolsFile)
    ? (JSON.parse(fs.readFileSync(toolsFile, 'utf8')) as {
        moto?: { bin: string };
        pulumi?: { pulumi: string; env?: Record<string, string> };
      })
    : {};
  if (!tools.moto) return [{ name: 'S3 state benchmarks', value: 0, unit: 'skipped', note: 'no moto in .tools/tools.json' }];
  const results: Result[] = [];

  const sdk: number[] = [];
  for (let i = 0; i < 3; i++) {
    const out = execFileSync(
      process.execPath,
      ['-e', "const t = performance.now(); require('@aws-sdk/client-s3'); process.stdout.write(String(performance.now() - t))"],
      { cwd: REPO },
    );
    sdk.push(Number(out.toString()));
  }
  results.push({
    name: 'load @aws-sdk/client-s3 (fresh Node)',
    value: Math.round(median(sdk)),
    unit: 'ms',
    note: 'median of 3; once per window, on the first S3 read',
  });

  const moto = await startMoto(tools.moto.bin);
  const T = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-bench-s3-'));
  try {
    const backend = await startS3Backend(moto);
    const resources = syntheticStack('services', 2000, 'dev', 'bench');
    const checkpoint = JSON.stringify({
      version: 3,
      checkpoint: {
        stack: 'organization/bench/dev',
        latest: { manifest: { time: '2026-12-07T00:00:00Z', magic: '', version: 'v3.259.0' }, resources },
      },
    });
    await backend.s3.send(new PutObjectCommand({ Bucket: backend.bucket, Key: '.pulumi/stacks/bench/dev.json', Body: checkpoint }));
    await backend.s3.send(new PutObjectCommand({ Bucket: backend.bucket, Key: '.pulumi/meta.yaml', Body: 'version: 1\n' }));

    const expand = async () => {
      const t = performance.now();
      const r = await readS3BackendIndex(backend.url, 'bench', 'dev', backend.env);
      if (!r?.ok) throw new Error(`S3 read failed: ${JSON.stringify(r)}`);
      for (const n of r.value.roots) r.value.children.get(n.urn);
      return performance.now() - t;
    };
    const first = await expand();
    const warm: number[] = [];
    for (let i = 0; i < 7; i++) warm.push(await expand());
    results.push(
      {
        name: 'first Resources expansion, 2,000 resources on S3',
        value: Math.round(first),
        unit: 'ms',
        note: `GetObject of the ${(checkpoint.length / 1024 / 1024).toFixed(1)} MB checkpoint + index + every top-level expansion; first in this process (client created, SDK already loaded)`,
      },
      { name: 'Resources expansion again, 2,000 resources on S3', value: Math.round(median(warm)), unit: 'ms', note: 'median of 7' },
    );

    if (tools.pulumi) {
      fs.writeFileSync(path.join(T, 'Pulumi.yaml'), 'name: bench\nruntime: yaml\n');
      const env = {
        ...process.env,
        ...(tools.pulumi.env ?? {}),
        ...backend.env,
        PULUMI_HOME: path.join(T, 'home'),
        PULUMI_CONFIG_PASSPHRASE: 'bench',
      };
      const cli: number[] = [];
      try {
        for (let i = 0; i < 3; i++) {
          const t = performance.now();
          execFileSync(tools.pulumi.pulumi, ['stack', 'export', '--stack', 'dev'], {
            cwd: T,
            env,
            stdio: 'pipe',
            maxBuffer: 256 * 1024 * 1024,
          });
          cli.push(performance.now() - t);
        }
        results.push({
          name: 'pulumi stack export, same bucket (CLI)',
          value: Math.round(median(cli)),
          unit: 'ms',
          note: 'median of 3; before any indexing',
        });
      } catch (e) {
        results.push({
          name: 'pulumi stack export, same bucket (CLI)',
          value: 0,
          unit: 'failed',
          note: String((e as Error).message).split('\n')[0],
        });
      }
    }
    backend.dispose();
    return results;
  } finally {
    await moto.stop();
    fs.rmSync(T, { recursive: true, force: true });
  }
}
