// Everything a document can know before the user types: clock facts, operator, workspace, the
// selected Pulumi stack, the answers of the input flow, and values derived from them (slug,
// operation ID, sprint days). Pure, so the same inputs always give the same document.
import { parseDocument } from 'yaml';
import { ClockFacts } from './clock';
import { slugify, operationId, fileNameFrom } from './naming';
import { TemplateSpec, render, Rendered } from './template';

export interface SelectedStack {
  readonly project: string;
  readonly stack: string;
}

export interface KnownFacts {
  readonly clock: ClockFacts;
  readonly operator: string;
  /** Name of the open workspace folder. */
  readonly workspace: string;
  readonly stack?: SelectedStack;
}

/** Working days of a sprint week: week 2 is days 6-10 (five days a week). */
export function sprintDays(week: number): number[] {
  const first = (Math.max(1, Math.floor(week)) - 1) * 5 + 1;
  return [0, 1, 2, 3, 4].map((d) => first + d);
}

export function documentValues(
  template: Pick<TemplateSpec, 'title' | 'variables'>,
  facts: KnownFacts,
  answers: Readonly<Record<string, string | undefined>>,
): Record<string, string | undefined> {
  const title = answers.title?.trim() || template.variables.find((v) => v.name === 'title')?.default || template.title;
  const values: Record<string, string | undefined> = {
    ...facts.clock,
    operator: facts.operator,
    workspace: facts.workspace,
    project: facts.stack?.project ?? facts.workspace,
    pulumiProject: facts.stack?.project,
    pulumiStack: facts.stack?.stack,
    stackRef: facts.stack ? `${facts.stack.project}/${facts.stack.stack}` : undefined,
    iacTool: facts.stack ? `Pulumi (project \`${facts.stack.project}\`, stack \`${facts.stack.stack}\`)` : undefined,
  };
  for (const [k, v] of Object.entries(answers)) if (v !== undefined) values[k] = v.trim();
  values.title = title;
  values.slug = slugify(title);
  values.operationId = operationId(facts.clock.date, title);
  const week = Number(answers.week);
  if (Number.isFinite(week) && week >= 1) {
    const d = sprintDays(week);
    values.days = `${d[0]}-${d[4]}`;
    d.forEach((n, i) => (values[`day${i + 1}`] = String(n)));
  }
  return values;
}

export interface DocumentPlan {
  readonly fileName: string;
  readonly rendered: Rendered;
  readonly values: Readonly<Record<string, string | undefined>>;
}

export function planDocument(
  template: TemplateSpec,
  facts: KnownFacts,
  answers: Readonly<Record<string, string | undefined>>,
): DocumentPlan {
  const values = documentValues(template, facts, answers);
  const fileValues: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(values)) fileValues[k] = v === undefined ? undefined : slugify(v, '');
  fileValues.date = values.date;
  return { fileName: fileNameFrom(template.fileName, fileValues), rendered: render(template, values), values };
}

/**
 * When a rendered document starts with front matter (the GitHub issue template does), it must
 * stay valid YAML, or GitHub silently ignores the template. Returns a message, or undefined.
 */
export function frontMatterProblem(text: string): string | undefined {
  const fm = /^---\n([\s\S]*?)\n---[ \t]*(?:\n|$)/.exec(text);
  if (!fm) return undefined;
  const doc = parseDocument(fm[1]);
  if (doc.errors.length) return `the front matter would not be valid YAML (${doc.errors[0].message.split('\n')[0]})`;
  return undefined;
}
