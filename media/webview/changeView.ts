// Change view front-end: renders the state the extension posts (all data through textContent,
// never innerHTML), and sends back typed messages (open source, deploy this preview).
import './changeView.css';
import type { ChangeViewPolicy, ChangeViewState, FromWebview, ToWebview } from '../../src/stacks/changeViewProtocol';

declare function acquireVsCodeApi(): { postMessage(m: FromWebview): void; setState(s: unknown): void; getState(): unknown };

const vscode = acquireVsCodeApi();

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A policy violation as one line: level, pack/policy, the resource (a link to its source when known), the message. */
function policyItem(v: ChangeViewPolicy, withResource: boolean): HTMLLIElement {
  const li = el('li', `policy policy-${v.level}`);
  li.append(el('span', 'level', v.level), el('span', 'policy-name', ` ${v.pack ? `${v.pack}/` : ''}${v.policy}`));
  if (withResource && v.resource) {
    li.append(document.createTextNode(' on '));
    if (v.hasSource && v.urn) {
      const a = el('a', 'res', v.resource);
      a.href = '#';
      a.title = 'Open in the program';
      const urn = v.urn;
      a.dataset.urn = urn;
      a.addEventListener('click', (e) => {
        e.preventDefault();
        vscode.postMessage({ type: 'openSource', urn });
      });
      li.append(a);
    } else li.append(el('span', 'res', v.resource));
  }
  li.append(el('span', 'msg', `: ${v.message.split('\n').join(' ')}`));
  return li;
}

