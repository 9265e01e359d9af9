// The resource graph of a stack, from its state: resources are nodes, drawn inside the box of their
// component parent; dependencies (`dependencies`, `propertyDependencies`), explicit providers and
// parent links to resources that are not components are edges. Each node carries a status for its
// colour: a pending operation in the state, else what the last operation did to it (from the change
// view), else drift, else none. Pure (no `vscode`): unit-tested, benchmarked, laid out by graphLayout.
import { ChangeOp, ResourceStatus } from './changeModel';
import { StateResource } from './stateTree';
import { parseSourcePosition } from './stateTree';
import { parseUrn, resourceKind } from './urn';
import { LayoutOptions, layoutGraph } from './graphLayout';
import { shortType } from './graphLabels';

/** A resource as the state records it, with the dependency fields the graph reads. */
export interface GraphStateResource extends StateResource {
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
}

/** What a node's colour says; `none` is a resource the last operation did not touch (or no operation ran). */
export type NodeStatus = 'pending' | 'failed' | 'drift' | Exclude<ChangeOp, 'same'> | 'none';
export const NODE_STATUSES: readonly NodeStatus[] = ['pending', 'failed', 'drift', 'create', 'update', 'replace', 'delete', 'read', 'none'];

export type NodeKind = 'resource' | 'component' | 'provider' | 'typeGroup';
export type EdgeKind = 'dependency' | 'parent' | 'provider';

/** The change view's account of the last operation (ChangeViewState carries exactly this). */
export interface LastOperation {
  operation: string;
  /** "succeeded", "failed", "preview ready", "running" … */
  status: string;
  countsLine?: string;
  resources: Array<{ urn: string; name: string; op: ChangeOp; status: ResourceStatus; errors?: string[]; diffs?: Array<{ path: string }> }>;
}

/** The change view's state (ChangeViewState) as far as the graph reads it. */
export interface ChangeViewLike {
  operation: string;
  status: string;
  countsLine: string;
  groups: Array<{ resources: LastOperation['resources'] }>;
}

export function lastOperationFromChangeView(cv: ChangeViewLike): LastOperation {
  return {
    operation: cv.operation,
    status: cv.status,
    countsLine: cv.countsLine,
    resources: cv.groups.flatMap((g) =>
      g.resources.map((r) => ({ urn: r.urn, name: r.name, op: r.op, status: r.status, errors: r.errors, diffs: r.diffs })),
    ),
  };
}

export interface GraphInput {
  stack: string;
  project: string;
  /** The state's live resources (not the ones marked for deletion). */
  resources: GraphStateResource[];
  /** The state's pending operations (`creating`, `updating`, `deleting`, …) left by an interrupted update. */
  pendingOperations: Array<{ urn: string; type: string }>;
  last?: LastOperation;
  /** Resources a drift check found changed outside Pulumi: urn → the properties that differ. */
  drift?: ReadonlyMap<string, string[]>;
}

export interface GraphNode {
  /** The URN, or `type:<parent>:<type>` for a type group. */
  id: string;
  name: string;
  type: string;
  kind: NodeKind;
  /** The group box this node is drawn in (a component, or a type group); undefined at the top level. */
  parent?: string;
  /** Drawn as a box around its children. */
  group: boolean;
  status: NodeStatus;
  /** The status in words ("to update", "pending creating: run Refresh Stack"). */
  statusText: string;
  /** One line of detail: changed properties, the first error, drifted properties. */
  detail?: string;
  hasSource: boolean;
  /** Resources inside (for groups). */
  childCount: number;
}

export interface GraphEdge {
  /** Index into nodes: the dependent (or the child, for parent links). */
  from: number;
  /** Index into nodes: what it depends on (or the parent). */
  to: number;
  kind: EdgeKind;
  /** For dependencies: the input properties that carry it (from propertyDependencies). */
  properties?: string[];
}

export interface ResourceGraph {
  stack: string;
  project: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  counts: Record<NodeStatus, number>;
  /** "last preview (preview ready): 1 to update, 1 to delete"; undefined when no operation ran in this window. */
  colouredBy?: string;
  /** Names in the last operation that the state does not hold (a preview's creates, an up's deletes). */
  notInState: Array<{ name: string; op: ChangeOp }>;
}

/** A level (component or the top) with more direct resources than this is grouped by type. */
export const TYPE_GROUP_THRESHOLD = 150;

const STACK_TYPE = 'pulumi:pulumi:Stack';

function isDefaultProvider(r: { type: string; urn: string }): boolean {
  return r.type.startsWith('pulumi:providers:') && parseUrn(r.urn).name.startsWith('default');
}

