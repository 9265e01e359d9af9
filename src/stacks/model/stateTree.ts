// The Resources subtree from a stack's exported state (`stack.exportStack()`): resources nested by
// parent, each with its kind, provider package, id and key outputs, and a source position when the
// engine recorded one. Built once per state into an index, so expanding any node is a map lookup
// (2,000 resources stay well under the 300 ms budget; see bench/stacks.bench.ts).
import { parseUrn, resourceKind, resourceIcon, ResourceKind, typePackage } from './urn';
import { isSecretValue, renderValue } from './values';
import { countsAsResource } from './resourceCount';
import { DestroyCandidate, destroyCandidate } from './destroyList';

export interface StateResource {
  urn: string;
  type: string;
  custom?: boolean;
  id?: string;
  parent?: string;
  provider?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  protect?: boolean;
  sourcePosition?: string;
  delete?: boolean;
  pendingReplacement?: boolean;
  /** A read resource (`get`): a destroy drops it from the state and leaves it in the cloud. */
  external?: boolean;
  /** A view of another resource: deleted with it. */
  viewOf?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
}

export interface StateDeployment {
  manifest?: { time?: string; version?: string };
  resources?: StateResource[];
  pending_operations?: Array<{ resource: StateResource; type: string }>;
}

export interface ResourceNode {
  urn: string;
  name: string;
  type: string;
  kind: ResourceKind;
  icon: string;
  providerPackage: string;
  id?: string;
  childCount: number;
  tooltip: string;
  source?: SourcePosition;
  protect: boolean;
  /** False for a default provider: listed, but not counted (model/resourceCount.ts). */
  counted: boolean;
}

export interface SourcePosition {
  /** file path or file:// URI as recorded by the engine */
  file: string;
  line: number;
  column?: number;
}

/** What the tree looks up per URN; a Map, or a lazy view over JSON text sent from a worker thread. */
export interface Lookup<T> {
  get(urn: string): T | undefined;
}

export interface StateIndex {
  roots: ResourceNode[];
  children: Lookup<ResourceNode[]>;
  /** The full state of each resource (possibly as JSON text), when held in memory. */
  byUrn: Lookup<StateResource | string>;
  /** Where each resource was declared, when the engine recorded it. */
  sources: Lookup<SourcePosition>;
  /** Reads one resource's full state when `byUrn` does not hold it (a large state read on a worker). */
  rawOf?: (urn: string) => Promise<StateResource | undefined>;
  /**
   * Every resource with what the graph needs (type, parent, dependencies, provider, source), without
   * inputs and outputs: in memory for a small state, read again on the worker for a large one.
   */
  all(): Promise<StateResource[]>;
  /** Every resource a destroy deletes, pending deletes included, in checkpoint order (model/destroyList.ts). */
  destroyCandidates(): Promise<DestroyCandidate[]>;
  stackOutputs: Record<string, unknown>;
  pendingOperations: Array<{ urn: string; type: string }>;
  count: number;
  /** Resources under the counting rule (model/resourceCount.ts): what "N resources" says everywhere. */
  counted: number;
}

/**
 * Parses `project:///index.ts#12,3` (relative to the project folder) or `file:///…#12` into file +
 * line. Positions inside node_modules (the SDK's own frames) are not the user's code: dropped.
 */
export function parseSourcePosition(sp: string | undefined): SourcePosition | undefined {
  if (!sp) return undefined;
  const m = /^(.*?)#(\d+)(?:,(\d+))?$/.exec(sp);
  if (!m || /node_modules/.test(m[1]!)) return undefined;
  return { file: m[1]!, line: Number(m[2]), column: m[3] ? Number(m[3]) : undefined };
}

const KEY_OUTPUTS = 6;

function tooltipFor(r: StateResource, name: string): string {
  const lines = [`${name}`, `type: ${r.type}`];
  if (r.id) lines.push(`id: ${r.id}`);
  const outs = r.outputs ?? {};
  const keys = Object.keys(outs)
    .filter((k) => !k.startsWith('__'))
    .slice(0, KEY_OUTPUTS);
  for (const k of keys) lines.push(`${k}: ${isSecretValue(outs[k]) ? '[secret]' : renderValue(outs[k], 80)}`);
  if (r.protect) lines.push('protected');
  lines.push(r.urn);
  return lines.join('\n');
}

