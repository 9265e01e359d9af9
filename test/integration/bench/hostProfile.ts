// A CPU profile of the extension host's own thread, taken from inside the host with the inspector
// (the benchmarks' OPSDECK_BENCH_*_PROFILE settings). The profiler samples from a thread of its own, so
// the profiled code runs as usual; the file opens in Chrome's or VS Code's profile viewer.
import * as fs from 'fs';
import * as inspector from 'inspector';
import * as path from 'path';

/** Starts profiling; the function it returns stops and writes the profile to `file`. */
export async function startHostProfile(file: string, samplingIntervalUs = 1000): Promise<() => Promise<void>> {
  const session = new inspector.Session();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (e, r) => (e ? reject(e) : resolve(r))));
  session.connect();
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: samplingIntervalUs });
  await post('Profiler.start');
  return async () => {
    try {
      const r = (await post('Profiler.stop')) as { profile: unknown };
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(r.profile));
    } finally {
      session.disconnect();
    }
  };
}
