// "Export Health Checks to Pulumi": a TypeScript component module with one aws.route53.HealthCheck per
// public HTTP(S)/TCP endpoint of health.yaml and one aws.cloudwatch.MetricAlarm on its
// HealthCheckStatus, named with the alarm prefix health.yaml already watches. Pure: text in, text out.
//
// The generated code sits between two marker lines; a re-export replaces only what is between them,
// so a user's edits elsewhere in the module survive.
import type { EndpointConfig, HealthConfig } from './healthConfig';

export const REGION_START =
  '// region opsdeck:generated (rewritten by "OpsDeck: Export Health Checks to Pulumi"; edit outside this region)';
export const REGION_END = '// endregion opsdeck:generated';
export const MODULE_FILE = 'opsdeckHealthChecks.ts';
export const COMPONENT = 'OpsDeckHealthChecks';

export interface Skipped {
  name: string;
  reason: string;
}

/** Why Route 53 cannot probe a host, or undefined when it can (as far as the name tells). */
export function unprobeableHost(host: string): string | undefined {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return `loopback host ${host}`;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    if (a === 127) return `loopback address ${host}`;
    if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return `private address ${host} (RFC 1918)`;
    if (a === 169 && b === 254) return `link-local address ${host}`;
    if (a === 100 && b >= 64 && b <= 127) return `shared address ${host} (carrier-grade NAT)`;
    return undefined;
  }
  if (h === '::1') return `loopback address ${host}`;
  if (/^f[cd][0-9a-f]{2}:/.test(h)) return `private address ${host} (unique local)`;
  if (/^fe[89ab][0-9a-f]:/.test(h)) return `link-local address ${host}`;
  if (h.endsWith('.internal') || h.endsWith('.local') || !h.includes('.')) return `host ${host} is not a public DNS name`;
  return undefined;
}

/** A bodyMatch Route 53 can express: a plain string (no regular-expression syntax), at most 255 characters. */
export function plainSearchString(pattern: string): string | undefined {
  if (pattern.length > 255) return undefined;
  return /[\\^$.|?*+()[\]{}]/.test(pattern) ? undefined : pattern;
}

interface Check {
  ep: EndpointConfig;
  args: Record<string, string | number>;
}

function plan(cfg: HealthConfig): { checks: Check[]; skipped: Skipped[] } {
  const checks: Check[] = [];
  const skipped: Skipped[] = [];
  for (const ep of cfg.endpoints) {
    // Route 53 checks every 10 s or 30 s; it takes 1-10 failures.
    const requestInterval = ep.intervalMs <= 10_000 ? 10 : 30;
    const failureThreshold = Math.min(10, Math.max(1, ep.failureThreshold));
    if (ep.kind === 'tcp') {
      const why = unprobeableHost(ep.host);
      if (why) skipped.push({ name: ep.name, reason: why });
      else {
        const ip = /^[\d.]+$/.test(ep.host) || ep.host.includes(':');
        checks.push({ ep, args: { type: 'TCP', [ip ? 'ipAddress' : 'fqdn']: ep.host, port: ep.port, requestInterval, failureThreshold } });
      }
      continue;
    }
    const u = new URL(ep.url);
    const host = u.hostname;
    const why = unprobeableHost(host);
    if (why) {
      skipped.push({ name: ep.name, reason: why });
      continue;
    }
    if (ep.method !== 'GET' && ep.method !== 'HEAD') {
      skipped.push({ name: ep.name, reason: `method ${ep.method} (Route 53 sends GET)` });
      continue;
    }
    const https = u.protocol === 'https:';
    const search = ep.bodyMatch === undefined ? undefined : plainSearchString(ep.bodyMatch);
    if (ep.bodyMatch !== undefined && search === undefined) {
      skipped.push({
        name: ep.name,
        reason: `bodyMatch is a regular expression (${JSON.stringify(ep.bodyMatch)}); Route 53 matches a plain string only`,
      });
      continue;
    }
    const ip = /^[\d.]+$/.test(host) || host.includes(':');
    const args: Record<string, string | number> = {
      type: `${https ? 'HTTPS' : 'HTTP'}${search !== undefined ? '_STR_MATCH' : ''}`,
      [ip ? 'ipAddress' : 'fqdn']: host.replace(/^\[|\]$/g, ''),
      port: u.port ? Number(u.port) : https ? 443 : 80,
      resourcePath: `${u.pathname}${u.search}` || '/',
      requestInterval,
      failureThreshold,
    };
    if (search !== undefined) args.searchString = search;
    checks.push({ ep, args });
  }
  return { checks, skipped };
}

