// How often a running operation's change view is redrawn. Each redraw costs in proportion to the
// stack: the view's state holds every resource (built, masked and posted by the extension host, then
// laid out again by the webview). Redrawing a 500-resource update five times a second cost the
// headless browser 11.7 s of CPU against the CLI's 0.7 s over one preview + up + destroy on a 2-core
// machine, CPU the engine then lacked (bench/README.md, big stacks). Spacing redraws in proportion to
// the size keeps that cost per second flat, whatever the size; the progress message and the stack's
// row, which cost the same at any size, keep the short pace.

/** The short pace: progress message, stack row, and the change view of a small stack. */
export const REPAINT_MS = 200;
/** The change view of a big stack is redrawn at least this often. */
export const MAX_VIEW_REPAINT_MS = 5000;
/** Milliseconds between change-view redraws per resource in the view. */
const MS_PER_RESOURCE = 2;

/** The wait between two redraws of a change view showing `resources` resources. */
export function viewRepaintMs(resources: number): number {
  return Math.min(MAX_VIEW_REPAINT_MS, Math.max(REPAINT_MS, Math.round(resources * MS_PER_RESOURCE)));
}