export function buildStateIndex(d: StateDeployment | undefined): StateIndex {
  const resources = (d?.resources ?? []).filter((r) => !r.delete);
  const byUrn = new Map<string, StateResource | string>();
  for (const r of resources) byUrn.set(r.urn, r);
  const stack = resources.find((r) => r.type === 'pulumi:pulumi:Stack');
  const childCount = new Map<string, number>();
  for (const r of resources) if (r.parent) childCount.set(r.parent, (childCount.get(r.parent) ?? 0) + 1);
  const children = new Map<string, ResourceNode[]>();
  const roots: ResourceNode[] = [];
  for (const r of resources) {
    if (r === stack) continue;
    const name = parseUrn(r.urn).name;
    const kind = resourceKind(r.type, r.custom);
    const node: ResourceNode = {
      urn: r.urn,
      name,
      type: r.type,
      kind,
      icon: resourceIcon(kind),
      providerPackage: typePackage(r.type),
      id: r.id || undefined,
      childCount: childCount.get(r.urn) ?? 0,
      tooltip: tooltipFor(r, name),
      source: parseSourcePosition(r.sourcePosition),
      protect: !!r.protect,
      counted: countsAsResource({ type: r.type, name }),
    };
    // Children of the stack resource (and orphans) are the top level of Resources.
    const parentKnown = r.parent && byUrn.has(r.parent) && r.parent !== stack?.urn;
    if (parentKnown) {
      let list = children.get(r.parent!);
      if (!list) children.set(r.parent!, (list = []));
      list.push(node);
    } else {
      roots.push(node);
    }
  }
  const sources = new Map<string, SourcePosition>();
  for (const n of roots) if (n.source) sources.set(n.urn, n.source);
  for (const list of children.values()) for (const n of list) if (n.source) sources.set(n.urn, n.source);
  const order = (a: ResourceNode, b: ResourceNode) =>
    (a.kind === 'provider' ? 1 : 0) - (b.kind === 'provider' ? 1 : 0) || a.name.localeCompare(b.name);
  roots.sort(order);
  for (const list of children.values()) list.sort(order);
  return {
    roots,
    children,
    byUrn,
    sources,
    all: async () => resources,
    destroyCandidates: async () => (d?.resources ?? []).map(destroyCandidate),
    stackOutputs: (stack?.outputs ?? {}) as Record<string, unknown>,
    pendingOperations: (d?.pending_operations ?? []).map((p) => ({ urn: p.resource.urn, type: p.type })),
    count: resources.length,
    counted: resources.filter((r) => countsAsResource(r)).length,
  };
}

/**
 * The index in a form that crosses a thread boundary cheaply: structured clone rebuilds every
 * object on the receiving thread (for 20,000 resources, hundreds of ms on the extension host), but
 * copies strings at memory speed. So the children lists and the sources go as JSON text, parsed on
 * the first lookup; the raw resources stay behind (read again on demand).
 */
export interface PackedStateIndex {
  roots: ResourceNode[];
  children: Map<string, string>;
  sources: string;
  stackOutputs: Record<string, unknown>;
  pendingOperations: Array<{ urn: string; type: string }>;
  count: number;
  counted: number;
}

export function packStateIndex(
  idx: StateIndex & { children: Map<string, ResourceNode[]>; sources: Map<string, SourcePosition> },
): PackedStateIndex {
  return {
    roots: idx.roots,
    children: new Map([...idx.children].map(([k, v]) => [k, JSON.stringify(v)])),
    sources: JSON.stringify(Object.fromEntries(idx.sources)),
    stackOutputs: idx.stackOutputs,
    pendingOperations: idx.pendingOperations,
    count: idx.count,
    counted: idx.counted,
  };
}

export function unpackStateIndex(p: PackedStateIndex): StateIndex {
  const parsed = new Map<string, ResourceNode[]>();
  let sources: Record<string, SourcePosition> | undefined;
  return {
    roots: p.roots,
    children: {
      get(urn) {
        let v = parsed.get(urn);
        const text = v ? undefined : p.children.get(urn);
        if (text !== undefined) parsed.set(urn, (v = JSON.parse(text) as ResourceNode[]));
        return v;
      },
    },
    byUrn: { get: () => undefined },
    all: async () => [],
    // Held on the worker's side: the caller asks it again (runner/fileBackend.ts).
    destroyCandidates: () => Promise.reject(new Error('the resources of a packed state index are read on demand')),
    sources: { get: (urn) => (sources ??= JSON.parse(p.sources) as Record<string, SourcePosition>)[urn] },
    stackOutputs: p.stackOutputs,
    pendingOperations: p.pendingOperations,
    count: p.count,
    counted: p.counted,
  };
}

/** A resource's full state as pretty JSON with secrets masked (for the read-only document). */
export function resourceStateJson(r: StateResource | string): string {
  const value: unknown = typeof r === 'string' ? JSON.parse(r) : r;
  return JSON.stringify(value, (_k, v) => (isSecretValue(v) ? '[secret]' : v), 2);
}

/** The absolute file a source position points at, given the project folder. */
export function sourceFile(pos: SourcePosition, projectDir: string): string {
  if (pos.file.startsWith('project://')) {
    const rel = decodeURIComponent(pos.file.slice('project://'.length)).replace(/^\/+/, '');
    return joinPath(projectDir, rel);
  }
  if (pos.file.startsWith('file://')) return decodeURIComponent(pos.file.slice('file://'.length));
  return pos.file.startsWith('/') ? pos.file : joinPath(projectDir, pos.file);
}

function joinPath(a: string, b: string): string {
  const parts = `${a.replace(/\/+$/, '')}/${b}`.split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '..') out.pop();
    else if (p !== '.' && (p !== '' || out.length === 0)) out.push(p);
  }
  return out.join('/');
}

/** A resource without its inputs and outputs: what a graph of the whole stack needs. */
export function slimResource(r: StateResource): StateResource {
  return {
    urn: r.urn,
    type: r.type,
    custom: r.custom,
    id: r.id,
    parent: r.parent,
    provider: r.provider,
    dependencies: r.dependencies,
    propertyDependencies: r.propertyDependencies,
    sourcePosition: r.sourcePosition,
  } as StateResource;
}
