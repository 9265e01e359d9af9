// Turns what a failed Pulumi operation left behind (error class, CLI stderr, engine diagnostics)
// into one explanation: what is wrong and what to do. Pure, table-driven, tested on real outputs.
import { stripColour } from './values';
import { SaltProblem } from './encryptionSalt';

export type FailureKind =
  | 'cli-missing'
  | 'cli-too-old'
  | 'locked'
  | 'passphrase'
  | 'encryption-salt'
  | 'compile'
  | 'project-file'
  | 'backend'
  | 'stack-missing'
  | 'resource'
  | 'cancelled'
  | 'killed'
  | 'plan-mismatch'
  | 'untrusted'
  | 'crashed'
  | 'state-file'
  | 'unknown';

export interface SourceLocation {
  file: string;
  line: number;
  column?: number;
}

export interface Failure {
  kind: FailureKind;
  message: string;
  remedy: string;
  locations: SourceLocation[];
  /** Full text for the output channel (already colour-free). */
  detail: string;
}

export interface FailureInput {
  errorName?: string;
  errorMessage: string;
  stderr?: string;
  /** Error diagnostics from the event stream, with their resource names when known. */
  diagnostics?: Array<{ message: string; resource?: string }>;
  stack?: string;
  cliSetting?: string;
  /** The stack file's `encryptionsalt` is damaged (checked by the caller: model/encryptionSalt.ts). */
  saltProblem?: SaltProblem;
}

/**
 * What the CLI prints when it cannot read the passphrase provider's state at all (recorded in
 * test/fixtures/pulumi/events/encryption-salt.cli.json). A damaged value that still decodes gets
 * "incorrect passphrase", as a wrong passphrase does: only the stack file tells those apart.
 */
const SALT_ERRORS: RegExp[] = [/illegal base64 data at input byte/i, /malformed state value/i, /unknown state version/i];

/** True when the CLI's text may come from a damaged encryptionsalt (the caller then checks the stack file). */
export function mayBeSaltError(text: string): boolean {
  return SALT_ERRORS.some((re) => re.test(text)) || PASSPHRASE_ERRORS.test(text);
}

const PASSPHRASE_ERRORS = /incorrect passphrase|passphrase must be set|failed to decrypt|PULUMI_CONFIG_PASSPHRASE/i;

