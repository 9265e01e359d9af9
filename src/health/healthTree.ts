// The Health tree: endpoints (with their SLA details) and CloudWatch alarms, plus cost at a glance.
import * as vscode from 'vscode';
import type { AlarmSnapshot, EndpointSnapshot, HealthSnapshot } from './model/snapshot';
import {
  budgetLine,
  endpointTooltipMarkdown,
  formatBudget,
  formatDuration,
  formatLatency,
  formatMoney,
  formatPercent,
  formatWindow,
} from './model/statusText';

type Node =
  | { kind: 'problem'; text: string }
  | { kind: 'endpoint'; e: EndpointSnapshot }
  | { kind: 'detail'; id: string; label: string; description?: string; icon?: string }
  | { kind: 'alarms'; alarms: AlarmSnapshot[] }
  | { kind: 'alarm'; a: AlarmSnapshot }
  | { kind: 'cost'; s: HealthSnapshot };

const STATUS_ICON: Record<string, [string, string]> = {
  up: ['pass', 'testing.iconPassed'],
  down: ['error', 'testing.iconFailed'],
  maintenance: ['tools', 'descriptionForeground'],
  unknown: ['circle-outline', 'descriptionForeground'],
};

export class HealthTreeProvider implements vscode.TreeDataProvider<Node> {
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private snap: HealthSnapshot | undefined;

  private shown: string | undefined;

  /**
   * Shows a new snapshot. The tree is redrawn only when a row would read differently: a routine
   * check mostly moves figures below the precision the rows show, and a redraw sends every row to the
   * workbench again.
   */
  update(s: HealthSnapshot): void {
    this.snap = s;
    const text = this.rowsText();
    if (text === this.shown) return;
    this.shown = text;
    this.emitter.fire(undefined);
  }

  /** What every row (expanded or not) says: label, description, icon, tooltip, context. */
  private rowsText(): string {
    const out: string[] = [];
    const walk = (nodes: Node[], depth: number) => {
      for (const n of nodes) {
        const it = this.getTreeItem(n);
        const icon = it.iconPath instanceof vscode.ThemeIcon ? `${it.iconPath.id}/${it.iconPath.color?.id ?? ''}` : '';
        const tip = typeof it.tooltip === 'string' ? it.tooltip : (it.tooltip?.value ?? '');
        out.push(`${depth}|${String(it.label)}|${String(it.description ?? '')}|${icon}|${tip}|${it.contextValue ?? ''}`);
        if (it.collapsibleState && depth < 3) walk(this.getChildren(n), depth + 1);
      }
    };
    walk(this.getChildren(), 0);
    return out.join('\n');
  }

  getChildren(n?: Node): Node[] {
    const s = this.snap;
    if (!s) return [];
    if (!n) {
      // No config file: return nothing so the welcome view shows.
      if (!s.configFile && !s.endpoints.length) return [];
      const out: Node[] = [];
      if (s.configProblem) out.push({ kind: 'problem', text: s.configProblem });
      if (s.awsProblem) out.push({ kind: 'problem', text: `AWS: ${s.awsProblem.message}` });
      // Throttling, expired credentials, no access: the whole Route 53 side, so one line here (an id
      // that does not exist is the endpoint's own row below).
      if (s.route53Problem) out.push({ kind: 'problem', text: s.route53Problem });
      out.push(...s.endpoints.map((e): Node => ({ kind: 'endpoint', e })));
      if (s.alarms.length) out.push({ kind: 'alarms', alarms: s.alarms });
      if (s.cost) out.push({ kind: 'cost', s });
      return out;
    }
    if (n.kind === 'endpoint') return endpointDetails(n.e);
    if (n.kind === 'alarms') return n.alarms.map((a): Node => ({ kind: 'alarm', a }));
    if (n.kind === 'cost' && n.s.cost) {
      const c = n.s.cost;
      return [
        // The team's AWS Budgets first: they decide the warning.
        ...(c.teamBudgets ?? []).map((b): Node => ({
          kind: 'detail',
          id: `budget:${b.name}`,
          label: `budget ${b.name}`,
          description: budgetLine(b).slice(b.name.length + 2),
          icon: b.atRisk ? 'warning' : 'pie-chart',
        })),
        ...(c.budgetsProblem ? [{ kind: 'detail', id: 'budgets-problem', label: c.budgetsProblem, icon: 'warning' } as Node] : []),
        ...c.byService.slice(0, 10).map((g): Node => ({
          kind: 'detail',
          id: `cost:${g.name}`,
          label: g.name,
          description: formatMoney(g.amount, c.currency, 2),
          icon: 'symbol-method',
        })),
        ...(c.byStack ?? []).map((g): Node => ({
          kind: 'detail',
          id: `stack:${g.stack}`,
          label: `stack ${g.stack}`,
          description: formatMoney(g.amount, c.currency, 2),
          icon: 'layers',
        })),
      ];
    }
    return [];
  }

