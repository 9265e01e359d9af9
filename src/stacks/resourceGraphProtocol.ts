// Messages between the resource graph webview and the extension, declared once for both sides.
import type { PlacedGraph } from './model/resourceGraph';

export interface GraphViewState extends PlacedGraph {
  /** Increases with every graph the host sends, so the webview can tell a new graph from a repeat. */
  generation: number;
}

export type ToWebview =
  | { type: 'graph'; state: GraphViewState }
  /** The state could not be read: the page says why (the notification says it too). */
  | { type: 'failed'; message: string };

export type FromWebview =
  | { type: 'ready' }
  | { type: 'openState'; urn: string }
  | { type: 'openSource'; urn: string }
  | { type: 'refresh' }
  /**
   * The graph of this generation is in the page and painted: `ms` is the webview's own share (from
   * the graph's arrival to the paint), `pageAge` how long after the page began loading the graph arrived.
   */
  | { type: 'rendered'; generation: number; nodes: number; edges: number; ms: number; pageAge: number };

export function isFromWebview(m: unknown): m is FromWebview {
  if (!m || typeof m !== 'object') return false;
  const x = m as Record<string, unknown>;
  switch (x.type) {
    case 'ready':
    case 'refresh':
      return true;
    case 'openState':
    case 'openSource':
      return typeof x.urn === 'string';
    case 'rendered':
      return ['generation', 'nodes', 'edges', 'ms', 'pageAge'].every((k) => typeof x[k] === 'number');
    default:
      return false;
  }
}
