// Messages between the resource graph webview and the extension, declared once for both sides.
import type { PlacedGraph } from './model/resourceGraph';

export interface GraphViewState extends PlacedGraph {
  /** Increases with every graph the host sends, so the webview can tell a new graph from a repeat. */
  generation: number;
}

export type ToWebview = { type: 'graph'; state: GraphViewState };

export type FromWebview =
  | { type: 'ready' }
  | { type: 'openState'; urn: string }
  | { type: 'openSource'; urn: string }
  | { type: 'refresh' }
  /** The graph of this generation is in the page and painted; `ms` is the webview's own share. */
  | { type: 'rendered'; generation: number; nodes: number; edges: number; ms: number };

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
      return typeof x.generation === 'number' && typeof x.nodes === 'number' && typeof x.edges === 'number' && typeof x.ms === 'number';
    default:
      return false;
  }
}
