// Shared by the documents unit tests: where the repo and the seeds are, fixed inputs for
// reproducible rendering, and an independent reader of snippet text.
import * as fs from 'fs';
import * as path from 'path';
import { parseTemplate, TemplateSpec } from '../../../src/documents/template';
import { clockFacts } from '../../../src/documents/clock';
import { KnownFacts } from '../../../src/documents/values';

/** Compiled tests live in out/test/unit/documents; sources are read from the repository. */
export const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
/** `shared/seeds` beside the checkout (or beside the folder holding it, for a git worktree under wt/). */
export const seedsDir =
  [path.resolve(repoRoot, '..', 'shared', 'seeds'), path.resolve(repoRoot, '..', '..', 'shared', 'seeds')].find((d) => fs.existsSync(d)) ??
  path.resolve(repoRoot, '..', 'shared', 'seeds');
export const templatesDir = path.join(repoRoot, 'src', 'documents', 'templates');
export const goldenDir = path.join(repoRoot, 'test', 'fixtures', 'documents');

export const KINDS = ['session', 'operation', 'implementation', 'issue-template', 'sprint'] as const;
export const SEED_OF: Record<(typeof KINDS)[number], string> = {
  session: '000',
  operation: '001',
  implementation: '002',
  'issue-template': '003',
  sprint: '004',
};

export function seedText(kind: (typeof KINDS)[number]): string {
  const prefix = SEED_OF[kind];
  const file = fs.readdirSync(seedsDir).find((f) => f.startsWith(`${prefix}_`));
  if (!file) throw new Error(`seed ${prefix} not found in ${seedsDir}`);
  return fs.readFileSync(path.join(seedsDir, file), 'utf8');
}

export function builtin(kind: string): TemplateSpec {
  const file = path.join(templatesDir, `${kind}.md`);
  const r = parseTemplate(fs.readFileSync(file, 'utf8'), file);
  if (!r.ok) throw new Error(`${r.error.file}:${r.error.line}: ${r.error.message}`);
  return r.value;
}

/** 2026-11-23 09:41:07 UTC, a Monday of ISO week 48. */
export const FIXED_NOW = new Date(Date.UTC(2026, 10, 23, 9, 41, 7));

export const FIXED_FACTS: KnownFacts = {
  clock: clockFacts(FIXED_NOW, 'UTC'),
  operator: 'Ada Lovelace',
  workspace: 'payments-platform',
};

export const FIXED_ANSWERS: Record<string, Record<string, string>> = {
  session: { title: 'API gateway blue/green deploys' },
  operation: { title: 'Migrate API to blue-green deployment' },
  implementation: { title: 'Multi-region failover' },
  'issue-template': { title: 'Infrastructure/DevOps' },
  sprint: { sprint: '6', week: '2', title: 'Infrastructure Automation & Advanced Monitoring' },
};

export interface ParsedStop {
  readonly index: number;
  /** Default text (first option for a choice). */
  readonly text: string;
  readonly choices?: string[];
  readonly mirror: boolean;
}

/**
 * Reads snippet text the way VS Code's snippet parser does for the constructs OpsDeck emits
 * (escapes, $n, ${n}, ${n:default}, ${n|a,b|}) and returns the text the editor would show plus
 * the tab stops in order. Written independently of src/documents/snippet.ts to check it.
 */
export function readSnippet(snippet: string): { plain: string; stops: ParsedStop[] } {
  let i = 0;
  let plain = '';
  const stops: ParsedStop[] = [];
  const defaults = new Map<number, string>();
  const readUntil = (terminators: string, escapable: string): string => {
    let out = '';
    while (i < snippet.length && !terminators.includes(snippet[i])) {
      if (snippet[i] === '\\' && escapable.includes(snippet[i + 1] ?? '')) {
        out += snippet[i + 1];
        i += 2;
      } else if (snippet[i] === '$') {
        throw new Error(`unescaped $ inside a placeholder at ${i}: ${JSON.stringify(snippet.slice(i - 20, i + 20))}`);
      } else out += snippet[i++];
    }
    return out;
  };
  while (i < snippet.length) {
    const c = snippet[i];
    if (c === '\\' && '$}\\'.includes(snippet[i + 1] ?? '')) {
      plain += snippet[i + 1];
      i += 2;
      continue;
    }
    if (c === '}') throw new Error(`unescaped } at ${i}: ${JSON.stringify(snippet.slice(i - 20, i + 20))}`);
    if (c === '$') {
      const simple = /^\$(\d+)/.exec(snippet.slice(i));
      if (simple) {
        const index = Number(simple[1]);
        const text = defaults.get(index) ?? '';
        stops.push({ index, text, mirror: true });
        plain += text;
        i += simple[0].length;
        continue;
      }
      const open = /^\$\{(\d+)([:|}])/.exec(snippet.slice(i));
      if (!open) throw new Error(`unescaped $ at ${i}: ${JSON.stringify(snippet.slice(i - 20, i + 20))}`);
      const index = Number(open[1]);
      i += open[0].length;
      if (open[2] === '}') {
        stops.push({ index, text: '', mirror: false });
      } else if (open[2] === ':') {
        const text = readUntil('}', '$}\\');
        i++; // }
        defaults.set(index, text);
        stops.push({ index, text, mirror: false });
        plain += text;
      } else {
        const options: string[] = [];
        for (;;) {
          options.push(readUntil(',|', ',|\\'));
          if (snippet[i] === ',') i++;
          else break;
        }
        if (snippet.slice(i, i + 2) !== '|}') throw new Error(`bad choice at ${i}`);
        i += 2;
        defaults.set(index, options[0]);
        stops.push({ index, text: options[0], choices: options, mirror: false });
        plain += options[0];
      }
      continue;
    }
    plain += c;
    i++;
  }
  return { plain, stops };
}
