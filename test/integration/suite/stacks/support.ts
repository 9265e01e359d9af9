// Shared set-up for the Stacks integration tests: fixture projects copied into the workspace, a
// file backend under the test output, the passphrase given through the public command.
import * as assert from 'assert';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { click, expandTreeRow, screenshot, treeRows, waitFor } from '../../rig';

// The extension's own types, so the tests read exactly what the API returns.
import type { StacksApi } from '../../../../src/stacks';
import type { PlainItem } from '../../../../src/stacks/tree';
import type { ChangeViewState } from '../../../../src/stacks/changeViewProtocol';
import type { OperationResult as OpResult } from '../../../../src/stacks/operations';
export type { StacksApi, PlainItem, ChangeViewState, OpResult };

export const PASSPHRASE = 'opsdeck integration passphrase';

export function toolsHavePulumi(): boolean {
  const p = process.env.OPSDECK_TOOLS_JSON;
  if (!p || !fs.existsSync(p)) return false;
  const tools = JSON.parse(fs.readFileSync(p, 'utf8')) as { pulumi?: { pulumi?: string } };
  return !!tools.pulumi?.pulumi && fs.existsSync(tools.pulumi.pulumi);
}

export async function api(): Promise<StacksApi> {
  const ext = vscode.extensions.getExtension<Record<string, unknown>>('opsdeck.opsdeck')!;
  const exports = await ext.activate();
  const s = exports.stacks as StacksApi | undefined;
  assert.ok(s, 'ctx.api.stacks is missing');
  return s;
}

export function workspaceDir(): string {
  return vscode.workspace.workspaceFolders![0]!.uri.fsPath;
}

/** Copies test/fixtures/pulumi/<name> into the workspace (inside the repo, so node_modules resolve). */
export function copyFixture(name: string, as = name): string {
  const dest = path.join(workspaceDir(), 'stacks', as);
  fs.rmSync(dest, { recursive: true, force: true });
  fs.cpSync(path.join(process.env.OPSDECK_REPO!, 'test', 'fixtures', 'pulumi', name), dest, { recursive: true });
  return dest;
}

export function dataDir(name: string): string {
  const d = path.join(process.env.OPSDECK_TEST_OUTPUT!, 'stacks-data', name);
  fs.mkdirSync(d, { recursive: true });
  return d;
}

export function toolsPulumi(): string {
  const tools = JSON.parse(fs.readFileSync(process.env.OPSDECK_TOOLS_JSON!, 'utf8')) as { pulumi: { pulumi: string } };
  return tools.pulumi.pulumi;
}

let s3Bucket: Promise<string> | undefined;

/** OPSDECK_STACKS_BACKEND=s3: the suite runs against a DIY S3 backend on the rig's moto (one bucket per run). */
export function usesS3(): boolean {
  return process.env.OPSDECK_STACKS_BACKEND === 's3' && !!process.env.OPSDECK_MOTO_ENDPOINT;
}

