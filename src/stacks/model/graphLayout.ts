// Lays out the resource graph: boxes nested by component, dependencies flowing left to right.
// Pure (no `vscode`), so it runs in the extension host, in plain Node for the unit tests and in
// `npm run bench`.
//
// The layered layout itself is dagre's (@dagrejs/dagre: rank assignment, crossing reduction,
// coordinates). It is not run on the whole graph at once: a 2,000-node compound graph took dagre
// 25 s (and failed on cross-cluster edges), ELK 2-4 s. Instead the hierarchy is laid out bottom-up:
// each component's direct children form one small graph (edges between deeper descendants are lifted
// to the children that contain them), each weakly connected part of it is laid out by dagre, and the
// parts, with the unconnected resources, are packed into rows. A component's box is then one node of
// its parent's graph. Edges are not routed: the webview draws each as a curve between the two boxes,
// whatever their nesting.
import { coordGreedy, decrossDfs, decrossTwoLayer, graphConnect, layeringLongestPath, sugiyama, twolayerAgg } from 'd3-dag';

export interface LayoutNode {
  id: string;
  /** The id of the group (component) this node is drawn in; undefined at the top level. */
  parent?: string;
  /** Size of a leaf; a group's size is computed from its children. */
  width: number;
  height: number;
}

export interface LayoutEdge {
  /** The dependent resource. */
  from: string;
  /** What it depends on: drawn to the left of `from` where the graph allows. */
  to: string;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LayoutOptions {
  /** Space between ranks (columns) and between nodes in a rank. */
  rankGap: number;
  nodeGap: number;
  /** Space between packed parts and unconnected nodes. */
  packGap: number;
  /** Inner padding of a group box, and the height of its title row. */
  groupPadding: number;
  groupHeader: number;
  /** Width / height the packing aims for, per group. */
  aspect: number;
  /**
   * Connected parts with more nodes than this skip dagre's extra crossing-reduction pass, which
   * doubles its time on big flat graphs (measured: 2.1 s → 1.0 s for 1,700 nodes) for little gain.
   */
  thoroughUpTo: number;
  /** A part whose shape is this many times taller than the aspect aimed at is also laid out without the edges into its hubs… */
  tallPart: number;
  /** …the boxes at least this many others (in the part) depend on. */
  hubDependents: number;
}

export const DEFAULT_LAYOUT: LayoutOptions = {
  rankGap: 56,
  nodeGap: 12,
  packGap: 28,
  groupPadding: 12,
  groupHeader: 26,
  aspect: 1.6,
  thoroughUpTo: 300,
  tallPart: 2,
  hubDependents: 5,
};

export interface LayoutResult {
  /** Top-left corner and size of every node and group, in one coordinate space. */
  boxes: Map<string, Box>;
  width: number;
  height: number;
}

const ROOT = '\u0000root';

interface Item {
  id: string;
  width: number;
  height: number;
}

/** A laid-out block: items at offsets relative to the block's top-left corner. */
interface Block {
  width: number;
  height: number;
  items: Array<{ id: string; x: number; y: number }>;
}

export function layoutGraph(nodes: LayoutNode[], edges: LayoutEdge[], options: Partial<LayoutOptions> = {}): LayoutResult {
  const o = { ...DEFAULT_LAYOUT, ...options };
  const byId = new Map<string, LayoutNode>();
  for (const n of nodes) byId.set(n.id, n);
  const parentOf = (id: string): string => {
    const p = byId.get(id)?.parent;
    return p !== undefined && byId.has(p) && p !== id ? p : ROOT;
  };
  // Depth of every node (for lifting edges to the level where they meet). A parent cycle in bad
  // input is cut at the node that closes it, which then counts as top level.
  const depth = new Map<string, number>();
  const depthOf = (id: string, seen = new Set<string>()): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    const p = parentOf(id);
    const d = p === ROOT || seen.has(p) ? 0 : (seen.add(id), depthOf(p, seen) + 1);
    depth.set(id, d);
    return d;
  };
  for (const n of nodes) depthOf(n.id);
  const up = (id: string): string => (depth.get(id) === 0 ? ROOT : parentOf(id));
  const children = new Map<string, string[]>();
  for (const n of nodes) {
    const p = up(n.id);
    let list = children.get(p);
    if (!list) children.set(p, (list = []));
    list.push(n.id);
  }