/** `urn::id` (a provider reference) → the provider's URN. */
export function providerUrn(ref: string | undefined): string | undefined {
  if (!ref) return undefined;
  const i = ref.lastIndexOf('::');
  return i > 0 ? ref.slice(0, i) : undefined;
}

const FUTURE: Record<Exclude<ChangeOp, 'same'>, string> = {
  create: 'to create',
  update: 'to update',
  replace: 'to replace',
  delete: 'to delete',
  read: 'to read',
};
const PAST: Record<Exclude<ChangeOp, 'same'>, string> = {
  create: 'created',
  update: 'updated',
  replace: 'replaced',
  delete: 'deleted',
  read: 'read',
};

function isFinished(status: string): boolean {
  return ['succeeded', 'failed', 'cancelled'].includes(status);
}

export function buildResourceGraph(input: GraphInput): ResourceGraph {
  const resources = input.resources.filter((r) => r.type !== STACK_TYPE && !isDefaultProvider(r));
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const stackUrn = input.resources.find((r) => r.type === STACK_TYPE)?.urn;
  const childCount = new Map<string, number>();
  for (const r of resources) if (r.parent && byUrn.has(r.parent)) childCount.set(r.parent, (childCount.get(r.parent) ?? 0) + 1);
  const isComponent = (urn: string) => {
    const r = byUrn.get(urn);
    return !!r && resourceKind(r.type, r.custom) === 'component';
  };

  // The box a resource is drawn in: its parent if that is a component, else the parent's box (a
  // resource parented to a bucket sits beside the bucket, linked to it by a parent edge).
  const componentAncestor = (urn: string | undefined): string | undefined => {
    for (let hops = 0; urn && urn !== stackUrn && hops < 64; hops++) {
      if (isComponent(urn)) return urn;
      urn = byUrn.get(urn)?.parent;
    }
    return undefined;
  };

  const last = input.last;
  const lastByUrn = new Map((last?.resources ?? []).map((r) => [r.urn, r]));
  const pending = new Map(input.pendingOperations.map((p) => [p.urn, p.type]));
  const isRefresh = last?.operation === 'refresh' || last?.operation === 'drift';
  const future = !!last && (last.operation === 'preview' || !isFinished(last.status));

  const nodes: GraphNode[] = [];
  const statusOf = (urn: string): Pick<GraphNode, 'status' | 'statusText' | 'detail'> => {
    const p = pending.get(urn);
    if (p) return { status: 'pending', statusText: `pending ${p}: the last update was interrupted (run Refresh Stack)` };
    const l = lastByUrn.get(urn);
    if (l?.status === 'failed') return { status: 'failed', statusText: `failed to ${l.op}`, detail: l.errors?.[0] };
    const drifted = input.drift?.get(urn);
    if (drifted) return { status: 'drift', statusText: 'drifted', detail: drifted.length ? `differs: ${drifted.join(', ')}` : undefined };
    if (l && isRefresh && (l.op === 'update' || l.op === 'delete')) {
      const props = (l.diffs ?? []).map((d) => d.path);
      return {
        status: 'drift',
        statusText: l.op === 'delete' ? 'drifted: gone from the cloud' : 'drifted',
        detail: props.length ? `differs: ${props.join(', ')}` : undefined,
      };
    }
    if (l && l.op !== 'same' && !isRefresh) {
      const props = (l.diffs ?? []).map((d) => d.path);
      return {
        status: l.op,
        statusText: (future ? FUTURE : PAST)[l.op],
        detail: props.length ? `${props.join(', ')}` : undefined,
      };
    }
    return { status: 'none', statusText: last ? 'unchanged' : 'no operation in this session' };
  };

  for (const r of resources) {
    const kind: NodeKind =
      resourceKind(r.type, r.custom) === 'component' ? 'component' : r.type.startsWith('pulumi:providers:') ? 'provider' : 'resource';
    const parent = componentAncestor(r.parent);
    nodes.push({
      id: r.urn,
      name: parseUrn(r.urn).name,
      type: r.type,
      kind,
      parent,
      group: false,
      ...statusOf(r.urn),
      hasSource: !!parseSourcePosition(r.sourcePosition),
      childCount: 0,
    });
  }
  // A pending create is not in the state's resources yet: shown at the top level from its URN.
  for (const [urn, type] of pending) {
    if (byUrn.has(urn) || !urn.startsWith('urn:pulumi:')) continue;
    const u = parseUrn(urn);
    if (u.type === STACK_TYPE) continue;
    nodes.push({
      id: urn,
      name: u.name,
      type: u.type,
      kind: 'resource',
      group: false,
      status: 'pending',
      statusText: `pending ${type}: the last update was interrupted (run Refresh Stack)`,
      hasSource: false,
      childCount: 0,
    });
  }

  // Components with children are boxes; a crowded level gets boxes per type.
  const members = new Map<string | undefined, GraphNode[]>();
  for (const n of nodes) {
    let list = members.get(n.parent);
    if (!list) members.set(n.parent, (list = []));
    list.push(n);
  }
  for (const n of nodes) n.childCount = members.get(n.id)?.length ?? 0;
  for (const n of nodes) if (n.kind === 'component' && n.childCount > 0) n.group = true;
  for (const [parent, list] of [...members]) {
    if (list.length <= TYPE_GROUP_THRESHOLD) continue;
    const byType = new Map<string, GraphNode[]>();
    for (const n of list) {
      if (n.group) continue;
      let l = byType.get(n.type);
      if (!l) byType.set(n.type, (l = []));
      l.push(n);
    }
    for (const [type, same] of byType) {
      if (same.length < 2) continue;
      const id = `type:${parent ?? ''}:${type}`;
      nodes.push({
        id,
        name: `${shortType(type)} × ${same.length}`,
        type,
        kind: 'typeGroup',
        parent,
        group: true,
        status: 'none',
        statusText: `${same.length} resources of type ${type}`,
        hasSource: false,
        childCount: same.length,
      });
      for (const n of same) n.parent = id;
    }
  }

  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  const add = (from: string, to: string | undefined, kind: EdgeKind, properties?: string[]) => {
    if (!to || from === to) return;
    const a = index.get(from);
    const b = index.get(to);
    if (a === undefined || b === undefined) return; // the stack, a default provider, or gone
    const key = `${a}>${b}>${kind}`;
    if (seen.has(key)) return;
    seen.add(key);
    edges.push({ from: a, to: b, kind, ...(properties?.length ? { properties } : {}) });
  };
  for (const r of resources) {
    const props = new Map<string, string[]>();
    for (const [prop, deps] of Object.entries(r.propertyDependencies ?? {}))
      for (const d of deps ?? []) {
        let l = props.get(d);
        if (!l) props.set(d, (l = []));
        if (!l.includes(prop)) l.push(prop);
      }
    for (const d of new Set([...(r.dependencies ?? []), ...props.keys()])) add(r.urn, d, 'dependency', props.get(d)?.sort());
    if (r.parent && r.parent !== stackUrn && !isComponent(r.parent)) add(r.urn, r.parent, 'parent');
    add(r.urn, providerUrn(r.provider), 'provider');
  }

  const counts = Object.fromEntries(NODE_STATUSES.map((s) => [s, 0])) as Record<NodeStatus, number>;
  for (const n of nodes) if (n.kind !== 'typeGroup') counts[n.status]++;
  const notInState: ResourceGraph['notInState'] = [];
  for (const l of last?.resources ?? [])
    if (!byUrn.has(l.urn) && !pending.has(l.urn) && l.op !== 'same' && !l.urn.includes('::pulumi:providers:'))
      notInState.push({ name: l.name, op: l.op });
  return {
    stack: input.stack,
    project: input.project,
    nodes,
    edges,
    counts,
    colouredBy: last ? `last ${last.operation} (${last.status})${last.countsLine ? `: ${last.countsLine}` : ''}` : undefined,
    notInState,
  };
}

