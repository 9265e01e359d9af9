// TODO: filled in by the toolchain work.
import { ToolError } from './common.mjs';

export async function ensureMoto() {
  throw new ToolError('moto set-up is not written yet');
}