  // Lift each edge to the group where its two ends meet: there it joins the two children of that
  // group which contain the ends. Edges between a node and its own ancestor carry no layout meaning.
  const levelEdges = new Map<string, Map<string, { from: string; to: string }>>();
  for (const e of edges) {
    if (!byId.has(e.from) || !byId.has(e.to) || e.from === e.to) continue;
    let a = e.from;
    let b = e.to;
    let da = depth.get(a)!;
    let db = depth.get(b)!;
    for (; da > db; da--) a = up(a);
    for (; db > da; db--) b = up(b);
    if (a === b) continue; // one end contains the other
    while (up(a) !== up(b)) {
      a = up(a);
      b = up(b);
    }
    const level = up(a);
    let m = levelEdges.get(level);
    if (!m) levelEdges.set(level, (m = new Map()));
    m.set(`${a}\u0000${b}`, { from: a, to: b });
  }

  // Bottom-up: deepest groups first, so every child group's size is known when its parent is laid out.
  const size = new Map<string, { width: number; height: number }>();
  // A group with nothing in it (height 0 given) is drawn as its title row.
  const sizeOf = (id: string) => {
    const s = size.get(id) ?? byId.get(id)!;
    return { width: s.width, height: s.height > 0 ? s.height : o.groupHeader + 2 * o.groupPadding };
  };
  const blocks = new Map<string, Block>();
  const groups = [...children.keys()].filter((g) => g !== ROOT).sort((x, y) => depth.get(y)! - depth.get(x)!);
  for (const g of [...groups, ROOT]) {
    const items: Item[] = children.get(g)!.map((id) => ({ id, ...sizeOf(id) }));
    const block = layoutLevel(items, [...(levelEdges.get(g)?.values() ?? [])], o);
    blocks.set(g, block);
    if (g !== ROOT) {
      const leaf = byId.get(g)!;
      size.set(g, {
        width: Math.max(leaf.width, block.width + 2 * o.groupPadding),
        height: block.height + o.groupHeader + 2 * o.groupPadding,
      });
    }
  }

  // Top-down: absolute positions.
  const boxes = new Map<string, Box>();
  const place = (g: string, originX: number, originY: number) => {
    const block = blocks.get(g);
    if (!block) return;
    for (const it of block.items) {
      const s = sizeOf(it.id);
      const x = originX + it.x;
      const y = originY + it.y;
      boxes.set(it.id, { x, y, width: s.width, height: s.height });
      if (blocks.has(it.id)) place(it.id, x + o.groupPadding, y + o.groupHeader + o.groupPadding);
    }
  };
  place(ROOT, 0, 0);
  const root = blocks.get(ROOT)!;
  return { boxes, width: root.width, height: root.height };
}

/** One group's children: each connected part through dagre, then everything packed into rows. */
function layoutLevel(items: Item[], edges: Array<{ from: string; to: string }>, o: LayoutOptions, splitHubs = true): Block {
  const index = new Map(items.map((it, i) => [it.id, i]));
  // Union-find over the level's edges: the weakly connected parts.
  const parent = items.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  for (const e of edges) {
    const a = find(index.get(e.from)!);
    const b = find(index.get(e.to)!);
    if (a !== b) parent[a] = b;
  }
  const parts = new Map<number, Item[]>();
  items.forEach((it, i) => {
    const r = find(i);
    let list = parts.get(r);
    if (!list) parts.set(r, (list = []));
    list.push(it);
  });
  const edgesByPart = new Map<number, Array<{ from: string; to: string }>>();
  for (const e of edges) {
    const r = find(index.get(e.from)!);
    let list = edgesByPart.get(r);
    if (!list) edgesByPart.set(r, (list = []));
    list.push(e);
  }
  const pieces: Block[] = [];
  for (const [r, part] of parts) {
    if (part.length === 1) {
      const it = part[0]!;
      pieces.push({ width: it.width, height: it.height, items: [{ id: it.id, x: 0, y: 0 }] });
    } else {
      const partEdges = edgesByPart.get(r) ?? [];
      let block = layered(part, partEdges, o);
      // Many boxes that all depend on a few shared ones (a network, a key) make one layer far taller
      // than the drawing is wide. Laid out again without the edges into those hubs, the dependents
      // pack into rows (the links are still drawn); the better-shaped of the two is kept.
      if (splitHubs && block.width / Math.max(1, block.height) / o.aspect < 1 / o.tallPart) {
        const indegree = new Map<string, number>();
        for (const e of partEdges) indegree.set(e.to, (indegree.get(e.to) ?? 0) + 1);
        const kept = partEdges.filter((e) => (indegree.get(e.to) ?? 0) < o.hubDependents);
        if (kept.length < partEdges.length) {
          const split = layoutLevel(part, kept, o, false);
          if (misfit(split, o) < misfit(block, o)) block = split;
        }
      }
      pieces.push(block);
    }
  }
  return pack(pieces, o);
}

