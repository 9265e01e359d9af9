// Starts a private moto server (the AWS API emulator provisioned by `node scripts/setup-tools.mjs moto`)
// on a free loopback port, for tests: the integration rig and the health/cost tests.
//
//   const moto = await startMoto(tools.moto.bin);
//   new CloudWatchClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: DUMMY });
//   await moto.stop();
//
// moto_server is asked for port 0 and the port the OS gave it is read from its "Running on" line, so
// there is no race between picking a port and binding it. Each call starts its own server: state is not
// shared between tests unless they share the handle (POST /moto-api/reset clears it).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

export interface MotoServer {
  /** e.g. http://127.0.0.1:41234 */
  readonly endpoint: string;
  /** Ends the server (SIGTERM, then SIGKILL after 3 s); resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * The moto_server the tool set-up provisioned (OPSDECK_TOOLS_JSON, else the checkout's .tools/tools.json),
 * or undefined when there is none: the caller's tests then report themselves skipped.
 */
export function provisionedMotoBin(): string | undefined {
  const file = process.env.OPSDECK_TOOLS_JSON ?? path.resolve(__dirname, '../../../.tools/tools.json');
  const bin = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { moto?: { bin?: string } }).moto?.bin : undefined;
  return bin && existsSync(bin) ? bin : undefined;
}

/** Dummy credentials for AWS SDK clients pointed at moto. */
export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' } as const;

export function startMoto(bin: string, { timeoutMs = 30_000 }: { timeoutMs?: number } = {}): Promise<MotoServer> {
  return new Promise<MotoServer>((resolve, reject) => {
    const child = spawn(bin, ['-H', '127.0.0.1', '-p', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
    });
    let output = '';
    let settled = false;
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`moto server (${bin}) did not start: ${why}\n${output.slice(-2000)}`));
    };
    const timer = setTimeout(() => fail(`no "Running on" line within ${timeoutMs} ms`), timeoutMs);
    const onData = (d: Buffer): void => {
      output += d.toString();
      const m = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m && !settled) {
        const endpoint = m[1];
        waitUntilAnswers(endpoint, timeoutMs).then(
          () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            resolve({ endpoint, stop: () => stopChild(child) });
          },
          (e: Error) => fail(e.message),
        );
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('error', (e) => fail(`could not run it (${e.message})`));
    child.on('exit', (code, signal) => fail(`it exited early (code ${code}, signal ${signal})`));
  });
}

async function waitUntilAnswers(endpoint: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${endpoint}/moto-api/data.json`);
      await res.arrayBuffer();
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${endpoint} did not answer (${last})`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