/** Sizes the graph's boxes are drawn at (the webview draws text to fit them). */
export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 44;

/** A node as the webview gets it: its box's index instead of the box's (long) URN. */
export type GraphViewNode = Omit<GraphNode, 'parent'> & { parent?: number };

export interface PlacedGraph extends Omit<ResourceGraph, 'nodes'> {
  nodes: GraphViewNode[];
  /** Per node (same order as nodes): x, y, width, height. */
  boxes: Array<[number, number, number, number]>;
  width: number;
  height: number;
}

/** Lays the graph out (groups around their members, dependencies left of their dependents). */
export function placeGraph(g: ResourceGraph, options: Partial<LayoutOptions> = {}): PlacedGraph {
  const layout = layoutGraph(
    g.nodes.map((n) => ({ id: n.id, parent: n.parent, width: NODE_WIDTH, height: n.group ? 0 : NODE_HEIGHT })),
    g.edges.map((e) => ({ from: g.nodes[e.from]!.id, to: g.nodes[e.to]!.id })),
    options,
  );
  const boxes = g.nodes.map((n): [number, number, number, number] => {
    const b = layout.boxes.get(n.id)!;
    return [round(b.x), round(b.y), round(b.width), round(b.height)];
  });
  const index = new Map(g.nodes.map((n, i) => [n.id, i]));
  const nodes = g.nodes.map(({ parent, ...n }): GraphViewNode => (parent !== undefined ? { ...n, parent: index.get(parent) } : n));
  return { ...g, nodes, boxes, width: round(layout.width), height: round(layout.height) };
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
