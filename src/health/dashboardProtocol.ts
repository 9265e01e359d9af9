// Messages between the health dashboard webview and the extension, declared once for both sides.
// No `vscode` import: media/webview/dashboard.ts bundles this file for the browser.
import type { HealthSnapshot } from './model/snapshot';

/** Extension → webview. */
export type ToDashboard = { type: 'snapshot'; snapshot: HealthSnapshot } | { type: 'busy'; what: 'cost' | 'checks'; busy: boolean };

/** Webview → extension. */
export type FromDashboard =
  | { type: 'ready' }
  | { type: 'checkNow' }
  | { type: 'refreshCost' }
  | { type: 'openConfig' }
  | { type: 'mute'; endpoint: string }
  | { type: 'rendered'; summary: DashboardRenderSummary };

/** What the webview actually put on screen (reported back so tests and the API can observe it). */
export interface DashboardRenderSummary {
  endpoints: number;
  charts: number;
  costShown: boolean;
  theme: string;
  /** Rendered from the webview's saved state (before any fresh snapshot arrived). */
  restored: boolean;
  /** Time the webview spent rendering this snapshot (DOM and charts), ms. */
  renderMs: number;
  /** Time from the webview document's navigation start to the end of this render, ms. */
  sinceNavigationMs: number;
  /** When the last of its script and style files had arrived (same origin as above), ms. */
  assetsLoadedMs: number;
}

/** Webview state kept by `vscode.setState` so a hidden panel comes back as it was. */
export interface DashboardViewState {
  snapshot?: HealthSnapshot;
  scrollY: number;
  focusedId?: string;
}

export function isFromDashboard(m: unknown): m is FromDashboard {
  if (!m || typeof m !== 'object') return false;
  const t = (m as { type?: unknown }).type;
  switch (t) {
    case 'ready':
    case 'checkNow':
    case 'refreshCost':
    case 'openConfig':
      return true;
    case 'mute':
      return typeof (m as { endpoint?: unknown }).endpoint === 'string';
    case 'rendered':
      return typeof (m as { summary?: unknown }).summary === 'object';
    default:
      return false;
  }
}