async function s3Client() {
  const { S3Client } = await import('@aws-sdk/client-s3');
  return new S3Client({
    endpoint: process.env.OPSDECK_MOTO_ENDPOINT,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
}

function s3Env(bucket: string): Record<string, string> {
  return {
    PULUMI_BACKEND_URL: `s3://${bucket}?endpoint=${process.env.OPSDECK_MOTO_ENDPOINT}&use_path_style=true&region=us-east-1`,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'when_required',
  };
}

/** Writes a lock object / file into the suite's backend, as another machine's update would leave it. */
export async function putBackendLock(project: string, stack: string, name: string, body: unknown): Promise<() => Promise<string[]>> {
  const rel = ['.pulumi', 'locks', 'organization', project, stack];
  if (usesS3()) {
    const { PutObjectCommand, ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    const c = await s3Client();
    const Bucket = await s3Bucket!;
    await c.send(new PutObjectCommand({ Bucket, Key: [...rel, name].join('/'), Body: JSON.stringify(body) }));
    return async () =>
      ((await c.send(new ListObjectsV2Command({ Bucket, Prefix: `${rel.join('/')}/` }))).Contents ?? []).map((o) => path.basename(o.Key!));
  }
  const dir = path.join(process.env.OPSDECK_TEST_OUTPUT!, 'stacks-backend', ...rel);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, name), JSON.stringify(body));
  return async () => fs.readdirSync(dir);
}

/** Points OpsDeck at the CLI the rig provisioned and at a file backend under the test output (or S3, see usesS3). */
export async function useFileBackend(): Promise<string> {
  const backend = path.join(process.env.OPSDECK_TEST_OUTPUT!, 'stacks-backend');
  fs.mkdirSync(backend, { recursive: true });
  const cfg = vscode.workspace.getConfiguration('opsdeck.pulumi');
  // The user-facing way to name a CLI that is not on the host's PATH.
  if (!(process.env.PATH ?? '').split(path.delimiter).some((d) => fs.existsSync(path.join(d, 'pulumi')))) {
    console.log(`Stacks: pulumi is not on the extension host's PATH (${process.env.PATH}); using opsdeck.pulumi.cliPath`);
    await cfg.update('cliPath', toolsPulumi(), vscode.ConfigurationTarget.Workspace);
  }
  if (usesS3()) {
    s3Bucket ??= (async () => {
      const { CreateBucketCommand } = await import('@aws-sdk/client-s3');
      const bucket = `opsdeck-suite-${process.pid}`;
      await (await s3Client()).send(new CreateBucketCommand({ Bucket: bucket }));
      console.log(`Stacks: running against the S3 backend s3://${bucket} on moto`);
      return bucket;
    })();
    await cfg.update('env', s3Env(await s3Bucket), vscode.ConfigurationTarget.Workspace);
  } else await cfg.update('env', { PULUMI_BACKEND_URL: `file://${backend}` }, vscode.ConfigurationTarget.Workspace);
  // OPSDECK_STACKS_ROUTE=inline runs the suite through the in-process route (no language host).
  const route = process.env.OPSDECK_STACKS_ROUTE;
  if (route === 'inline' || route === 'onDisk') await cfg.update('programRoute', route, vscode.ConfigurationTarget.Workspace);
  return backend;
}

export function cmd<T = OpResult>(name: string, arg?: unknown): Promise<T> {
  return vscode.commands.executeCommand<T>(`opsdeck.${name}`, arg) as Promise<T>;
}

export async function newStack(
  projectDir: string,
  stack: string,
  config: Record<string, string>,
  secrets: Record<string, string> = {},
): Promise<void> {
  await cmd('setPulumiPassphrase', { project: projectDir, passphrase: PASSPHRASE });
  const created = await cmd<{ stack: string } | undefined>('newStack', { project: projectDir, name: stack });
  assert.strictEqual(created?.stack, stack, 'newStack did not create the stack');
  for (const [key, value] of Object.entries(config)) await cmd('setConfig', { project: projectDir, stack, key, value, secret: false });
  for (const [key, value] of Object.entries(secrets)) await cmd('setConfig', { project: projectDir, stack, key, value, secret: true });
}

export function labels(items: PlainItem[]): string[] {
  return items.map((i) => i.label);
}

export function expectStatus<S extends OpResult['status']>(r: OpResult | undefined, status: S): Extract<OpResult, { status: S }> {
  assert.ok(r, 'the command returned nothing');
  assert.strictEqual(r.status, status, `expected ${status}, got ${JSON.stringify(r)}`);
  return r as Extract<OpResult, { status: S }>;
}

/** Update plans OpsDeck keeps for a stack in its global storage (named by a hash of the stack key). */
export function planFiles(projectDir: string, stack: string): string[] {
  const logs = process.env.OPSDECK_HOST_LOGS;
  if (!logs) return [];
  const dir = path.join(path.dirname(logs), 'User', 'globalStorage', 'opsdeck.opsdeck', 'plans');
  const prefix = createHash('sha256').update(`${projectDir}#${stack}`).digest('hex').slice(0, 16);
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.startsWith(prefix)) : [];
}

export function read(file: string): string | undefined {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
}

export async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * For a README picture: the Stacks view in front with nothing over it (editors closed, toasts cleared),
 * every project collapsed, then `trail`'s rows clicked open one after another as a user would.
 * Resolves to the visible rows once `ready` holds for them and none is still loading; when it cannot,
 * the screen is kept as stacks-tree-failed.png. Needs the code-server rig (hasRig()).
 */
/**
 * openInStacksTree for a README picture: undefined (and a line in the test log) when the rows do not fit
 * in the view, as in the whole suite's workspace with ~20 projects, where the list scrolls them away.
 * What the picture shows is asserted through the API by the callers; this only decides whether to take it.
 */
export async function pictureOfStacksTree(trail: string[], ready: (rows: string[]) => boolean): Promise<string[] | undefined> {
  const projects = (await (await api()).children([])).length;
  if (projects > 8) {
    console.log(`Stacks: no README picture of ${trail.join(' › ')} in this run: the workspace lists ${projects} projects`);
    return undefined;
  }
  return openInStacksTree(trail, ready);
}

export async function openInStacksTree(trail: string[], ready: (rows: string[]) => boolean): Promise<string[]> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await vscode.commands.executeCommand('notifications.clearAll');
  await vscode.commands.executeCommand('workbench.action.closePanel');
  await vscode.commands.executeCommand('opsdeck.stacks.focus');
  await vscode.commands.executeCommand('workbench.actions.treeView.opsdeck.stacks.collapseAll');
  try {
    for (const label of trail) await expandTreeRow(label);
    const rows = await waitFor(
      `the Stacks tree opened at ${trail.join(' › ')}`,
      async () => {
        const rows = await treeRows();
        return ready(rows) && !rows.some((r) => /loading/i.test(r)) ? rows : undefined;
      },
      30_000,
    );
    // The pointer off the tree (onto the empty editor area), so no hover covers a row in the picture.
    await click('.part.editor .editor-group-watermark');
    // A wider sidebar, so the descriptions (history times, types, the backend) are not cut off: the
    // resize commands act on the part with the focus, now the editor area, so it is made narrower.
    for (let i = 0; i < 4; i++) await vscode.commands.executeCommand('workbench.action.decreaseViewWidth');
    return rows;
  } catch (e) {
    await screenshot('stacks-tree-failed');
    throw new Error(`${(e as Error).message}\nvisible rows:\n${(await treeRows()).join('\n')}`, { cause: e });
  }
}
