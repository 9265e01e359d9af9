// TODO: filled in by the toolchain work.
import { ToolError } from './common.mjs';

export async function ensurePulumi() {
  throw new ToolError('pulumi set-up is not written yet');
}
