// Resource graph front-end: draws the boxes the extension laid out (SVG, all text through
// textContent), with search, zoom, fit, pan, keyboard movement between nodes (arrow keys in the
// graph, Tab along the list beside it) and typed messages back (open state, open source, refresh).
import './resourceGraph.css';
import type { FromWebview, GraphViewState, ToWebview } from '../../src/stacks/resourceGraphProtocol';
import type { GraphViewNode, NodeStatus } from '../../src/stacks/model/resourceGraph';
import { Direction, Rect, nextInDirection, readingOrder } from '../../src/stacks/model/graphNavigation';
import { nodeLabels, shortType } from '../../src/stacks/model/graphLabels';

declare function acquireVsCodeApi(): { postMessage(m: FromWebview): void; setState(s: unknown): void; getState(): unknown };

const vscode = acquireVsCodeApi();
const SVG = 'http://www.w3.org/2000/svg';
const HEADER = 26; // the title row of a group box (graphLayout's groupHeader)
/** Below this zoom the words in the boxes are too small to read: they are not drawn. */
const FAR = 0.35;

const GLYPH: Record<NodeStatus, string> = {
  pending: '…',
  failed: '!',
  drift: '≠',
  create: '+',
  update: '~',
  replace: '±',
  delete: '−',
  read: '>',
  none: '',
};
const LEGEND: Array<[NodeStatus, string]> = [
  ['create', 'create'],
  ['update', 'update'],
  ['replace', 'replace'],
  ['delete', 'delete'],
  ['read', 'read'],
  ['failed', 'failed'],
  ['drift', 'drifted'],
  ['pending', 'pending operation'],
  ['none', 'unchanged'],
];

interface Saved {
  view?: { x: number; y: number; k: number };
  query?: string;
  listShown?: boolean;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
  cls?: string,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (cls) e.setAttribute('class', cls);
  return e;
}