/** Finds `file.ts(12,5)`, `file.ts:12:5` and `at … (file.ts:12:5)` in compiler / runtime output. */
export function sourceLocations(text: string): SourceLocation[] {
  const out: SourceLocation[] = [];
  const seen = new Set<string>();
  const add = (file: string, line: string, col?: string) => {
    if (/node_modules|^node:|internal\//.test(file)) return;
    const key = `${file}:${line}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ file, line: Number(line), column: col ? Number(col) : undefined });
  };
  for (const m of text.matchAll(/([^\s()'"]+\.(?:ts|tsx|js|mjs|cjs))\((\d+),(\d+)\)/g)) add(m[1]!, m[2]!, m[3]);
  for (const m of text.matchAll(/([^\s()'"]+\.(?:ts|tsx|js|mjs|cjs)):(\d+)(?::(\d+))?/g)) add(m[1]!, m[2]!, m[3]);
  return out;
}

export function explainFailure(i: FailureInput): Failure {
  const stderr = stripColour(i.stderr ?? '');
  const diagText = (i.diagnostics ?? []).map((d) => (d.resource ? `${d.resource}: ${d.message}` : d.message)).join('\n');
  const all = stripColour(`${i.errorMessage}\n${stderr}\n${diagText}`);
  const detail = all.trim();
  const has = (re: RegExp) => re.test(all);
  const stack = i.stack ? `"${i.stack}"` : 'the stack';
  const mk = (kind: FailureKind, message: string, remedy: string, locations: SourceLocation[] = []): Failure => ({
    kind,
    message,
    remedy,
    locations,
    detail,
  });

  if (i.errorName === 'AbortError' || (has(/\bcancel(l)?ed\b|update was canceled|SIGINT/i) && !has(/error TS\d+/))) {
    if (has(/canceled|cancelled|SIGINT|AbortError/))
      return mk('cancelled', 'The operation was cancelled.', 'Refresh the stack to see what was applied before the cancel.');
  }
  // The CLI process died from a signal it cannot handle (SIGKILL: OOM killer, a killed terminal or
  // machine): the engine had no chance to finish the steps in flight or to release its lock.
  if (has(/was killed with SIG(KILL|TERM|HUP|SEGV|ABRT)/)) {
    const sig = /was killed with (SIG[A-Z]+)/.exec(all)![1]!;
    return mk(
      'killed',
      `The Pulumi CLI was killed (${sig}) before the operation on ${stack} finished.`,
      'Steps in flight are recorded as pending operations and the stack may still be locked: Refresh the stack (clear the lock first if it is reported locked) to reconcile the state with what exists, then run the operation again.',
    );
  }
  if (has(/ENOENT/) && has(/pulumi/i) && has(/spawn|not found|no such file/i)) {
    return mk(
      'cli-missing',
      `The Pulumi CLI was not found${i.cliSetting ? ` at "${i.cliSetting}"` : ' on PATH'}.`,
      'Install it (https://www.pulumi.com/docs/install/) or set "opsdeck.pulumi.cliPath" to the pulumi executable.',
    );
  }
  if (has(/minimum version|is less than the minimum|Minimum version required/i)) {
    return mk(
      'cli-too-old',
      'The Pulumi CLI is too old for this version of the Automation API.',
      'Update the Pulumi CLI, or point "opsdeck.pulumi.cliPath" at a newer one.',
    );
  }
  if (
    i.errorName === 'ConcurrentUpdateError' ||
    has(/currently locked|Another update is currently in progress|conflict: .*update.*in progress/i)
  ) {
    const holder = /created by (\S+) \(pid (\d+)\) at (\S+)/.exec(all);
    const by = holder ? ` (${holder[1]}, pid ${holder[2]}, since ${holder[3]})` : '';
    return mk(
      'locked',
      `Stack ${stack} is locked by another update${by}.`,
      'Wait for it to finish. If no update is running (a process was killed), clear the lock: "Clear Pulumi Stack Lock".',
    );
  }
  const saltText = SALT_ERRORS.some((re) => re.test(all));
  if (i.saltProblem && (saltText || has(PASSPHRASE_ERRORS))) {
    const p = i.saltProblem;
    return mk(
      'encryption-salt',
      `The encryptionsalt of ${stack} in ${p.file.split(/[\\/]/).pop()} (line ${p.line}) is damaged: ${p.what}.`,
      'Restore that line from version control (git checkout, or the copy a teammate has). The passphrase is not the problem: entering it again will not help.',
      [{ file: p.file, line: p.line }],
    );
  }
  // Without the stack file: the two errors only the passphrase provider's state produces.
  if (has(/malformed state value|unknown state version/i)) {
    return mk(
      'encryption-salt',
      `The encryptionsalt in Pulumi.${(i.stack ?? 'stack').split('/').pop()}.yaml cannot be read by Pulumi: ${(/(malformed state value|unknown state version)/i.exec(all) ?? ['', ''])[1]}.`,
      'Restore the encryptionsalt line of the stack file from version control. The passphrase is not the problem.',
    );
  }
  if (has(PASSPHRASE_ERRORS)) {
    return mk(
      'passphrase',
      `The passphrase for ${stack}'s secrets is wrong or missing.`,
      'Run "OpsDeck: Set Pulumi Passphrase" and enter the passphrase this stack was created with.',
    );
  }
  if (has(/error TS\d+|Unable to compile TypeScript|TSError|SyntaxError|Cannot find module/)) {
    // Compiler positions ("file.ts(5,40): error TS…") when present; stack frames only otherwise.
    const tsLines = all
      .split('\n')
      .filter((l) => /error TS\d+/.test(l))
      .join('\n');
    const locs = sourceLocations(tsLines || all);
    const first = (all.match(/(error TS\d+:[^\n]*|SyntaxError:[^\n]*|Cannot find module[^\n]*)/) ?? [])[1]?.replace(/\.$/, '');
    const where = locs[0] ? ` (${locs[0].file.split('/').pop()}:${locs[0].line})` : '';
    return mk(
      'compile',
      `The program does not compile${where}: ${first ?? 'see the log'}.`,
      'Fix the error in the program, then run the operation again.',
      locs,
    );
  }
  if (has(/failed to load Pulumi project|could not unmarshal|Pulumi\.ya?ml.*(invalid|error)|project file .* (invalid|error)/i)) {
    return mk('project-file', 'Pulumi.yaml is invalid.', 'Fix the project file (name and runtime are required).', sourceLocations(all));
  }
  if (has(/no stack named|stack .* not found|StackNotFoundError/i) || i.errorName === 'StackNotFoundError') {
    return mk(
      'stack-missing',
      `Stack ${stack} does not exist in this backend.`,
      'Create it with "New Stack", or check PULUMI_BACKEND_URL in "opsdeck.pulumi.env".',
    );
  }
  if (has(/plan.*(does not match|mismatch|not allowed|constraint)|resource violates plan/i)) {
    return mk(
      'plan-mismatch',
      'The program no longer does what the approved preview showed, so nothing unseen was deployed.',
      'Run Preview again, review the changes, then deploy.',
    );
  }
  if (
    has(
      /failed to (load|read|write) checkpoint|could not (reach|connect)|no such host|connection refused|dial tcp|permission denied.*(\.pulumi|backend)|read-only file system|bucket.*(not exist|not found)|login/i,
    )
  ) {
    return mk(
      'backend',
      'The Pulumi backend could not be reached.',
      'Check PULUMI_BACKEND_URL in "opsdeck.pulumi.env" and that you are logged in (pulumi login).',
    );
  }
  const resErrors = (i.diagnostics ?? []).filter((d) => d.resource);
  if (resErrors.length) {
    const r = resErrors[0]!;
    return mk(
      'resource',
      `${r.resource} failed: ${firstLine(r.message)}`,
      'Read the diagnostics in the change view; fix the program or the resource, then run again.',
      sourceLocations(all),
    );
  }
  const lastLine = firstLine((i.diagnostics ?? [])[0]?.message ?? i.errorMessage);
  return mk('unknown', `The operation failed: ${lastLine}`, 'See the OpsDeck output channel for the full log.', sourceLocations(all));
}

function firstLine(s: string): string {
  return (
    stripColour(s)
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l && !/^error:\s*$/.test(l))
      ?.replace(/^error:\s*/, '') ?? s
  );
}
