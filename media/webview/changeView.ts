// Change view front-end: renders the state the extension posts (all data through textContent,
// never innerHTML), and sends back typed messages (open source, deploy this preview).
import './changeView.css';
import type { ChangeViewState, FromWebview, ToWebview } from '../../src/stacks/changeViewProtocol';

declare function acquireVsCodeApi(): { postMessage(m: FromWebview): void; setState(s: unknown): void; getState(): unknown };

const vscode = acquireVsCodeApi();

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

const OP_SIGN: Record<string, string> = { create: '+', update: '~', replace: '±', delete: '−', read: '>', same: '=' };

const LINE_SIGN: Record<string, string> = { add: '+', delete: '−', same: ' ' };

function lineDiffBlock(lines: NonNullable<ChangeViewState['groups'][number]['resources'][number]['diffs'][number]['lines']>): HTMLElement {
  const pre = el('pre', 'line-diff');
  pre.setAttribute('aria-label', 'line diff, old to new');
  for (const l of lines) {
    if (l.kind === 'fold') pre.append(el('span', 'line line-fold', `⋯ ${l.text} unchanged line${l.text === '1' ? '' : 's'}`));
    else pre.append(el('span', `line line-${l.kind}`, `${LINE_SIGN[l.kind]} ${l.text}`));
  }
  return pre;
}

function render(s: ChangeViewState): void {
  const root = document.getElementById('root')!;
  root.replaceChildren();
  const head = el('header');
  const title: Record<string, string> = { preview: 'Preview', up: 'Deploy', refresh: 'Refresh', destroy: 'Destroy' };
  head.append(el('h1', undefined, `${title[s.operation] ?? s.operation} · ${s.stack}`));
  const status = el('p', `status status-${s.status.replace(/\s+/g, '-')}`, s.countsLine ? `${s.status} — ${s.countsLine}` : s.status);
  status.setAttribute('role', 'status');
  head.append(status);
  if (s.route) head.append(el('p', 'note', s.route));
  if (s.planNote) head.append(el('p', 'note', s.planNote));
  if (s.canDeploy) {
    const b = el('button', 'deploy', 'Deploy exactly this preview');
    b.addEventListener('click', () => vscode.postMessage({ type: 'deploy' }));
    head.append(b);
  }
  if (s.record) {
    const a = el('a', 'record', `Operation record: ${s.record}`);
    a.href = '#';
    a.addEventListener('click', (ev) => {
      ev.preventDefault();
      vscode.postMessage({ type: 'openRecord' });
    });
    const p = el('p', 'note');
    p.append(a);
    head.append(p);
  }
  root.append(head);

  if (s.failure) {
    const f = el('section', 'failure');
    f.setAttribute('role', 'alert');
    f.append(el('strong', undefined, s.failure.message), el('p', undefined, s.failure.remedy));
    root.append(f);
  }
  const errors = s.diagnostics.filter((d) => d.severity === 'error');
  const others = s.diagnostics.filter((d) => d.severity !== 'error');
  if (errors.length || others.length) {
    const d = el('section', 'diagnostics');
    d.append(el('h2', undefined, 'Diagnostics'));
    const ul = el('ul');
    for (const x of [...errors, ...others]) {
      const li = el('li', `diag diag-${x.severity}`);
      li.append(el('span', 'sev', x.severity), el('span', 'res', x.resource ? ` ${x.resource}: ` : ' '), el('span', 'msg', x.message));
      ul.append(li);
    }
    d.append(ul);
    root.append(d);
  }
  for (const g of s.groups) {
    const sec = el('section', `group op-${g.op}`);
    const verb: Record<string, string> = {
      create: 'Create',
      update: 'Update',
      replace: 'Replace',
      delete: 'Delete',
      read: 'Read',
      same: 'Unchanged',
    };
    sec.append(el('h2', undefined, `${OP_SIGN[g.op] ?? ''} ${verb[g.op] ?? g.op} (${g.resources.length})`));
    for (const r of g.resources) {
      const card = el('article', `resource status-${r.status}`);
      const title = el('div', 'title');
      const name = r.hasSource ? el('a', 'name', r.name) : el('span', 'name', r.name);
      if (r.hasSource) {
        (name as HTMLAnchorElement).href = '#';
        name.title = 'Open in the program';
        name.addEventListener('click', (e) => {
          e.preventDefault();
          vscode.postMessage({ type: 'openSource', urn: r.urn });
        });
      }
      title.append(el('span', 'sign', OP_SIGN[r.op] ?? ''), name, el('span', 'type', r.type), el('span', 'state', r.status));
      card.append(title);
      if (r.replaceReasons.length) card.append(el('p', 'reason', `replaced because ${r.replaceReasons.join(', ')} changed`));
      if (r.diffs.length) {
        const t = el('table', 'diffs');
        for (const d of r.diffs) {
          const tr = el('tr', `diff diff-${d.kind}${d.replace ? ' forces-replace' : ''}`);
          if (d.lines) {
            // A multi-line string: its line diff across the value columns.
            const cell = el('td', 'lines');
            cell.colSpan = 3;
            cell.append(lineDiffBlock(d.lines));
            tr.append(el('td', 'path', d.path), cell);
          } else tr.append(el('td', 'path', d.path), el('td', 'old', d.old), el('td', 'arrow', '→'), el('td', 'new', d.new));
          t.append(tr);
        }
        card.append(t);
      }
      for (const e of r.errors) card.append(el('p', 'error', e));
      sec.append(card);
    }
    root.append(sec);
  }
  if (!s.groups.length && s.emptyText) root.append(el('p', 'empty', s.emptyText));
}

window.addEventListener('message', (ev: MessageEvent<ToWebview>) => {
  if (ev.data?.type === 'state') {
    vscode.setState(ev.data.state);
    render(ev.data.state);
  }
});
const initial = document.body.dataset.state;
if (initial) render(JSON.parse(initial) as ChangeViewState);
vscode.postMessage({ type: 'ready' });