  getTreeItem(n: Node): vscode.TreeItem {
    switch (n.kind) {
      case 'problem': {
        const it = new vscode.TreeItem(n.text);
        it.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
        it.command = { command: 'opsdeck.openHealthConfig', title: 'Open configuration' };
        it.contextValue = 'healthProblem';
        it.tooltip = n.text;
        return it;
      }
      case 'endpoint': {
        const e = n.e;
        const it = new vscode.TreeItem(e.name, vscode.TreeItemCollapsibleState.Collapsed);
        it.id = `endpoint:${e.name}`;
        const [icon, color] = e.problem
          ? ['circle-slash', 'problemsWarningIcon.foreground']
          : (STATUS_ICON[e.status] ?? STATUS_ICON.unknown);
        it.iconPath = new vscode.ThemeIcon(e.flapping ? 'pulse' : icon, new vscode.ThemeColor(color));
        const w24 = e.sla.windows.find((w) => w.window === '24h');
        it.description = e.problem
          ? 'not checked: see the configuration problem'
          : `${e.status}${e.flapping ? ' (flapping)' : ''}${e.muted ? ' (muted)' : ''} · ${formatPercent(e.sla.sloAvailability)} · ${formatLatency(w24?.p95)}`;
        it.tooltip = new vscode.MarkdownString(endpointTooltipMarkdown(e));
        it.contextValue = e.muted ? 'healthEndpoint.muted' : 'healthEndpoint';
        it.accessibilityInformation = { label: `${e.name}, ${e.status}, availability ${formatPercent(e.sla.sloAvailability)}` };
        return it;
      }
      case 'detail': {
        const it = new vscode.TreeItem(n.label);
        it.id = n.id;
        it.description = n.description;
        if (n.icon) it.iconPath = new vscode.ThemeIcon(n.icon);
        it.contextValue = 'healthDetail';
        return it;
      }
      case 'alarms': {
        const firing = n.alarms.filter((a) => a.state === 'ALARM').length;
        const it = new vscode.TreeItem('CloudWatch alarms', vscode.TreeItemCollapsibleState.Expanded);
        it.id = 'alarms';
        it.description = firing ? `${firing} firing` : 'none firing';
        it.iconPath = new vscode.ThemeIcon(firing ? 'bell-dot' : 'bell');
        it.contextValue = 'healthAlarms';
        return it;
      }
      case 'alarm': {
        const a = n.a;
        const it = new vscode.TreeItem(a.name);
        it.id = `alarm:${a.name}`;
        it.description = `${a.state}${a.since ? ` · ${formatDuration(Date.now() - a.since)} ago` : ''}`;
        it.iconPath =
          a.state === 'ALARM'
            ? new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'))
            : a.state === 'OK'
              ? new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'))
              : new vscode.ThemeIcon('question');
        it.tooltip = a.reason ?? a.state;
        it.contextValue = 'healthAlarm';
        return it;
      }
      case 'cost': {
        const c = n.s.cost!;
        const it = new vscode.TreeItem('Cost this month', vscode.TreeItemCollapsibleState.Collapsed);
        it.id = 'cost';
        const risky = c.teamBudgets?.filter((b) => b.atRisk) ?? [];
        it.description = `${formatMoney(c.monthToDate, c.currency)} MTD · forecast ${formatMoney(c.forecastMonthEnd, c.currency)}${risky.length ? ` · ${risky.length} budget${risky.length === 1 ? '' : 's'} at risk` : c.budgetAtRisk ? ' · over budget' : ''}`;
        it.iconPath = new vscode.ThemeIcon(c.budgetAtRisk ? 'warning' : 'credit-card');
        it.tooltip = `As of ${new Date(c.asOf).toLocaleString()}`;
        it.contextValue = 'healthCost';
        return it;
      }
    }
  }
}

