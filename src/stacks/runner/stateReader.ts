// Worker-thread entry (bundled to dist/stateReader.js): reads, parses and indexes one large
// file-backend checkpoint off the extension host's thread (see fileBackend.ts). The index goes back
// packed (model/stateTree.ts: packStateIndex), so the host copies strings instead of rebuilding
// every object; a single resource's full state is read again on demand (`urn` in workerData).
import { parentPort, workerData } from 'worker_threads';
import { packStateIndex, slimResource } from '../model/stateTree';
import { destroyCandidate } from '../model/destroyList';
import { WorkerAnswer, indexCheckpoint, parseCheckpoint, readCheckpointText } from './fileBackend';

const { file, stack, maxBytes, urn, all, destroy } = workerData as {
  file: string;
  stack: string;
  maxBytes: number;
  urn?: string;
  all?: boolean;
  destroy?: boolean;
};

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
  if (all || destroy || urn !== undefined) {
    // One view of the resources, not the index: the graph's slim list, the destroy list, or one resource.
    const p = parseCheckpoint(text, file, stack);
    if ('problem' in p) return { ok: false, problem: { file, message: p.problem } };
    const resources = p.deployment.resources ?? [];
    if (all) return { ok: true, raw: JSON.stringify(resources.filter((x) => !x.delete).map(slimResource)) };
    if (destroy) return { ok: true, raw: JSON.stringify(resources.map(destroyCandidate)) };
    const raw = resources.find((x) => x.urn === urn);
    return { ok: true, raw: raw ? JSON.stringify(raw) : undefined };
  }
  const r = indexCheckpoint(text, file, stack);
  if (!r.ok) return { ok: false, problem: r.error };
  return { ok: true, index: packStateIndex(r.value as Parameters<typeof packStateIndex>[0]) };
}

void main().then(
  (a) => parentPort?.postMessage(a),
  (e: unknown) =>
    parentPort?.postMessage({
      ok: false,
      problem: { file, message: `${file} could not be read: ${(e as Error).message}` },
    } satisfies WorkerAnswer),
);
