// In-host side of the test rig. Tests run inside code-server's extension host and cannot see the
// browser that renders the workbench; the outside rig (test/rig/runInCodeServer.ts) can. A test asks it
// for something by logging one marker line: the extension host forwards console output to the
// workbench, whose automation logger hands it to the rig through `codeAutomationLog` (the same path
// mocha's reporter output takes). The rig acts with Playwright and writes its answer to
// <OPSDECK_TEST_OUTPUT>/.rig/<id>.json, which the helper here polls for.
import * as fs from 'fs';
import * as path from 'path';

export const RIG_MARKER = '__opsdeck_rig__';

/** Absolute folder for test artifacts (screenshots, texts, bench JSON), set by the rig. */
export function outputDir(): string {
  const dir = process.env.OPSDECK_TEST_OUTPUT;
  if (!dir) throw new Error('OPSDECK_TEST_OUTPUT is not set: run the suite through `npm run test:integration`.');
  return dir;
}

/** True when the outside code-server/Chromium rig is listening (not under @vscode/test-electron). */
export function hasRig(): boolean {
  return process.env.OPSDECK_RIG === 'code-server';
}

export interface DomNode {
  text: string;
  ariaLabel: string | null;
  /** aria-expanded: 'true' / 'false' on a collapsible tree row, null elsewhere. */
  expanded: string | null;
  visible: boolean;
}

let sequence = 0;

async function request<T>(op: string, args: Record<string, unknown>, timeoutMs = 20_000): Promise<T> {
  if (!hasRig()) {
    throw new Error(`rig op "${op}" needs the code-server rig (npm run test:integration); this host has no outside browser.`);
  }
  const id = `${process.pid}-${Date.now()}-${++sequence}`;
  const reply = path.join(outputDir(), '.rig', `${id}.json`);
  console.log(`${RIG_MARKER} ${JSON.stringify({ id, op, ...args })}`);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (fs.existsSync(reply)) {
      const answer = JSON.parse(fs.readFileSync(reply, 'utf8')) as { ok: boolean; result?: T; error?: string };
      if (!answer.ok) throw new Error(`the test rig could not do "${op}": ${answer.error}`);
      return answer.result as T;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `the test rig did not answer "${op}" (${JSON.stringify(args)}) within ${timeoutMs / 1000} s; see test-output/logs/ for the rig's logs`,
  );
}

function checkName(name: string): string {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`artifact name "${name}" must be letters, digits, "-", "_" or "."`);
  return name;
}

/** Screenshot of the whole workbench page into OPSDECK_TEST_OUTPUT/<name>.png; resolves to its path. */
export async function screenshot(name: string): Promise<string> {
  const r = await request<{ path: string }>('screenshot', { name: checkName(name) });
  return r.path;
}

/**
 * Starts a CPU profile of the workbench page's renderer (webviews included); the returned function
 * stops it and writes OPSDECK_TEST_OUTPUT/<name>.cpuprofile (for benchmarks: where the browser's time goes).
 */
export async function browserProfile(name: string): Promise<() => Promise<string>> {
  await request('browserProfileStart', { name: checkName(name) });
  return async () => (await request<{ path: string }>('browserProfileStop', { name }, 60_000)).path;
}

/**
 * The text (innerText of the body) of every visible webview, joined by a blank line, also written to
 * OPSDECK_TEST_OUTPUT/<name>.txt. Empty string when no webview is visible.
 */
export async function webviewText(name: string): Promise<string> {
  const r = await request<{ text: string }>('webviewText', { name: checkName(name) });
  return r.text;
}

/** The workbench DOM nodes (outside webviews) matching a CSS selector. */
export function domQuery(selector: string): Promise<DomNode[]> {
  return request<DomNode[]>('domQuery', { selector });
}

/** innerText of the visible workbench nodes matching a CSS selector, joined by newlines. */
export async function domText(selector: string): Promise<string> {
  const nodes = await domQuery(selector);
  return nodes
    .filter((n) => n.visible)
    .map((n) => n.text)
    .join('\n');
}

export interface WebviewNode extends DomNode {
  /** The element has the focus in its webview document (and that document has the page's focus). */
  focused: boolean;
  /** The attributes asked for (null when absent). */
  attributes: Record<string, string | null>;
  /** The computed styles asked for (e.g. 'stroke', '--vscode-charts-yellow'), trimmed. */
  styles: Record<string, string>;
}

/** Elements matching a CSS selector inside the visible webviews, with the named attributes and computed styles. */
export function webviewQuery(selector: string, attributes: string[] = [], styles: string[] = []): Promise<WebviewNode[]> {
  return request<WebviewNode[]>('webviewQuery', { selector, attributes, styles });
}

/** Clicks the first element matching a CSS selector inside a visible webview (modifiers: 'Alt', 'Shift', …). */
export async function webviewClick(selector: string, modifiers: Array<'Alt' | 'Control' | 'Meta' | 'Shift'> = []): Promise<void> {
  await request<null>('webviewClick', { selector, modifiers });
}

/** Presses keys in the browser, one after another, e.g. ['Control+Shift+P', 'Escape'] (Playwright key names). */
export async function pressKeys(keys: string[]): Promise<void> {
  await request<null>('pressKeys', { keys });
}

/** Types text into whatever has focus in the browser, key by key, as a person would. */
export async function typeText(text: string): Promise<void> {
  await request<null>('typeText', { text });
}

/** Clicks the first visible workbench element matching a CSS selector. */
export async function click(selector: string): Promise<void> {
  await request<null>('click', { selector });
}

/** Polls `probe` until it returns a truthy value (resolving to it) or the time runs out (rejecting with `what`). */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs / 1000} s waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Text of the visible rows of the sidebar's tree views (label and description run together), trimmed. */
export async function treeRows(): Promise<string[]> {
  const rows = await domQuery('.pane-body .monaco-list-row');
  return rows.filter((r) => r.visible).map((r) => r.text.replace(/\s+/g, ' ').trim());
}

/**
 * Expands the visible tree row whose label is exactly `label`, unless it is open already, by clicking its
 * twistie (the arrow): a click on the label of a row with a command runs the command instead.
 */
export async function expandTreeRow(label: string): Promise<void> {
  const row = `.pane-body .monaco-list-row:has(.monaco-highlighted-label:text-is("${label}"))`;
  const state = async () => (await domQuery(row)).find((n) => n.visible)?.expanded;
  const before = await waitFor(`the tree row "${label}"`, state, 30_000);
  if (before === 'true') return;
  await click(`${row} .monaco-tl-twistie`);
  await waitFor(`the tree row "${label}" expanded`, async () => (await state()) === 'true', 10_000);
}