function endpointDetails(e: EndpointSnapshot): Node[] {
  const id = (k: string) => `endpoint:${e.name}:${k}`;
  const out: Node[] = [{ kind: 'detail', id: id('target'), label: e.target, icon: e.kind === 'http' ? 'globe' : 'plug' }];
  if (e.problem) out.unshift({ kind: 'detail', id: id('problem'), label: e.problem, icon: 'warning' });
  if (e.lastCheck) {
    out.push({
      kind: 'detail',
      id: id('last'),
      label: e.lastCheck.ok ? 'Last check passed' : `Last check failed: ${e.lastCheck.error ?? 'error'}`,
      description: `${formatLatency(e.lastCheck.latencyMs)}${e.lastCheck.retries ? ` after ${e.lastCheck.retries} retr${e.lastCheck.retries === 1 ? 'y' : 'ies'}` : ''}`,
      icon: 'history',
    });
  }
  for (const w of e.sla.windows)
    out.push({
      kind: 'detail',
      id: id(w.window),
      label: `Availability ${w.window}`,
      description: `${formatWindow(w).text}${formatWindow(w).coverage ? ` (${formatWindow(w).coverage})` : ''}${w.excluded ? ` (${w.excluded} in maintenance, not counted)` : ''}`,
      // Greyed (no colour, a dashed icon) while the window holds only part of its span.
      icon: formatWindow(w).coverage ? 'circle-small' : 'graph',
    });
  out.push({
    kind: 'detail',
    id: id('budget'),
    label: `Error budget (${formatPercent(e.slo)} over ${e.sloWindowDays} d)`,
    description: `${formatBudget(e.sla.budget, e.sla).left} · ${formatBudget(e.sla.budget, e.sla).minutes}`,
    icon: 'flame',
  });
  if (e.route53Problem) out.push({ kind: 'detail', id: id('r53problem'), label: e.route53Problem, icon: 'warning' });
  const r = e.route53;
  if (r) {
    // Side by side: the local figures above, Route 53's here, and which one is the SLA of record.
    out.push({
      kind: 'detail',
      id: id('r53'),
      label: `Route 53${e.slaOfRecord === 'route53' ? ' (SLA of record)' : ''}`,
      description: `${formatPercent(r.sla.sloAvailability)} over ${e.sloWindowDays} d · check ${r.checkId}`,
      icon: 'globe',
    });
    for (const w of r.sla.windows) {
      const f = formatWindow(w);
      out.push({
        kind: 'detail',
        id: id(`r53-${w.window}`),
        label: `Route 53 availability ${w.window}`,
        description: `${f.text}${f.coverage ? ` (${f.coverage})` : ''}`,
        icon: f.coverage ? 'circle-small' : 'graph',
      });
    }
    const rb = formatBudget(r.sla.budget, r.sla);
    out.push({
      kind: 'detail',
      id: id('r53-budget'),
      label: 'Route 53 error budget',
      description: `${rb.left} · ${rb.minutes}`,
      icon: 'flame',
    });
    for (const o of r.observations)
      out.push({
        kind: 'detail',
        id: id(`r53-obs-${o.region}-${o.ip ?? ''}`),
        label: `checker ${o.region}`,
        description: o.status,
        icon: 'radio-tower',
      });
  }
  const firing = e.sla.burn.filter((b) => b.firing);
  if (firing.length)
    out.push({
      kind: 'detail',
      id: id('burn'),
      label: `Burn-rate alert (${firing[0].severity})`,
      description: `${firing[0].longBurn.toFixed(1)}× over ${formatDuration(firing[0].longMs)}`,
      icon: 'alert',
    });
  return out;
}