/** How badly a block fits the screen: its area, times how far its shape is from the aspect aimed at. */
function misfit(b: Block, o: LayoutOptions): number {
  const r = b.width / Math.max(1, b.height) / o.aspect;
  return b.width * b.height * Math.max(r, 1 / r);
}

/** A layered (Sugiyama) layout of one connected part; dependencies (edge targets) left of their dependents. */
function layered(items: Item[], edges: Array<{ from: string; to: string }>, o: LayoutOptions): Block {
  const sizeOf = new Map(items.map((it) => [it.id, it]));
  // d3-dag lays layers out top to bottom: sizes go in as [height, width] and x/y are swapped after.
  const graph = graphConnect()
    .sourceId((e: { from: string; to: string }) => e.to)
    .targetId((e: { from: string; to: string }) => e.from)(edges);
  const layout = sugiyama()
    .layering(layeringLongestPath())
    .decross(items.length > o.thoroughUpTo ? decrossDfs() : decrossTwoLayer().order(twolayerAgg()).inits([decrossDfs()]).passes(4))
    .coord(coordGreedy())
    .nodeSize((n: { data: string }) => {
      const it = sizeOf.get(n.data)!;
      return [it.height, it.width] as const;
    })
    .gap([o.nodeGap, o.rankGap]);
  const { width, height } = layout(graph);
  const placed: Block['items'] = [];
  for (const n of graph.nodes()) {
    const it = sizeOf.get(n.data)!;
    placed.push({ id: it.id, x: n.y - it.width / 2, y: n.x - it.height / 2 });
  }
  return { width: height, height: width, items: placed };
}

/**
 * Shelf packing: biggest pieces first, left to right in rows about sqrt(area × aspect) wide, so a
 * group of many unconnected resources becomes a readable grid instead of one endless column.
 */
function pack(pieces: Block[], o: LayoutOptions): Block {
  if (pieces.length === 1) return pieces[0]!;
  const sorted = pieces
    .map((p, i) => ({ p, i }))
    .sort((a, b) => b.p.height * b.p.width - a.p.height * a.p.width || a.i - b.i)
    .map((x) => x.p);
  // Singletons of the same size keep their input order (stable sort above), so a grid reads in order.
  const area = sorted.reduce((s, p) => s + (p.width + o.packGap) * (p.height + o.packGap), 0);
  const widest = Math.max(...sorted.map((p) => p.width));
  const rowWidth = Math.max(widest, Math.sqrt(area * o.aspect));
  const items: Block['items'] = [];
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  let width = 0;
  for (const p of sorted) {
    if (x > 0 && x + p.width > rowWidth) {
      y += rowHeight + o.packGap;
      x = 0;
      rowHeight = 0;
    }
    for (const it of p.items) items.push({ id: it.id, x: x + it.x, y: y + it.y });
    x += p.width + o.packGap;
    width = Math.max(width, x - o.packGap);
    rowHeight = Math.max(rowHeight, p.height);
  }
  return { width, height: y + rowHeight, items };
}