/** A single-quoted TypeScript string literal (JSON escapes, so no newline or quote can end it early). */
const q = (v: string) => `'${JSON.stringify(v).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
const lit = (v: string | number) => (typeof v === 'number' ? String(v) : q(v));
/** Text for a line comment: nothing from health.yaml may end the comment's line. */
const comment = (v: string) => v.replace(/[\r\n\u2028\u2029]/g, ' ');

/** The code between the markers (indented for the constructor body). */
export function generatedRegion(cfg: HealthConfig, workspace: string): { code: string; skipped: Skipped[]; exported: string[] } {
  const { checks, skipped } = plan(cfg);
  const prefix = cfg.alarms.prefixes[0] ?? '';
  const I = '    ';
  const lines: string[] = [REGION_START.replace(/^/, I)];
  lines.push(`${I}// From health.yaml of workspace folder ${comment(q(workspace))}.`);
  if (!prefix)
    lines.push(`${I}// health.yaml watches no alarm prefix (alarms.prefixes): the alarms below are not shown by OpsDeck until it does.`);
  lines.push(`${I}// Route 53 publishes HealthCheckStatus in us-east-1 only: the alarms live there.`);
  lines.push(`${I}const usEast1 = new aws.Provider(\`\${name}-us-east-1\`, { region: 'us-east-1' }, { parent: this });`);
  for (const { ep, args } of checks) {
    const key = q(ep.name);
    const body = Object.entries(args)
      .map(([k, v]) => `${I}    ${k}: ${lit(v)},`)
      .join('\n');
    lines.push(
      `${I}this.checks[${key}] = new aws.route53.HealthCheck(`,
      `${I}  \`\${name}-${slug(ep.name)}\`,`,
      `${I}  {`,
      body,
      `${I}    tags: { 'opsdeck:endpoint': ${key}, 'opsdeck:workspace': ${q(workspace)} },`,
      `${I}  },`,
      `${I}  { parent: this },`,
      `${I});`,
      `${I}this.alarms[${key}] = new aws.cloudwatch.MetricAlarm(`,
      `${I}  \`\${name}-${slug(ep.name)}-status\`,`,
      `${I}  {`,
      `${I}    name: ${q(`${prefix}opsdeck-${slug(ep.name)}-health`)},`,
      `${I}    alarmDescription: ${q(`Route 53 health check of ${ep.name} (OpsDeck) reports unhealthy`)},`,
      `${I}    namespace: 'AWS/Route53',`,
      `${I}    metricName: 'HealthCheckStatus',`,
      `${I}    dimensions: { HealthCheckId: this.checks[${key}].id },`,
      `${I}    statistic: 'Minimum',`,
      `${I}    period: 60,`,
      `${I}    evaluationPeriods: 1,`,
      `${I}    comparisonOperator: 'LessThanThreshold',`,
      `${I}    threshold: 1,`,
      `${I}    treatMissingData: 'breaching',`,
      `${I}    alarmActions: args.alarmActions ?? [],`,
      `${I}  },`,
      `${I}  { parent: this, provider: usEast1 },`,
      `${I});`,
    );
  }
  if (skipped.length) {
    lines.push(`${I}// Not exported: Route 53 cannot probe these endpoints.`);
    for (const s of skipped) lines.push(`${I}// - ${comment(s.name)}: ${comment(s.reason)}`);
  }
  lines.push(`${I}${REGION_END}`);
  return { code: lines.join('\n'), skipped, exported: checks.map((c) => c.ep.name) };
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '') || 'endpoint';

/** A whole new module around the generated region. */
export function newModule(region: string): string {
  return `// Health checks as Pulumi code, generated by OpsDeck from .opsdeck/health.yaml.
// Deploy it with the stack's Preview/Deploy. Re-exporting rewrites only the marked region.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

export interface ${COMPONENT}Args {
  /** ARNs notified when a check's alarm fires (e.g. an SNS topic). */
  alarmActions?: pulumi.Input<string>[];
}

export class ${COMPONENT} extends pulumi.ComponentResource {
  public readonly checks: Record<string, aws.route53.HealthCheck> = {};
  public readonly alarms: Record<string, aws.cloudwatch.MetricAlarm> = {};

  constructor(name: string, args: ${COMPONENT}Args = {}, opts?: pulumi.ComponentResourceOptions) {
    super('opsdeck:health:HealthChecks', name, {}, opts);
${region}
    this.registerOutputs({});
  }
}
`;
}

/**
 * The module's new text: the existing one with its region replaced (user edits outside it kept), or a
 * new module. An existing file without the markers is not overwritten: the result says why.
 */
export function updateModule(existing: string | undefined, region: string): { ok: true; text: string } | { ok: false; error: string } {
  if (existing === undefined) return { ok: true, text: newModule(region) };
  const a = existing.indexOf(REGION_START.slice(0, 30));
  const b = existing.indexOf(REGION_END);
  if (a < 0 || b < a)
    return {
      ok: false,
      error: `it exists without OpsDeck's "${REGION_START.slice(3, 30)}…" and "${REGION_END.slice(3)}" markers, so it is not OpsDeck's; rename it or add the markers, then export again`,
    };
  const lineStart = existing.lastIndexOf('\n', a) + 1;
  const lineEnd = existing.indexOf('\n', b);
  return { ok: true, text: existing.slice(0, lineStart) + region + (lineEnd < 0 ? '' : existing.slice(lineEnd)) };
}

/** The entry file with the import and one instance added (unchanged when it already imports the module). */
export function updateEntry(entry: string, importPath: string): string {
  if (entry.includes(`'${importPath}'`) || entry.includes(`"${importPath}"`)) return entry;
  const lines = entry.split('\n');
  // After the last import line, so the program's own imports stay first.
  let at = 0;
  lines.forEach((l, i) => {
    if (/^import\s/.test(l)) at = i + 1;
  });
  lines.splice(at, 0, `import { ${COMPONENT} } from '${importPath}';`);
  const out = lines.join('\n').replace(/\n*$/, '\n');
  return `${out}\n// Route 53 health checks from .opsdeck/health.yaml (OpsDeck: Export Health Checks to Pulumi).\nexport const opsdeckHealthChecks = new ${COMPONENT}('opsdeck-health');\n`;
}