/** Drift mode: per drifted resource, the properties whose cloud value differs (state → cloud). */
function renderDrift(drift: NonNullable<ChangeViewState['drift']>): HTMLElement {
  const sec = el('section', 'group drift');
  sec.append(el('h2', undefined, `≠ Drifted (${drift.resources.length})`));
  for (const r of drift.resources) {
    const card = el('article', 'resource drifted');
    const title = el('div', 'title');
    const name = r.hasSource ? el('a', 'name', r.name) : el('span', 'name', r.name);
    if (r.hasSource) {
      (name as HTMLAnchorElement).href = '#';
      name.title = 'Open in the program';
      name.dataset.urn = r.urn;
      name.addEventListener('click', (e) => {
        e.preventDefault();
        vscode.postMessage({ type: 'openSource', urn: r.urn });
      });
    }
    title.append(
      el('span', 'sign', '≠'),
      name,
      el('span', 'type', r.type),
      el('span', 'state', r.kind === 'deleted' ? 'deleted outside Pulumi' : 'changed'),
    );
    card.append(title);
    if (r.properties.length) {
      const t = el('table', 'diffs');
      const h = el('tr', 'diff-head');
      h.append(el('th', 'path', 'property'), el('th', 'old', 'state'), el('th', 'arrow', ''), el('th', 'new', 'cloud'));
      t.append(h);
      for (const d of r.properties) {
        const tr = el('tr', `diff diff-${d.kind}`);
        tr.append(el('td', 'path', d.path), el('td', 'old', d.old), el('td', 'arrow', '→'), el('td', 'new', d.new));
        t.append(tr);
      }
      card.append(t);
    }
    sec.append(card);
  }
  if (!drift.resources.length) sec.append(el('p', 'empty', 'No drift: the cloud matches the state.'));
  return sec;
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

/**
 * The resource cards of the last render, by group and URN, with the JSON they were built from. During
 * an operation the host sends the whole state again on every redraw (every resource of a 2,000-resource
 * update); building only the cards whose resource changed keeps a redraw's work to what changed.
 */
let cards = new Map<string, { json: string; card: HTMLElement }>();

/** A part of the page: a finished element, or a group of resource cards with its heading. */
type Block = { node: HTMLElement } | { op: string; heading: string; cards: HTMLElement[] };

/**
 * Updates the page in place: what reads as before stays the same element where it is, so the browser
 * repaints only what changed (a big stack's page rebuilt whole once a second cost the workbench seconds
 * of CPU per run, bench/README.md). A part is kept when it is the same node, or an equal one.
 */
function render(s: ChangeViewState): void {
  const root = document.getElementById('root')!;
  const nextCards = new Map<string, { json: string; card: HTMLElement }>();
  let blocks: Block[];
  try {
    blocks = blocksOf(s, nextCards);
  } finally {
    cards = nextCards;
  }
  let at = root.firstElementChild as HTMLElement | null;
  for (const b of blocks) {
    let placed: HTMLElement;
    if ('node' in b) {
      if (at && at.isEqualNode(b.node)) placed = at;
      else if (at && at.tagName === b.node.tagName && at.className === b.node.className && !at.dataset.op) {
        at.replaceWith(b.node);
        placed = b.node;
      } else {
        root.insertBefore(b.node, at);
        placed = b.node;
      }
    } else if (at?.dataset.op === b.op) {
      placed = at;
      patchGroup(at, b.heading, b.cards);
    } else {
      placed = el('section', `group op-${b.op}`);
      placed.dataset.op = b.op;
      placed.append(el('h2', undefined, b.heading), ...b.cards);
      root.insertBefore(placed, at);
    }
    at = placed.nextElementSibling as HTMLElement | null;
  }
  while (at) {
    const next = at.nextElementSibling as HTMLElement | null;
    at.remove();
    at = next;
  }
}

/** A group's heading and cards, in order, moving or replacing only the cards that changed. */
function patchGroup(sec: HTMLElement, heading: string, want: HTMLElement[]): void {
  const h2 = sec.firstElementChild!;
  if (h2.textContent !== heading) h2.textContent = heading;
  const wanted = new Set(want);
  let at = h2.nextElementSibling;
  for (const card of want) {
    while (at && !wanted.has(at as HTMLElement)) {
      const stale = at;
      at = at.nextElementSibling;
      stale.remove();
    }
    if (at === card) at = at.nextElementSibling;
    else sec.insertBefore(card, at);
  }
  while (at) {
    const stale = at;
    at = at.nextElementSibling;
    stale.remove();
  }
}

function blocksOf(s: ChangeViewState, nextCards: Map<string, { json: string; card: HTMLElement }>): Block[] {
  const blocks: Block[] = [];
  const head = el('header');
  const title: Record<string, string> = { preview: 'Preview', up: 'Deploy', refresh: 'Refresh', destroy: 'Destroy' };
  head.append(el('h1', undefined, `${s.drift ? 'Drift' : (title[s.operation] ?? s.operation)} · ${s.stack}`));
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
  if (s.drift?.resources.length) {
    head.append(
      el('p', 'note', `Checked ${new Date(s.drift.checkedAt).toLocaleString()} by a refresh in preview mode: nothing was changed.`),
    );
    const accept = el('button', 'deploy accept-drift', 'Accept: refresh the state from the cloud');
    accept.title = "Runs a refresh: the state takes the cloud's values (the program is not changed).";
    accept.addEventListener('click', () => vscode.postMessage({ type: 'acceptDrift' }));
    const revert = el('button', 'deploy revert-drift', "Revert: deploy the program's values");
    revert.title = "Runs a deploy that refreshes first: previews the changes that put the program's values back, then asks.";
    revert.addEventListener('click', () => vscode.postMessage({ type: 'revertDrift' }));
    head.append(accept, document.createTextNode(' '), revert);
  }
  blocks.push({ node: head });
  if (s.drift) {
    blocks.push({ node: renderDrift(s.drift) });
    return blocks;
  }

  if (s.failure) {
    const f = el('section', 'failure');
    f.setAttribute('role', 'alert');
    f.append(el('strong', undefined, s.failure.message), el('p', undefined, s.failure.remedy));
    blocks.push({ node: f });
  }
  if (s.policies?.length || s.policyPacks?.length) {
    const p = el('section', 'policies');
    p.append(el('h2', undefined, `Policies (${s.policies?.length ?? 0})`));
    if (s.policyPacks?.length) p.append(el('p', 'note', `Policy packs: ${s.policyPacks.join(', ')}`));
    const ul = el('ul');
    for (const v of s.policies ?? []) ul.append(policyItem(v, true));
    if (!s.policies?.length) ul.append(el('li', 'policy policy-none', 'No violations.'));
    p.append(ul);
    blocks.push({ node: p });
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
    blocks.push({ node: d });
  }
  for (const g of s.groups) {
    const groupCards: HTMLElement[] = [];
    const verb: Record<string, string> = {
      create: 'Create',
      update: 'Update',
      replace: 'Replace',
      delete: 'Delete',
      read: 'Read',
      same: 'Unchanged',
    };
    for (const r of g.resources) {
      // A card whose resource reads as before is the same element, moved into the new page.
      const cardKey = `${g.op}\u0000${r.urn}`;
      const json = JSON.stringify(r);
      const kept = cards.get(cardKey);
      if (kept?.json === json) {
        nextCards.set(cardKey, kept);
        groupCards.push(kept.card);
        continue;
      }
      const card = el('article', `resource status-${r.status}`);
      nextCards.set(cardKey, { json, card });
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
      title.append(el('span', 'sign', OP_SIGN[r.op] ?? ''), name, el('span', 'type', r.type), el('span', 'state', r.label));
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
      if (r.policies?.length) {
        const ul = el('ul', 'resource-policies');
        for (const v of r.policies) ul.append(policyItem(v, false));
        card.append(ul);
      }
      groupCards.push(card);
    }
    blocks.push({ op: g.op, heading: `${OP_SIGN[g.op] ?? ''} ${verb[g.op] ?? g.op} (${g.resources.length})`, cards: groupCards });
  }
  if (!s.groups.length && s.emptyText) blocks.push({ node: el('p', 'empty', s.emptyText) });
  return blocks;
}

// The state kept for a reload of the view is saved at most once a second: it is the whole state
// again, copied to the workbench each time, and only the latest one matters.
let unsaved: ChangeViewState | undefined;
let saveTimer: ReturnType<typeof setTimeout> | undefined;
function saveSoon(state: ChangeViewState): void {
  unsaved = state;
  saveTimer ??= setTimeout(() => {
    saveTimer = undefined;
    vscode.setState(unsaved);
  }, 1000);
}

window.addEventListener('message', (ev: MessageEvent<ToWebview>) => {
  if (ev.data?.type === 'state') {
    saveSoon(ev.data.state);
    render(ev.data.state);
  }
});
const initial = document.body.dataset.state;
if (initial) render(JSON.parse(initial) as ChangeViewState);
vscode.postMessage({ type: 'ready' });
