// A DIY Pulumi S3 backend on a moto server (test/support/motoServer.ts), for tests that run the Stacks
// features against a team's kind of backend rather than a local folder:
//
//   const moto = await startMoto(tools.moto.bin);
//   const backend = await startS3Backend(moto);
//   spawn(pulumi, ['up', …], { env: { ...process.env, ...backend.env, PULUMI_HOME, PULUMI_CONFIG_PASSPHRASE } });
//   await backend.keys('.pulumi/locks/');          // what Pulumi wrote, as OpsDeck would read it
//   backend.dispose(); await moto.stop();
//
// Each call creates its own bucket (a fresh name), so tests sharing one moto server do not see each
// other's stacks. Where Pulumi keeps what in the bucket: see `stateKeys` and the README's Testing section.
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { MOTO_CREDENTIALS, type MotoServer } from './motoServer';

export interface S3Backend {
  readonly bucket: string;
  /** The backend URL: `s3://<bucket>?endpoint=<moto>&use_path_style=true&region=us-east-1`. */
  readonly url: string;
  /**
   * Environment for the CLI or the Automation API: PULUMI_BACKEND_URL, dummy AWS credentials and region,
   * and AWS_RESPONSE_CHECKSUM_VALIDATION=when_required (moto sends no response checksums, and without it
   * the CLI's AWS SDK prints a warning on every read).
   */
  readonly env: Readonly<Record<string, string>>;
  /** An S3 client for the bucket's endpoint (path-style, dummy credentials). */
  readonly s3: S3Client;
  /** Every object key under `prefix`, sorted (all pages). */
  keys(prefix?: string): Promise<string[]>;
  /** An object's body as text. */
  read(key: string): Promise<string>;
  /** Releases the S3 client (the bucket stays until moto stops). */
  dispose(): void;
}

export const S3_REGION = 'us-east-1';

export async function startS3Backend(moto: MotoServer, { bucket }: { bucket?: string } = {}): Promise<S3Backend> {
  const name = bucket ?? `opsdeck-state-${randomBytes(4).toString('hex')}`;
  const s3 = new S3Client({ endpoint: moto.endpoint, region: S3_REGION, forcePathStyle: true, credentials: MOTO_CREDENTIALS });
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  const url = `s3://${name}?endpoint=${moto.endpoint}&use_path_style=true&region=${S3_REGION}`;
  return {
    bucket: name,
    url,
    env: {
      PULUMI_BACKEND_URL: url,
      AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
      AWS_REGION: S3_REGION,
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'when_required',
    },
    s3,
    async keys(prefix = '') {
      const all: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: name, Prefix: prefix, ContinuationToken: token }));
        for (const o of page.Contents ?? []) if (o.Key) all.push(o.Key);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return all.sort();
    },
    async read(key) {
      const r = await s3.send(new GetObjectCommand({ Bucket: name, Key: key }));
      if (!r.Body) throw new Error(`s3://${name}/${key} has no body`);
      return r.Body.transformToString();
    },
    dispose: () => s3.destroy(),
  };
}

/**
 * Where a DIY backend (S3 or file://, the same layout) keeps a stack of a project, as observed with the
 * v3.259.0 CLI (scripts/tools/pulumi-cli/verify/s3.mjs). `<n>` is a Unix time in nanoseconds.
 */
export function stateKeys(project: string, stack: string) {
  return {
    /** the backend's format version (`version: 1`): projects are folders */
    meta: '.pulumi/meta.yaml',
    /** the current checkpoint (`{ version, checkpoint: { stack, latest: { manifest, resources, … } } }`) */
    checkpoint: `.pulumi/stacks/${project}/${stack}.json`,
    /** the checkpoint before the last write */
    checkpointBackup: `.pulumi/stacks/${project}/${stack}.json.bak`,
    /** one `<stack>.<n>.json` copy of the checkpoint per finished operation */
    backups: `.pulumi/backups/${project}/${stack}/`,
    /** per operation: `<stack>-<n>.history.json` (the update record) and `<stack>-<n>.checkpoint.json` */
    history: `.pulumi/history/${project}/${stack}/`,
    /** while an operation runs: `<uuid>.json` = `{ pid, username, hostname, timestamp }` */
    locks: `.pulumi/locks/organization/${project}/${stack}/`,
  };
}
