import * as assert from 'assert';
import fc from 'fast-check';
import { Box, DEFAULT_LAYOUT, LayoutEdge, LayoutNode, layoutGraph } from '../../../src/stacks/model/graphLayout';
import { nextInDirection, readingOrder, Rect } from '../../../src/stacks/model/graphNavigation';

const W = 200;
const H = 44;

/** A random forest: node i's parent is one of the groups before it (or none); leaves get sizes, groups 0. */
const forestArb = fc
  .array(fc.record({ group: fc.boolean(), parentPick: fc.nat(), hasParent: fc.boolean() }), { minLength: 1, maxLength: 40 })
  .chain((specs) => {
    const nodes: LayoutNode[] = [];
    specs.forEach((s, i) => {
      const groupsBefore = nodes.filter((_, k) => specs[k]!.group).map((x) => x.id);
      const parent = s.hasParent && groupsBefore.length ? groupsBefore[s.parentPick % groupsBefore.length] : undefined;
      nodes.push({ id: `n${i}`, parent, width: W, height: s.group ? 0 : H });
    });
    return fc.record({
      nodes: fc.constant(nodes),
      edges: fc.array(
        fc
          .record({ a: fc.nat({ max: nodes.length - 1 }), b: fc.nat({ max: nodes.length - 1 }) })
          .map(({ a, b }) => ({ from: `n${a}`, to: `n${b}` })),
        { maxLength: 60 },
      ),
    });
  });

const inside = (a: Box, b: Box) =>
  a.x >= b.x - 1e-6 && a.y >= b.y - 1e-6 && a.x + a.width <= b.x + b.width + 1e-6 && a.y + a.height <= b.y + b.height + 1e-6;
const overlap = (a: Box, b: Box) =>
  a.x < b.x + b.width - 1e-6 && b.x < a.x + a.width - 1e-6 && a.y < b.y + b.height - 1e-6 && b.y < a.y + a.height - 1e-6;

