// The built-in document kinds, each a template file beside this module. esbuild inlines them as
// strings, so the shipped bundle needs no template files; unit tests and benchmarks read the same
// files from disk. Only the editor glue imports this module.
import session from './templates/session.md';
import operation from './templates/operation.md';
import implementation from './templates/implementation.md';
import issueTemplate from './templates/issue-template.md';
import sprint from './templates/sprint.md';

/** Template texts by file name, in the order the command palette lists them. */
export const BUILTIN_TEMPLATE_TEXTS: ReadonlyArray<readonly [string, string]> = [
  ['session.md', session],
  ['operation.md', operation],
  ['implementation.md', implementation],
  ['issue-template.md', issueTemplate],
  ['sprint.md', sprint],
];
