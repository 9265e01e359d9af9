// A DIY S3 backend (`s3://bucket/prefix?endpoint=…&region=…&use_path_style=true`) read the way
// fileBackend.ts reads a folder: the stack's checkpoint and its lock objects, straight from the bucket
// with the AWS SDK instead of a `pulumi stack export` process. Pulumi keeps the same layout as in a
// folder (.pulumi/stacks/<project>/<stack>.json[.gz], .pulumi/locks/<org>/<project>/<stack>/*.json).
// The SDK is loaded on first use, so windows without an S3 backend never load it. Any S3 error other
// than "no such key" answers undefined: the caller asks the CLI, which reports the problem properly.
import * as zlib from 'zlib';
import { Result, err } from '../../shared/result';
import { StateIndex } from '../model/stateTree';
import { BackendLock, MAX_STATE_BYTES, StateFileProblem, indexCheckpoint } from './fileBackend';

export interface S3BackendLocation {
  bucket: string;
  /** Key prefix inside the bucket ('' or ending with '/'). */
  prefix: string;
  endpoint?: string;
  region?: string;
  forcePathStyle: boolean;
}

/** Parses a Pulumi DIY backend URL for S3 (the query options of gocloud.dev's s3blob). Undefined: not s3://. */
export function parseS3BackendUrl(url: string | undefined): S3BackendLocation | undefined {
  if (!url || !url.startsWith('s3://')) return undefined;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (!u.hostname) return undefined;
  const prefix = decodeURIComponent(u.pathname).replace(/^\/+/, '');
  const q = u.searchParams;
  return {
    bucket: u.hostname,
    prefix: prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix,
    endpoint: q.get('endpoint') ?? undefined,
    region: q.get('region') ?? q.get('awssdk') ?? undefined,
    forcePathStyle: q.get('use_path_style') === 'true' || q.get('s3ForcePathStyle') === 'true',
  };
}

type S3Module = typeof import('@aws-sdk/client-s3');
let s3Module: Promise<S3Module> | undefined;
const clients = new Map<string, import('@aws-sdk/client-s3').S3Client>();

async function client(loc: S3BackendLocation, env: Record<string, string | undefined>) {
  s3Module ??= import('@aws-sdk/client-s3');
  const m = await s3Module;
  const key = JSON.stringify([loc.endpoint, loc.region, loc.forcePathStyle, env.AWS_ACCESS_KEY_ID, env.AWS_PROFILE]);
  let c = clients.get(key);
  if (!c) {
    const credentials =
      env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
        ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN }
        : undefined;
    c = new m.S3Client({
      region: loc.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
      endpoint: loc.endpoint,
      forcePathStyle: loc.forcePathStyle,
      credentials,
      // moto and other S3 look-alikes send no response checksums.
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 2,
    });
    clients.set(key, c);
  }
  return { m, c };
}

const isMissing = (e: unknown) => {
  const n = (e as { name?: string; Code?: string })?.name ?? (e as { Code?: string })?.Code;
  return n === 'NoSuchKey' || n === 'NotFound';
};

/**
 * The state index of a stack in an S3 backend, read from the bucket. Undefined: not an S3 backend, no
 * checkpoint there, or S3 could not be asked (the caller falls back to `pulumi stack export`).
 */
export async function readS3BackendIndex(
  url: string | undefined,
  project: string,
  stack: string,
  env: Record<string, string | undefined>,
  opts: { maxBytes?: number } = {},
): Promise<Result<StateIndex, StateFileProblem> | undefined> {
  const loc = parseS3BackendUrl(url);
  if (!loc) return undefined;
  const name = stack.split('/').pop()!;
  const keys = [`.pulumi/stacks/${project}/${name}.json`, `.pulumi/stacks/${project}/${name}.json.gz`, `.pulumi/stacks/${name}.json`].map(
    (k) => loc.prefix + k,
  );
  try {
    const { m, c } = await client(loc, env);
    for (const key of keys) {
      let body: Uint8Array;
      try {
        const r = await c.send(new m.GetObjectCommand({ Bucket: loc.bucket, Key: key }));
        const max = opts.maxBytes ?? MAX_STATE_BYTES;
        const where = `s3://${loc.bucket}/${key}`;
        if ((r.ContentLength ?? 0) > max)
          return err({
            file: where,
            message: `${where} is ${((r.ContentLength ?? 0) / 1024 / 1024).toFixed(0)} MB, over the ${(max / 1024 / 1024).toFixed(0)} MB OpsDeck reads to show resources.`,
          });
        body = await r.Body!.transformToByteArray();
      } catch (e) {
        if (isMissing(e)) continue;
        throw e;
      }
      const text = key.endsWith('.gz') ? zlib.gunzipSync(body).toString('utf8') : Buffer.from(body).toString('utf8');
      return indexCheckpoint(text, `s3://${loc.bucket}/${key}`, stack);
    }
    return undefined;
  } catch {
    return undefined;
  }
}

/** The lock objects an S3 backend holds for a stack; undefined when not S3 or S3 could not be asked. */
export async function readS3BackendLocks(
  url: string | undefined,
  project: string,
  stack: string,
  env: Record<string, string | undefined>,
): Promise<BackendLock[] | undefined> {
  const loc = parseS3BackendUrl(url);
  if (!loc) return undefined;
  const name = stack.split('/').pop()!;
  const org = stack.includes('/') ? stack.split('/')[0]! : 'organization';
  try {
    const { m, c } = await client(loc, env);
    const out: BackendLock[] = [];
    for (const prefix of [`${loc.prefix}.pulumi/locks/${org}/${project}/${name}/`, `${loc.prefix}.pulumi/locks/${name}/`]) {
      const list = await c.send(new m.ListObjectsV2Command({ Bucket: loc.bucket, Prefix: prefix }));
      for (const o of list.Contents ?? []) {
        if (!o.Key?.endsWith('.json')) continue;
        const file = `s3://${loc.bucket}/${o.Key}`;
        try {
          const r = await c.send(new m.GetObjectCommand({ Bucket: loc.bucket, Key: o.Key }));
          const l = JSON.parse(await r.Body!.transformToString()) as Record<string, unknown>;
          const str = (v: unknown) => (typeof v === 'string' ? v.slice(0, 200) : undefined);
          out.push({
            file,
            username: str(l.username),
            hostname: str(l.hostname),
            pid: typeof l.pid === 'number' ? l.pid : undefined,
            timestamp: str(l.timestamp),
          });
        } catch {
          out.push({ file });
        }
      }
    }
    return out;
  } catch {
    return undefined;
  }
}
