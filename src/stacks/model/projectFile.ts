// Reads a Pulumi.yaml / Pulumi.yml: name, runtime, main, backend, with clear errors for a broken
// file. Pure over the file's text, using the `yaml` package.
import { parseDocument } from 'yaml';
import { Result, ok, err, UserFacingError } from '../../shared/result';

export interface ProjectFile {
  name: string;
  runtime: string;
  typescript: boolean;
  main?: string;
  description?: string;
  backendUrl?: string;
}

/** A Pulumi.yaml is a few lines; a larger file is not read (YAML parsing of megabytes blocks the host). */
export const MAX_PROJECT_FILE_BYTES = 256 * 1024;

export function projectFileTooLarge(bytes: number, fileLabel: string): UserFacingError | undefined {
  if (bytes <= MAX_PROJECT_FILE_BYTES) return undefined;
  return {
    message: `${fileLabel} is ${(bytes / 1024).toFixed(0)} KB; OpsDeck reads project files up to ${MAX_PROJECT_FILE_BYTES / 1024} KB.`,
    remedy: 'A Pulumi.yaml holds the project name, runtime and a few settings: check that this is the right file.',
  };
}

export function parseProjectFile(text: string, fileLabel: string): Result<ProjectFile, UserFacingError> {
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    const line = text.slice(0, nul).split('\n').length;
    return err({
      message: `${fileLabel} is not a text file (a NUL byte on line ${line}).`,
      remedy: 'Restore the project file from version control.',
    });
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0]?.line;
    return err({
      message: `${fileLabel} is not valid YAML${line ? ` (line ${line})` : ''}: ${e.message.split('\n')[0]}`,
      remedy: 'Fix the YAML syntax, then refresh the Stacks view.',
    });
  }
  const v = doc.toJS() as unknown;
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    return err({
      message: `${fileLabel} does not describe a project (expected a mapping with name and runtime).`,
      remedy: 'Add `name:` and `runtime:` entries.',
    });
  }
  const o = v as Record<string, unknown>;
  if (typeof o.name !== 'string' || !o.name.trim())
    return err({ message: `${fileLabel} has no project name.`, remedy: 'Add a `name:` entry.' });
  let runtime: string | undefined;
  let typescript = true;
  if (typeof o.runtime === 'string') runtime = o.runtime;
  else if (o.runtime && typeof o.runtime === 'object') {
    const r = o.runtime as Record<string, unknown>;
    if (typeof r.name === 'string') runtime = r.name;
    const opts = r.options as Record<string, unknown> | undefined;
    if (opts && opts.typescript === false) typescript = false;
  }
  if (!runtime)
    return err({ message: `${fileLabel} has no runtime.`, remedy: 'Add `runtime: nodejs` (or the runtime your program uses).' });
  const backend = o.backend as Record<string, unknown> | undefined;
  return ok({
    name: o.name.trim(),
    runtime,
    typescript,
    main: typeof o.main === 'string' ? o.main : undefined,
    description: typeof o.description === 'string' ? o.description : undefined,
    backendUrl: backend && typeof backend.url === 'string' ? backend.url : undefined,
  });
}