describe('stacks: resource graph layout', () => {
  it('every node gets a box; members lie inside their group, below its title; siblings never overlap (property)', () => {
    fc.assert(
      fc.property(forestArb, ({ nodes, edges }) => {
        const r = layoutGraph(nodes, edges);
        assert.strictEqual(r.boxes.size, nodes.length);
        for (const n of nodes) {
          const b = r.boxes.get(n.id)!;
          assert.ok(b.width >= W && b.height > 0, `${n.id} has a size`);
          assert.ok(
            b.x >= -1e-6 && b.y >= -1e-6 && b.x + b.width <= r.width + 1e-6 && b.y + b.height <= r.height + 1e-6,
            `${n.id} is inside the drawing`,
          );
          if (n.parent) {
            const p = r.boxes.get(n.parent)!;
            assert.ok(inside(b, p), `${n.id} inside ${n.parent}`);
            assert.ok(b.y >= p.y + DEFAULT_LAYOUT.groupHeader, `${n.id} below the title of ${n.parent}`);
          }
        }
        const byParent = new Map<string | undefined, string[]>();
        for (const n of nodes) byParent.set(n.parent, [...(byParent.get(n.parent) ?? []), n.id]);
        for (const ids of byParent.values())
          for (let i = 0; i < ids.length; i++)
            for (let j = i + 1; j < ids.length; j++)
              assert.ok(!overlap(r.boxes.get(ids[i]!)!, r.boxes.get(ids[j]!)!), `${ids[i]} and ${ids[j]} overlap`);
      }),
      { numRuns: 150 },
    );
  });

  it('puts what a resource depends on to its left (any acyclic set of dependencies, property)', () => {
    const dagArb = fc.integer({ min: 2, max: 30 }).chain((n) =>
      fc.record({
        n: fc.constant(n),
        edges: fc
          .uniqueArray(
            fc.record({ a: fc.nat({ max: n - 1 }), b: fc.nat({ max: n - 1 }) }).filter(({ a, b }) => a > b),
            { maxLength: 50, selector: (e) => `${e.a}-${e.b}` },
          )
          // Hubs (what 5 or more depend on) may be set apart when their dependents would stack up too
          // high; that rule has its own test below.
          .map((es) => es.filter((e, i) => es.slice(0, i + 1).filter((x) => x.b === e.b).length < DEFAULT_LAYOUT.hubDependents)),
      }),
    );
    fc.assert(
      fc.property(dagArb, ({ n, edges }) => {
        const nodes = Array.from({ length: n }, (_, i) => ({ id: `r${i}`, width: W, height: H }));
        const es: LayoutEdge[] = edges.map(({ a, b }) => ({ from: `r${a}`, to: `r${b}` }));
        const r = layoutGraph(nodes, es);
        for (const e of es) {
          const dep = r.boxes.get(e.to)!;
          const user = r.boxes.get(e.from)!;
          assert.ok(dep.x + dep.width <= user.x, `${e.to} (x ${dep.x}) is left of ${e.from} (x ${user.x}), which depends on it`);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('lifts edges between members of different groups to the groups: the group depended on is left', () => {
    const nodes: LayoutNode[] = [
      { id: 'app', width: W, height: 0 },
      { id: 'net', width: W, height: 0 },
      { id: 'fn', parent: 'app', width: W, height: H },
      { id: 'subnet', parent: 'net', width: W, height: H },
    ];
    const r = layoutGraph(nodes, [{ from: 'fn', to: 'subnet' }]);
    const net = r.boxes.get('net')!;
    assert.ok(net.x + net.width <= r.boxes.get('app')!.x);
    // An edge between a node and its own group carries no layout meaning and is ignored.
    assert.doesNotThrow(() =>
      layoutGraph(nodes, [
        { from: 'fn', to: 'app' },
        { from: 'x', to: 'fn' },
      ]),
    );
  });

  it('sets hubs apart when their dependents would stack up far taller than wide: 40 services on one shared network', () => {
    const nodes: LayoutNode[] = [{ id: 'vpc', width: W, height: H }];
    const edges: LayoutEdge[] = [];
    for (let i = 0; i < 40; i++) {
      nodes.push({ id: `svc${i}`, width: W, height: 0 }, { id: `fn${i}`, parent: `svc${i}`, width: W, height: H });
      edges.push({ from: `fn${i}`, to: 'vpc' });
    }
    const r = layoutGraph(nodes, edges);
    assert.ok(r.height < 2 * r.width, `${Math.round(r.width)} × ${Math.round(r.height)}: the services are packed in rows, not one column`);
    // Below the threshold the layered picture stays: 4 services right of the vpc they depend on.
    const few = layoutGraph(nodes.slice(0, 9), edges.slice(0, 4));
    for (let i = 0; i < 4; i++) assert.ok(few.boxes.get(`svc${i}`)!.x > few.boxes.get('vpc')!.x);
  });

  it('packs many unconnected resources into a grid near the aspect ratio, in their order', () => {
    const nodes = Array.from({ length: 100 }, (_, i) => ({ id: `i${i}`, width: W, height: H }));
    const r = layoutGraph(nodes, []);
    const ratio = r.width / r.height;
    assert.ok(ratio > 0.8 && ratio < 3.2, `aspect ${ratio.toFixed(2)}`);
    const first = r.boxes.get('i0')!;
    const second = r.boxes.get('i1')!;
    assert.ok(first.y === second.y && first.x < second.x, 'reading order: i0 then i1 in the first row');
  });

  it('is deterministic and survives bad input (a parent cycle, an unknown parent, a self edge)', () => {
    const nodes: LayoutNode[] = [
      { id: 'a', parent: 'b', width: W, height: 0 },
      { id: 'b', parent: 'a', width: W, height: 0 },
      { id: 'c', parent: 'a', width: W, height: H },
      { id: 'd', parent: 'nowhere', width: W, height: H },
    ];
    const edges = [
      { from: 'c', to: 'c' },
      { from: 'd', to: 'c' },
    ];
    const r1 = layoutGraph(nodes, edges);
    const r2 = layoutGraph(nodes, edges);
    assert.strictEqual(r1.boxes.size, 4);
    assert.deepStrictEqual([...r1.boxes], [...r2.boxes]);
  });
});

describe('stacks: resource graph keyboard movement', () => {
  // A 3 × 3 grid of 100 × 40 boxes, 50 apart; index = row * 3 + column.
  const grid: Rect[] = [];
  for (let row = 0; row < 3; row++) for (let col = 0; col < 3; col++) grid.push([col * 150, row * 90, 100, 40]);

  it('arrow keys go to the nearest node that way, staying in the row or column', () => {
    assert.strictEqual(nextInDirection(grid, 4, 'right'), 5);
    assert.strictEqual(nextInDirection(grid, 4, 'left'), 3);
    assert.strictEqual(nextInDirection(grid, 4, 'up'), 1);
    assert.strictEqual(nextInDirection(grid, 4, 'down'), 7);
    assert.strictEqual(nextInDirection(grid, 5, 'right'), undefined, 'nothing right of the last column');
    assert.strictEqual(nextInDirection(grid, 0, 'up'), undefined);
    assert.strictEqual(
      nextInDirection(grid, 3, 'right', (i) => i !== 4),
      5,
      'skips what is filtered out',
    );
  });

  it('a diagonal neighbour is reachable when nothing is straight ahead', () => {
    const rects: Rect[] = [
      [0, 0, 100, 40],
      [300, 120, 100, 40],
    ];
    assert.strictEqual(nextInDirection(rects, 0, 'right'), 1);
    assert.strictEqual(nextInDirection(rects, 0, 'down'), undefined, 'too far to the side to count as down');
  });

  it('the list goes depth first through the boxes, members after their box, siblings by row then column', () => {
    const rects: Rect[] = [
      [0, 100, 300, 200], // 0: a group lower down
      [10, 130, 100, 40], // 1: in 0
      [0, 0, 100, 40], // 2: top level, first row
      [200, 0, 100, 40], // 3: top level, first row, right
      [10, 200, 100, 40], // 4: in 0, below 1
    ];
    assert.deepStrictEqual(readingOrder([undefined, 0, undefined, undefined, 0], rects), [2, 3, 0, 1, 4]);
    assert.deepStrictEqual(readingOrder([1, 0], [rects[0]!, rects[1]!]), [0, 1], 'a parent cycle still lists everything once');
  });
});
