// Words for the resource graph, shared by the webview (what it draws and reads out) and the tests.
// Pure and tiny on purpose: the webview bundles it.
import type { GraphEdge, GraphViewNode } from './resourceGraph';

/** `aws:s3/bucket:Bucket` → `s3:Bucket`; `pulumi-nodejs:dynamic:Resource` → `dynamic:Resource`. */
export function shortType(type: string): string {
  const parts = type.split(':');
  if (parts.length < 3) return type;
  const mod = parts[1]!.split('/')[0]!;
  return `${mod}:${parts[parts.length - 1]}`;
}

/** What a screen reader says for each node: name, type, status, detail, box contents, links. */
export function nodeLabels(
  nodes: ReadonlyArray<Pick<GraphViewNode, 'name' | 'kind' | 'type' | 'statusText' | 'detail' | 'group' | 'childCount'>>,
  edges: readonly GraphEdge[],
): string[] {
  const deps = nodes.map(() => 0);
  const users = nodes.map(() => 0);
  for (const e of edges) {
    if (e.kind !== 'dependency') continue;
    deps[e.from]!++;
    users[e.to]!++;
  }
  return nodes.map((n, i) => {
    const parts = [n.name, n.kind === 'typeGroup' ? `group of ${n.childCount}` : n.type, n.statusText];
    if (n.detail) parts.push(n.detail);
    if (n.group && n.kind !== 'typeGroup') parts.push(`component with ${n.childCount} resources`);
    if (deps[i]) parts.push(`depends on ${deps[i]}`);
    if (users[i]) parts.push(`used by ${users[i]}`);
    return parts.join(', ');
  });
}
