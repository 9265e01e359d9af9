// Worker-thread entry (bundled to dist/stateReader.js): reads, parses and indexes one large
// file-backend checkpoint off the extension host's thread (see fileBackend.ts). The raw resources
// go back as JSON text, so the host only copies strings instead of rebuilding every object.
import { parentPort, workerData } from 'worker_threads';
import { WorkerAnswer, indexCheckpoint, readCheckpointText } from './fileBackend';

const { file, stack, maxBytes } = workerData as { file: string; stack: string; maxBytes: number };

async function main(): Promise<WorkerAnswer> {
  let text: string;
  try {
    text = await readCheckpointText(file, maxBytes);
  } catch (e) {
    const m = (e as Error).message;
    return {
      ok: false,
      problem: {
        file,
        message: /maxOutputLength|buffer|larger/i.test(m)
          ? `${file} unpacks to more than the ${(maxBytes / 1024 / 1024).toFixed(0)} MB OpsDeck reads.`
          : `${file} cannot be read: ${m}`,
      },
    };
  }
  const r = indexCheckpoint(text, file, stack);
  if (!r.ok) return { ok: false, problem: r.error };
  const index = r.value;
  for (const [urn, raw] of index.byUrn) index.byUrn.set(urn, JSON.stringify(raw));
  return { ok: true, index };
}

void main().then(
  (a) => parentPort?.postMessage(a),
  (e: unknown) =>
    parentPort?.postMessage({
      ok: false,
      problem: { file, message: `${file} could not be read: ${(e as Error).message}` },
    } satisfies WorkerAnswer),
);
