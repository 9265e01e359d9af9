// TODO: filled in by the toolchain work.
import { ToolError } from './common.mjs';

export async function ensureCodeServer() {
  throw new ToolError('codeServer set-up is not written yet');
}
