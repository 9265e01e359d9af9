// A "window" for the history fault test: a separate Node process that appends check results as the
// prober does and reports each batch once its append resolved (it is then on disk). The test kills it
// with SIGKILL at an arbitrary moment, as when a VS Code window is closed or crashes. Not a test file.
import { HistoryStore } from '../../../src/health/runner/historyStore';

const file = process.argv[2];
const store = new HistoryStore(file, { flushDelayMs: 0 });
let t = 0;
void (async () => {
  for (;;) {
    const batch = Array.from({ length: 50 }, () => ({
      kind: 'sample' as const,
      endpoint: 'api',
      sample: { t: ++t, ok: t % 7 !== 0, latencyMs: 12.5, retries: 0, excluded: false },
      error: t % 7 === 0 ? `HTTP 503 ${'x'.repeat(t % 300)}` : undefined,
    }));
    await store.append(batch);
    process.send!({ acked: t });
  }
})();
