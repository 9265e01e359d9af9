// A "window" for the lease race test: a separate Node process that, on each message, tries to take the
// lease in the folder it is given and answers whether it holds it. `slowMs` makes its reads slow, as
// for a window whose extension host is busy between reading the lease and taking it. Not a test file.
import * as fs from 'fs';
import { Lease } from '../../../src/health/runner/lease';

let slowMs = 0;
const fsp = fs.promises as unknown as Record<'readFile' | 'readdir', (...a: unknown[]) => Promise<unknown>>;
for (const fn of ['readFile', 'readdir'] as const) {
  const real = fsp[fn];
  fsp[fn] = async (...a: unknown[]) => {
    const r = await real(...a);
    if (slowMs) await new Promise((x) => setTimeout(x, slowMs));
    return r;
  };
}

process.on('message', (m: { dir: string; ttlMs: number; slowMs?: number }) => {
  slowMs = m.slowMs ?? 0;
  const lease = new Lease(m.dir, `racer-${process.pid}`, m.ttlMs);
  lease.tryAcquire().then(
    (held) => process.send!({ held, token: lease.token }),
    (e: Error) => process.send!({ error: e.message }),
  );
});
process.send!({ ready: true });
