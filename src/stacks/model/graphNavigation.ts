// Keyboard movement in the resource graph: arrow keys go to the nearest node in that direction, and
// the list (Tab, Home/End) follows reading order: each box's members right after its title, siblings
// top to bottom, then left to right. Pure, shared by the webview and the unit tests.

export type Direction = 'left' | 'right' | 'up' | 'down';

/** x, y (top-left), width, height. */
export type Rect = readonly [number, number, number, number];

/**
 * The node an arrow key moves to: among the nodes whose centre lies in that direction (within
 * 60° either side of the axis), the nearest, with sideways distance counting double so the move
 * stays in its row or column. Undefined when nothing lies that way.
 */
export function nextInDirection(
  rects: readonly Rect[],
  from: number,
  dir: Direction,
  eligible: (i: number) => boolean = () => true,
): number | undefined {
  const r = rects[from];
  if (!r) return undefined;
  const cx = r[0] + r[2] / 2;
  const cy = r[1] + r[3] / 2;
  let best: number | undefined;
  let bestCost = Infinity;
  for (let i = 0; i < rects.length; i++) {
    if (i === from || !eligible(i)) continue;
    const o = rects[i]!;
    const dx = o[0] + o[2] / 2 - cx;
    const dy = o[1] + o[3] / 2 - cy;
    const along = dir === 'right' ? dx : dir === 'left' ? -dx : dir === 'down' ? dy : -dy;
    const across = Math.abs(dir === 'left' || dir === 'right' ? dy : dx);
    if (along <= 0 || across > along * Math.tan(Math.PI / 3)) continue;
    const cost = along + 2 * across;
    if (cost < bestCost || (cost === bestCost && best !== undefined && i < best)) {
      bestCost = cost;
      best = i;
    }
  }
  return best;
}

/** Reading order of the nodes: depth first through the boxes, siblings by row (y), then x. */
export function readingOrder(parents: ReadonlyArray<number | undefined>, rects: readonly Rect[]): number[] {
  const children = new Map<number | undefined, number[]>();
  parents.forEach((p, i) => {
    let l = children.get(p);
    if (!l) children.set(p, (l = []));
    l.push(i);
  });
  for (const l of children.values()) l.sort((a, b) => rects[a]![1] - rects[b]![1] || rects[a]![0] - rects[b]![0] || a - b);
  const out: number[] = [];
  const seen = new Set<number>();
  const walk = (p: number | undefined) => {
    for (const i of children.get(p) ?? []) {
      if (seen.has(i)) continue;
      seen.add(i);
      out.push(i);
      walk(i);
    }
  };
  walk(undefined);
  // Anything unreachable (a parent index that points nowhere) still gets a place at the end.
  parents.forEach((_, i) => {
    if (!seen.has(i)) out.push(i);
  });
  return out;
}