function fit(text: string, px: number, charPx = 7): string {
  const max = Math.max(3, Math.floor(px / charPx));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

class GraphView {
  private s!: GraphViewState;
  private rects: Rect[] = [];
  private navRects: Rect[] = [];
  private order: number[] = [];
  private labels: string[] = [];
  private index = new Map<string, number>();
  private adjacency: number[][] = [];
  private nodeEls: SVGGElement[] = [];
  private edgeEls: SVGPathElement[] = [];
  private labelled = new Uint8Array(0);
  private focusRing: SVGRectElement | undefined;
  private labelPass = 0;
  private listButtons = new Map<number, HTMLButtonElement>();
  private focused = -1;
  private matches: number[] | undefined;
  private searched = false;
  private view = { x: 0, y: 0, k: 1 };
  private canvasSize = { width: 0, height: 0 };
  /** True until the user zooms or pans: then a resize keeps their view. */
  private fitted = true;
  private readonly saved: Saved = (vscode.getState() as Saved | undefined) ?? {};

  private readonly root = document.getElementById('root')!;
  private readonly search = el('input', 'search');
  private readonly matchCount = el('span', 'match-count');
  private readonly canvas = el('div', 'canvas');
  private readonly tooltip = el('div', 'tooltip');
  private readonly svgEl = svg('svg', {}, 'graph');
  private readonly viewport = svg('g', {}, 'viewport');
  private readonly list = el('ol', 'list');
  private readonly listPane = el('aside', 'list-pane');
  private readonly details = el('section', 'details');
  private readonly legend = el('section', 'legend');
  private readonly heading = el('h1');
  private readonly note = el('p', 'note');

  constructor() {
    this.buildChrome();
  }

  private buildChrome(): void {
    const bar = el('header', 'toolbar');
    bar.setAttribute('role', 'toolbar');
    bar.setAttribute('aria-label', 'Resource graph tools');
    this.search.type = 'search';
    this.search.placeholder = 'Search name or type';
    this.search.setAttribute('aria-label', 'Search resources by name or type; Enter moves to the next match');
    this.search.value = this.saved.query ?? '';
    let t: ReturnType<typeof setTimeout> | undefined;
    this.search.addEventListener('input', () => {
      clearTimeout(t);
      t = setTimeout(() => this.applySearch(), 80);
    });
    this.search.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        this.applySearch();
        const m = this.matches ?? this.order;
        if (!m.length) return;
        const at = m.indexOf(this.focused);
        this.focusNode(m[(at + (e.shiftKey ? m.length - 1 : 1)) % m.length]!, true);
      } else if (e.key === 'Escape' && this.search.value) {
        e.preventDefault();
        this.search.value = '';
        this.applySearch();
      }
    });
    this.matchCount.setAttribute('role', 'status');
    this.matchCount.setAttribute('aria-live', 'polite');
    const button = (text: string, title: string, onClick: () => void, cls?: string) => {
      const b = el('button', cls, text);
      b.type = 'button';
      b.title = title;
      b.setAttribute('aria-label', title);
      b.addEventListener('click', onClick);
      return b;
    };
    const listToggle = button('List', 'Show or hide the list of resources', () => this.showList(!this.listShownNow()), 'list-toggle');
    listToggle.setAttribute('aria-controls', 'resource-list');
    bar.append(
      this.heading,
      this.search,
      this.matchCount,
      button('−', 'Zoom out (-)', () => this.zoomBy(1 / 1.4)),
      button('+', 'Zoom in (+)', () => this.zoomBy(1.4)),
      button('Fit', 'Fit the graph to the window (0)', () => this.fitView()),
      listToggle,
      button('Refresh', "Read the stack's state again", () => vscode.postMessage({ type: 'refresh' })),
    );

    this.svgEl.setAttribute('role', 'group');
    this.svgEl.setAttribute('aria-roledescription', 'resource graph');
    const defs = svg('defs');
    for (const kind of ['dependency', 'parent', 'provider', 'hl']) {
      const m = svg('marker', {
        id: `arrow-${kind}`,
        viewBox: '0 0 10 10',
        refX: 9,
        refY: 5,
        markerWidth: 7,
        markerHeight: 7,
        orient: 'auto-start-reverse',
      });
      m.append(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z' }, `arrow arrow-${kind}`));
      defs.append(m);
    }
    this.svgEl.append(defs, this.viewport);
    this.tooltip.hidden = true;
    this.tooltip.setAttribute('aria-hidden', 'true'); // the same words are the node's ARIA label
    this.canvas.append(this.svgEl, this.tooltip);
    this.canvas.addEventListener('keydown', (e) => this.onKey(e));
    this.bindPointer();

    this.listPane.id = 'resource-list';
    this.listPane.setAttribute('aria-label', 'Resources');
    const listHead = el('h2', undefined, 'Resources');
    this.list.setAttribute('aria-label', 'Resources in reading order; Enter shows the state, Shift+Enter the source');
    this.listPane.append(listHead, this.list);
    const itemOf = (e: Event) => {
      const b = (e.target as Element).closest('.item') as HTMLElement | null;
      return b ? Number(b.dataset.index) : undefined;
    };
    this.list.addEventListener('focusin', (e) => {
      const i = itemOf(e);
      if (i !== undefined) this.setCurrent(i, true);
    });
    this.list.addEventListener('click', (e) => {
      const i = itemOf(e);
      if (i !== undefined) this.open(i, e.shiftKey || e.altKey || e.ctrlKey || e.metaKey);
    });
    this.list.addEventListener('keydown', (e) => {
      const i = itemOf(e);
      if (i !== undefined && e.key === 'Enter') {
        e.preventDefault();
        this.open(i, e.shiftKey);
      }
    });

    this.details.setAttribute('aria-live', 'polite');
    this.legend.setAttribute('aria-label', 'Legend');
    const main = el('div', 'main');
    main.append(this.canvas, this.listPane);
    this.root.append(bar, this.note, main, this.details, this.legend);
    this.showList(this.saved.listShown ?? true);
    // The canvas size is kept from the resize observer, so drawing never forces a layout to ask for it.
    // A graph still fitted to the window stays fitted when the window changes size (a state opened beside it).
    new ResizeObserver(([entry]) => {
      if (!entry) return;
      const changed = entry.contentRect.width !== this.canvasSize.width || entry.contentRect.height !== this.canvasSize.height;
      this.canvasSize = { width: entry.contentRect.width, height: entry.contentRect.height };
      if (changed && this.s) {
        if (this.fitted) this.fitView(true);
        else this.applyView();
      }
    }).observe(this.canvas);
  }

  /** The canvas's size: measured once when first needed, then kept current by the resize observer. */
  private size(): { width: number; height: number } {
    if (!this.canvasSize.width) {
      const r = this.canvas.getBoundingClientRect();
      this.canvasSize = { width: r.width, height: r.height };
    }
    return this.canvasSize;
  }

  private listShownNow(): boolean {
    return !this.listPane.hidden;
  }

  private showList(shown: boolean): void {
    this.listPane.hidden = !shown;
    document.querySelector('.list-toggle')?.setAttribute('aria-pressed', String(shown));
    this.save({ listShown: shown });
  }

  private save(patch: Partial<Saved>): void {
    Object.assign(this.saved, patch);
    vscode.setState(this.saved);
  }

  render(s: GraphViewState): void {
    const started = performance.now();
    const previous = this.s;
    this.s = s;
    this.index = new Map(s.nodes.map((n, i) => [n.id, i]));
    this.rects = s.boxes.map((b) => [b[0], b[1], b[2], b[3]] as const);
    // Arrow keys aim at a group's title row, not the middle of everything it holds.
    this.navRects = s.nodes.map((n, i) =>
      n.group ? ([this.rects[i]![0], this.rects[i]![1], this.rects[i]![2], HEADER] as const) : this.rects[i]!,
    );
    this.order = readingOrder(
      s.nodes.map((n) => n.parent),
      this.rects,
    );
    this.labels = nodeLabels(s.nodes, s.edges);
    this.adjacency = s.nodes.map(() => []);
    s.edges.forEach((e, k) => {
      this.adjacency[e.from]!.push(k);
      this.adjacency[e.to]!.push(k);
    });

    this.heading.textContent = `${s.project} / ${s.stack}`;
    const resources = s.nodes.filter((n) => n.kind !== 'typeGroup').length;
    this.svgEl.setAttribute(
      'aria-label',
      `Resource graph of ${s.stack}: ${resources} resources, ${s.edges.length} links. Arrow keys move between resources, Enter shows the state, Shift+Enter the source, plus and minus zoom, 0 fits.`,
    );
    this.note.textContent = s.colouredBy ? `Colours: ${s.colouredBy}.` : 'Colours: no operation has run on this stack in this window yet.';
    if (s.notInState.length) this.note.textContent += ` Not in the state: ${s.notInState.map((x) => `${x.name} (${x.op})`).join(', ')}.`;

    this.size(); // measured while the page is still light
    this.drawGraph();
    this.drawList();
    this.drawLegend();
    const keep = previous && this.focused >= 0 ? this.index.get(previous.nodes[this.focused]?.id ?? '') : undefined;
    this.focused = -1;
    this.setCurrent(keep ?? this.order[0] ?? -1, false);
    this.applySearch();
    if (!previous) {
      if (this.saved.view) {
        this.view = { ...this.saved.view };
        this.fitted = false;
      } else this.fitView(true);
    }
    this.applyView();
    const nodes = this.nodeEls.length;
    const edges = this.edgeEls.length;
    requestAnimationFrame(() =>
      requestAnimationFrame(() =>
        vscode.postMessage({
          type: 'rendered',
          generation: s.generation,
          nodes,
          edges,
          ms: Math.round(performance.now() - started),
          pageAge: Math.round(started),
        }),
      ),
    );
  }

  /**
   * Boxes and links first; the words inside a box only once the view is close enough to read them,
   * and only for the boxes in view (see drawLabels). A 2,000-resource graph is then ~6,000 SVG
   * elements at first paint instead of ~20,000.
   */
  private drawGraph(): void {
    const s = this.s;
    const groups = svg('g', {}, 'groups');
    const edges = svg('g', {}, 'edges');
    const nodes = svg('g', {}, 'nodes');
    this.nodeEls = [];
    this.edgeEls = [];
    this.labelled = new Uint8Array(s.nodes.length);
    // Groups first, outermost first, so inner boxes paint over outer ones.
    const depth = s.nodes.map((_, i) => this.depthOf(i));
    const byDepth = s.nodes.map((_, i) => i).sort((a, b) => depth[a]! - depth[b]! || a - b);
    for (const i of byDepth) {
      const n = s.nodes[i]!;
      const [x, y, w, h] = this.rects[i]!;
      const g = svg(
        'g',
        { 'data-id': n.id, 'data-index': i, tabindex: -1, role: 'button', 'aria-label': this.labels[i]! },
        `node status-${n.status} kind-${n.kind}${n.group ? ' group' : ''}`,
      );
      if (n.group) {
        g.append(
          svg('rect', { x, y, width: w, height: h, rx: 6 }, 'frame'),
          svg('rect', { x, y, width: w, height: HEADER, rx: 6 }, 'header'),
        );
        groups.append(g);
      } else {
        g.append(svg('rect', { x, y, width: w, height: h, rx: 4 }, 'frame'));
        nodes.append(g);
      }
      this.nodeEls[i] = g;
    }
    s.edges.forEach((e, k) => {
      const p = svg(
        'path',
        {
          d: this.edgePath(e.from, e.to),
          'data-from': s.nodes[e.from]!.id,
          'data-to': s.nodes[e.to]!.id,
          'marker-end': `url(#arrow-${e.kind})`,
        },
        `edge edge-${e.kind}`,
      );
      edges.append(p);
      this.edgeEls[k] = p;
    });
    // One focus ring, moved to the node that has the focus.
    this.focusRing = svg('rect', { rx: 6 }, 'focus-ring');
    this.viewport.replaceChildren(groups, edges, nodes, this.focusRing);
  }

  /** Adds the words to the boxes in view (with a margin), when the view is close enough to read them. */
  private drawLabels(): void {
    if (!this.s || this.view.k < FAR) return;
    const r = this.size();
    const k = this.view.k;
    const margin = 200 / k;
    const x0 = -this.view.x / k - margin;
    const y0 = -this.view.y / k - margin;
    const x1 = x0 + r.width / k + 2 * margin;
    const y1 = y0 + r.height / k + 2 * margin;
    for (let i = 0; i < this.s.nodes.length; i++) {
      if (this.labelled[i]) continue;
      const [x, y, w, h] = this.rects[i]!;
      const n = this.s.nodes[i]!;
      const hy = n.group ? HEADER : h;
      if (x > x1 || y > y1 || x + w < x0 || y + hy < y0) continue;
      this.labelled[i] = 1;
      const g = this.nodeEls[i]!;
      const glyph = GLYPH[n.status];
      if (n.group) {
        const t = svg('text', { x: x + 10, y: y + 17 }, 'name');
        t.textContent = fit(`${glyph ? `${glyph} ` : ''}${n.name}${n.kind === 'typeGroup' ? '' : `  ${shortType(n.type)}`}`, w - 20);
        g.append(t);
      } else {
        g.append(svg('rect', { x, y, width: 5, height: h, rx: 2 }, 'stripe'));
        const name = svg('text', { x: x + 12, y: y + 18 }, 'name');
        name.textContent = fit(n.name, w - 40, 7.2);
        const type = svg('text', { x: x + 12, y: y + 34 }, 'type');
        type.textContent = fit(shortType(n.type), w - 20, 6.2);
        g.append(name, type);
        if (glyph) {
          const gl = svg('text', { x: x + w - 10, y: y + 18, 'text-anchor': 'end' }, 'glyph');
          gl.textContent = glyph;
          g.append(gl);
        }
      }
    }
  }

  private placeFocusRing(): void {
    if (!this.focusRing || this.focused < 0) return;
    const [x, y, w, h] = this.navRects[this.focused]!;
    for (const [k, v] of Object.entries({ x: x - 4, y: y - 4, width: w + 8, height: h + 8 })) this.focusRing.setAttribute(k, String(v));
  }

  /** A curve from the dependent's left side to the right side of what it depends on (or its title row). */
  private edgePath(from: number, to: number): string {
    const a = this.rects[from]!;
    const b = this.rects[to]!;
    const ay = this.s.nodes[from]!.group ? a[1] + HEADER / 2 : a[1] + a[3] / 2;
    const by = this.s.nodes[to]!.group ? b[1] + HEADER / 2 : b[1] + b[3] / 2;
    const x1 = a[0];
    const x2 = b[0] + b[2];
    const bend = Math.max(40, Math.abs(x1 - x2) / 2);
    return `M${x1},${ay} C${x1 - bend},${ay} ${x2 + bend},${by} ${x2},${by}`;
  }

  /**
   * The list beside the graph, one button per resource in reading order. The first screenful is built
   * at once, the rest in slices after the graph has painted, so a big stack shows its graph first.
   */
  private drawList(): void {
    this.listButtons.clear();
    this.list.replaceChildren();
    const generation = this.s.generation;
    let at = 0;
    const slice = (count: number) => {
      if (this.s.generation !== generation) return;
      const frag = document.createDocumentFragment();
      const hit = this.matches ? new Set(this.matches) : undefined;
      for (const end = Math.min(this.order.length, at + count); at < end; at++) {
        const i = this.order[at]!;
        const n = this.s.nodes[i]!;
        const li = el('li', `status-${n.status}`);
        li.hidden = !!hit && !hit.has(i);
        const b = el('button', 'item');
        b.type = 'button';
        b.dataset.index = String(i);
        b.setAttribute('aria-label', this.labels[i]!);
        b.style.paddingLeft = `${6 + this.depthOf(i) * 12}px`;
        b.append(
          el('span', 'glyph', GLYPH[n.status] || '·'),
          el('span', 'name', n.name),
          el('span', 'type', n.kind === 'typeGroup' ? '' : shortType(n.type)),
        );
        li.append(b);
        frag.append(li);
        this.listButtons.set(i, b);
      }
      this.list.append(frag);
      if (at < this.order.length) setTimeout(() => slice(400), 0);
    };
    slice(120);
  }

  private depthOf(i: number): number {
    let d = 0;
    for (let p = this.s.nodes[i]!.parent; p !== undefined && d < 64; p = this.s.nodes[p]?.parent) d++;
    return d;
  }

  private drawLegend(): void {
    const s = this.s;
    const items: HTMLElement[] = [el('h2', undefined, 'Legend')];
    const ul = el('ul');
    for (const [status, text] of LEGEND) {
      if (status !== 'none' && s.counts[status] === 0) continue;
      const li = el('li', `status-${status}`);
      li.append(el('span', 'swatch', GLYPH[status]), el('span', undefined, `${text} (${s.counts[status]})`));
      ul.append(li);
    }
    const edges = el('ul', 'edge-legend');
    for (const [kind, text] of [
      ['dependency', 'depends on (arrow points at the dependency)'],
      ['parent', 'child of a resource that is not a component'],
      ['provider', 'uses an explicit provider'],
    ] as const) {
      const li = el('li', `edge-key edge-key-${kind}`);
      const key = svg('svg', { width: 36, height: 10, 'aria-hidden': 'true' });
      key.append(svg('line', { x1: 2, y1: 5, x2: 34, y2: 5 }, `edge edge-${kind}`));
      li.append(key, el('span', undefined, text));
      edges.append(li);
    }
    const box = el('li', 'edge-key');
    box.append(el('span', 'box-key'), el('span', undefined, 'a box: a component and the resources it holds'));
    edges.append(box);
    items.push(ul, edges);
    this.legend.replaceChildren(...items);
  }

  private applySearch(): void {
    const q = this.search.value.trim().toLowerCase();
    this.save({ query: this.search.value });
    const s = this.s;
    if (!s) return;
    this.matches = q
      ? s.nodes.map((_, i) => i).filter((i) => `${s.nodes[i]!.name}\n${s.nodes[i]!.type}`.toLowerCase().includes(q))
      : undefined;
    const hit = new Set(this.matches ?? []);
    this.svgEl.classList.toggle('searching', !!q);
    // Nothing to mark or unmark when there is no search now and there was none before.
    if (q || this.searched) {
      this.nodeEls.forEach((g, i) => g.classList.toggle('match', hit.has(i)));
      for (const [i, b] of this.listButtons) b.parentElement!.hidden = !!q && !hit.has(i);
    }
    this.searched = !!q;
    // The order of matches follows the list.
    if (this.matches) {
      const rank = new Map(this.order.map((i, k) => [i, k]));
      this.matches.sort((a, b) => rank.get(a)! - rank.get(b)!);
    }
    const total = s.nodes.length;
    this.matchCount.textContent = q ? `${this.matches!.length} of ${total} match` : `${total} nodes`;
  }

  /** Makes node i the one Tab reaches in the graph, highlights it and its links; optionally pans to it. */
  private setCurrent(i: number, reveal: boolean): void {
    if (i < 0 || !this.s.nodes[i]) return;
    const prev = this.focused;
    if (prev >= 0 && this.nodeEls[prev]) {
      this.nodeEls[prev]!.setAttribute('tabindex', '-1');
      this.nodeEls[prev]!.classList.remove('current');
      for (const k of this.adjacency[prev] ?? []) this.edgeEls[k]?.classList.remove('hl');
    }
    this.focused = i;
    const g = this.nodeEls[i]!;
    g.setAttribute('tabindex', '0');
    g.classList.add('current');
    for (const k of this.adjacency[i] ?? []) this.edgeEls[k]?.classList.add('hl');
    this.placeFocusRing();
    if (reveal) this.reveal(i);
    this.showDetails(i);
  }

  private focusNode(i: number, reveal: boolean): void {
    this.setCurrent(i, reveal);
    this.nodeEls[i]?.focus({ preventScroll: true });
  }

  private showDetails(i: number): void {
    const n: GraphViewNode = this.s.nodes[i]!;
    const parts: HTMLElement[] = [
      el('strong', undefined, n.name),
      el('span', 'type', n.type),
      el('span', `status status-${n.status}`, n.statusText),
    ];
    if (n.detail) parts.push(el('span', 'detail', n.detail));
    const deps = this.s.edges.filter((e) => e.from === i && e.kind === 'dependency').map((e) => this.s.nodes[e.to]!.name);
    if (deps.length)
      parts.push(el('span', 'deps', `depends on ${deps.slice(0, 6).join(', ')}${deps.length > 6 ? ` and ${deps.length - 6} more` : ''}`));
    if (n.kind !== 'typeGroup') {
      const state = el('button', undefined, 'Show State');
      state.type = 'button';
      state.addEventListener('click', () => this.open(i, false));
      const source = el('button', undefined, 'Go to Source');
      source.type = 'button';
      source.disabled = !n.hasSource;
      source.title = n.hasSource ? 'Open the line of the program that declared it' : 'The state records no source position for it';
      source.addEventListener('click', () => this.open(i, true));
      parts.push(state, source);
    }
    this.details.replaceChildren(...parts);
  }

  private open(i: number, source: boolean): void {
    const n = this.s.nodes[i]!;
    if (n.kind === 'typeGroup') return;
    if (source && !n.hasSource) {
      this.details.querySelector('.detail-note')?.remove();
      this.details.append(el('span', 'detail-note', 'No source position is recorded for this resource.'));
      return;
    }
    vscode.postMessage({ type: source ? 'openSource' : 'openState', urn: n.id });
  }

  private onKey(e: KeyboardEvent): void {
    const t = e.target as Element;
    const dirs: Record<string, Direction> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' };
    if (dirs[e.key]) {
      e.preventDefault();
      if (this.focused < 0) return this.focusNode(this.order[0]!, true);
      const hit = this.matches ? new Set(this.matches) : undefined;
      const next = nextInDirection(this.navRects, this.focused, dirs[e.key]!, hit ? (i) => hit.has(i) : undefined);
      if (next !== undefined) this.focusNode(next, true);
      return;
    }
    if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      const seq = this.matches ?? this.order;
      if (seq.length) this.focusNode(e.key === 'Home' ? seq[0]! : seq[seq.length - 1]!, true);
      return;
    }
    if (e.key === 'Enter' && t.closest('.node')) {
      e.preventDefault();
      this.open(this.focused, e.shiftKey);
      return;
    }
    if (e.key === 'Escape' && this.search.value) {
      e.preventDefault();
      this.search.value = '';
      this.applySearch();
      return;
    }
    if (e.key === '+' || e.key === '=') return (e.preventDefault(), this.zoomBy(1.4));
    if (e.key === '-' || e.key === '_') return (e.preventDefault(), this.zoomBy(1 / 1.4));
    if (e.key === '0') return (e.preventDefault(), this.fitView());
  }

  private bindPointer(): void {
    // `target`: where the press began. While dragging, the pointer is captured by the svg, so the
    // release reports the svg as its target, not the box title that was pressed.
    let drag: { x: number; y: number; vx: number; vy: number; moved: boolean; target: Element } | undefined;
    this.svgEl.addEventListener('pointerdown', (e) => {
      if ((e.target as Element).closest('.node:not(.group)') || e.button !== 0) return;
      drag = { x: e.clientX, y: e.clientY, vx: this.view.x, vy: this.view.y, moved: false, target: e.target as Element };
      this.svgEl.setPointerCapture(e.pointerId);
    });
    this.svgEl.addEventListener('pointermove', (e) => {
      if (!drag) return;
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
      this.view.x = drag.vx + dx;
      this.view.y = drag.vy + dy;
      this.fitted = false;
      this.applyView();
    });
    this.svgEl.addEventListener('pointerup', (e) => {
      const pressed = drag;
      drag = undefined;
      if (pressed?.moved) {
        this.save({ view: this.view });
        return;
      }
      const target = pressed?.target ?? (e.target as Element);
      const g = target.closest('.node') as SVGGElement | null;
      if (!g || e.button !== 0) return;
      const i = Number(g.dataset.index);
      // A group is clicked on its title row; its inside is background (for panning).
      if (this.s.nodes[i]?.group && !target.closest('.header, .name')) return;
      this.focusNode(i, false);
      this.open(i, e.altKey || e.ctrlKey || e.metaKey || e.shiftKey);
    });
    this.svgEl.addEventListener('pointerover', (e) => {
      const g = (e.target as Element).closest('.node') as SVGGElement | null;
      const n = g ? this.s.nodes[Number(g.dataset.index)] : undefined;
      if (!n || drag) return void (this.tooltip.hidden = true);
      this.tooltip.textContent = [n.name, n.type, n.statusText, n.detail].filter(Boolean).join('\n');
      const r = this.canvas.getBoundingClientRect();
      this.tooltip.style.left = `${Math.min(e.clientX - r.left + 14, r.width - 200)}px`;
      this.tooltip.style.top = `${e.clientY - r.top + 14}px`;
      this.tooltip.hidden = false;
    });
    this.svgEl.addEventListener('pointerleave', () => (this.tooltip.hidden = true));
    this.svgEl.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        const r = this.svgEl.getBoundingClientRect();
        this.zoomBy(Math.exp(-e.deltaY * 0.0015), e.clientX - r.left, e.clientY - r.top);
      },
      { passive: false },
    );
  }

  private zoomBy(f: number, px?: number, py?: number): void {
    const r = this.size();
    const cx = px ?? r.width / 2;
    const cy = py ?? r.height / 2;
    const k = Math.min(3, Math.max(0.02, this.view.k * f));
    this.view.x = cx - ((cx - this.view.x) * k) / this.view.k;
    this.view.y = cy - ((cy - this.view.y) * k) / this.view.k;
    this.view.k = k;
    this.fitted = false;
    this.applyView();
    this.save({ view: this.view });
  }

  fitView(initial = false): void {
    const r = this.size();
    const w = Math.max(1, this.s.width);
    const h = Math.max(1, this.s.height);
    const pad = 24;
    let k = Math.min((r.width - 2 * pad) / w, (r.height - 2 * pad) / h);
    if (!isFinite(k) || k <= 0) k = 1;
    // Small graphs are not blown up far beyond their natural size.
    k = Math.min(k, 1.25);
    this.view = { k, x: (r.width - w * k) / 2, y: initial ? pad : (r.height - h * k) / 2 };
    if (initial && h * k < r.height - 2 * pad) this.view.y = (r.height - h * k) / 2;
    this.fitted = true;
    this.applyView();
    if (!initial) this.save({ view: this.view });
  }

  /** Pans so that node i is inside the visible area (centred when it was outside). */
  private reveal(i: number): void {
    const r = this.size();
    const [x, y, w, h0] = this.s.nodes[i]!.group ? this.navRects[i]! : this.rects[i]!;
    const k = this.view.k;
    const sx = x * k + this.view.x;
    const sy = y * k + this.view.y;
    if (sx >= 0 && sy >= 0 && sx + w * k <= r.width && sy + h0 * k <= r.height) return;
    this.view.x = r.width / 2 - (x + w / 2) * k;
    this.view.y = r.height / 2 - (y + h0 / 2) * k;
    this.fitted = false;
    this.applyView();
    this.save({ view: this.view });
  }

  private applyView(): void {
    this.viewport.setAttribute('transform', `translate(${this.view.x},${this.view.y}) scale(${this.view.k})`);
    // Far out, labels are unreadable anyway: leaving them out keeps panning smooth on big stacks.
    this.svgEl.classList.toggle('far', this.view.k < FAR);
    if (!this.labelPass)
      this.labelPass = requestAnimationFrame(() => {
        this.labelPass = 0;
        this.drawLabels();
      });
  }
}

// The page arrives saying the state is being read; the graph follows as a message (the extension
// lays it out while VS Code sets the page up). The view is built on the first graph.
let view: GraphView | undefined;
let generation = -1;
window.addEventListener('message', (e: MessageEvent<ToWebview>) => {
  const m = e.data;
  if (m?.type === 'failed') {
    const note = document.getElementById('loading') ?? document.querySelector('.note');
    if (!note) return;
    note.textContent = `Could not read the state: ${m.message}`;
    note.setAttribute('role', 'alert');
    note.classList.add('failed');
    return;
  }
  if (m?.type !== 'graph' || m.state.generation === generation) return;
  generation = m.state.generation;
  document.getElementById('loading')?.remove();
  view ??= new GraphView();
  view.render(m.state);
});
vscode.postMessage({ type: 'ready' });
