// The resource graph in the real host against the real CLI: the graph fixture (files with
// dependencies in nested components) is deployed, the graph opened, and the browser's own DOM is
// asserted on: its nodes, boxes and links, the colours after a preview, keyboard movement, and what
// Enter, a click and Alt+click open.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { hasRig, pressKeys, screenshot, typeText, waitFor, webviewClick, webviewQuery, WebviewNode } from '../../rig';
import {
  StacksApi,
  api,
  cmd,
  copyFixture,
  dataDir,
  expectStatus,
  newStack,
  toolsHavePulumi,
  until,
  useFileBackend,
  OpResult,
} from './support';
import type { ResourceGraphReport } from '../../../../src/stacks/resourceGraph';
import type { GraphViewState } from '../../../../src/stacks/resourceGraphProtocol';
import { nextInDirection } from '../../../../src/stacks/model/graphNavigation';

const NAMES = ['api', 'handler', 'log', 'net', 'readme', 'route', 'settings', 'subnet', 'vpc', 'web'];

describe('Stacks: resource graph of a deployed stack in the browser', function () {
  let stacks: StacksApi;
  let project: string;

  before(async function () {
    if (!toolsHavePulumi()) {
      console.log('Stacks graph: no Pulumi CLI in .tools/tools.json (run `npm run setup-tools pulumi`): skipping');
      this.skip();
    }
    stacks = await api();
    await useFileBackend();
    project = copyFixture('graph');
    await cmd('refreshStacks');
    await newStack(project, 'dev', { dir: dataDir('graph-dev') });
    expectStatus(await cmd<OpResult>('deploy', { project, stack: 'dev', confirm: { yes: true } }), 'succeeded');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  const graph = (): GraphViewState => {
    const g = stacks.resourceGraph(project, 'dev');
    assert.ok(g, 'no graph for the stack');
    return g;
  };
  const urnOf = (name: string) => graph().nodes.find((n) => n.name === name)!.id;
  const nameOf = (urn: string | null) => graph().nodes.find((n) => n.id === urn)?.name ?? `?${urn}`;
  const nodesInPage = () => webviewQuery('.node', ['data-id', 'class', 'tabindex']);
  const focusedNode = async (): Promise<WebviewNode | undefined> => (await nodesInPage()).find((n) => n.focused);

  it('draws every resource as a node, components as boxes, and dependencies and parent links as edges', async function () {
    const r = await cmd<ResourceGraphReport>('showResourceGraph', { project, stack: 'dev' });
    assert.ok(r, 'the command returned nothing');
    assert.strictEqual(r.rendered, true, `the webview did not report its first paint: ${JSON.stringify(r)}`);
    assert.deepStrictEqual([r.nodes, r.edges, r.groups], [10, 5, 3], JSON.stringify(r));
    if (!hasRig()) this.skip();

    const nodes = await waitFor('the graph in the page', async () => {
      const n = await nodesInPage();
      return n.length === 10 ? n : undefined;
    });
    assert.deepStrictEqual(nodes.map((n) => nameOf(n.attributes['data-id'])).sort(), NAMES);
    const groups = nodes.filter((n) => /\bgroup\b/.test(n.attributes.class ?? '')).map((n) => nameOf(n.attributes['data-id']));
    assert.deepStrictEqual(groups.sort(), ['api', 'net', 'web']);
    for (const n of nodes) {
      const name = nameOf(n.attributes['data-id']);
      assert.ok(n.ariaLabel?.startsWith(`${name}, `), `node ${name} has the label "${n.ariaLabel}"`);
    }
    // The last operation in this window was the deploy: everything is coloured "created".
    for (const n of nodes)
      assert.match(n.attributes.class ?? '', /\bstatus-create\b/, `${nameOf(n.attributes['data-id'])}: ${n.attributes.class}`);
    assert.strictEqual(
      nodes.find((n) => nameOf(n.attributes['data-id']) === 'handler')!.ariaLabel,
      'handler, pulumi-nodejs:dynamic:Resource, created, depends on 1, used by 1',
    );
    assert.match(graph().colouredBy ?? '', /^last up \(succeeded\)/);

    const edges = await webviewQuery('path.edge', ['data-from', 'data-to', 'class']);
    const drawn = edges.map(
      (e) => `${nameOf(e.attributes['data-from'])} → ${nameOf(e.attributes['data-to'])} (${/edge-(\w+)/.exec(e.attributes.class!)![1]})`,
    );
    assert.deepStrictEqual(drawn.sort(), [
      'handler → subnet (dependency)',
      'log → handler (parent)',
      'readme → settings (dependency)',
      'route → handler (dependency)',
      'subnet → vpc (dependency)',
    ]);

    // Boxes hold their members; dependencies sit left of what depends on them.
    const g = graph();
    const box = (name: string) => g.boxes[g.nodes.findIndex((n) => n.name === name)]!;
    const inside = (inner: string, outer: string) => {
      const [x, y, w, h] = box(inner);
      const [X, Y, W, H] = box(outer);
      return x >= X && y >= Y && x + w <= X + W && y + h <= Y + H;
    };
    for (const [inner, outer] of [
      ['vpc', 'net'],
      ['subnet', 'net'],
      ['api', 'web'],
      ['handler', 'api'],
      ['route', 'api'],
      ['log', 'api'],
    ])
      assert.ok(inside(inner, outer), `${inner} is drawn inside ${outer}`);
    assert.ok(box('vpc')[0] < box('subnet')[0], 'vpc left of subnet');
    assert.ok(box('settings')[0] < box('readme')[0], 'settings left of readme');
    assert.ok(box('net')[0] < box('web')[0], 'net (which web depends on) left of web');
  });

  it('colours nodes by the last operation: after a preview, handler is "to update" in the page and the legend', async function () {
    await cmd('setConfig', { project, stack: 'dev', key: 'greeting', value: 'bonjour', secret: false });
    expectStatus(await cmd<OpResult>('preview', { project, stack: 'dev' }), 'succeeded');
    const r = await cmd<ResourceGraphReport>('showResourceGraph', { project, stack: 'dev' });
    assert.strictEqual(r.rendered, true);
    const handler = graph().nodes.find((n) => n.name === 'handler')!;
    assert.deepStrictEqual([handler.status, handler.statusText, handler.detail], ['update', 'to update', 'content']);
    assert.match(graph().colouredBy ?? '', /^last preview \(preview ready\): 1 to update/);
    if (!hasRig()) this.skip();
    const page = await waitFor('handler coloured as an update', async () => {
      const n = (await nodesInPage()).find((x) => x.attributes['data-id'] === urnOf('handler'));
      return n && /status-update/.test(n.attributes.class ?? '') ? n : undefined;
    });
    assert.match(page.ariaLabel!, /to update, content/);
    const others = (await nodesInPage()).filter((x) => x.attributes['data-id'] !== urnOf('handler'));
    assert.ok(
      others.every((x) => /status-none/.test(x.attributes.class ?? '')),
      others.map((x) => x.attributes.class).join('; '),
    );
    const legend = (await webviewQuery('.legend'))[0]!.text;
    assert.match(legend, /update \(1\)/);
    assert.match(legend, /unchanged \(9\)/);
    assert.match(legend, /depends on/);
    const note = (await webviewQuery('.note'))[0]!.text;
    assert.match(note, /Colours: last preview \(preview ready\): 1 to update/);
  });

  it('takes its colours from the theme: light, dark and high contrast', async function () {
    if (!hasRig()) this.skip();
    const wb = vscode.workspace.getConfiguration('workbench');
    const original = wb.inspect('colorTheme')?.globalValue;
    const rgb = (hex: string) => {
      const h = hex.replace('#', '');
      const n = (i: number) => parseInt(h.slice(i, i + 2), 16);
      return `rgb(${n(0)}, ${n(2)}, ${n(4)})`;
    };
    try {
      for (const [theme, kind] of [
        ['Default Light Modern', 'light'],
        ['Default Dark Modern', 'dark'],
        ['Default High Contrast', 'high-contrast'],
      ] as const) {
        await wb.update('colorTheme', theme, vscode.ConfigurationTarget.Global);
        const body = await waitFor(`the graph in the ${kind} theme`, async () => {
          const b = (await webviewQuery('body', ['class'], ['--vscode-charts-yellow', '--vscode-focusBorder']))[0];
          return b && new RegExp(`\\bvscode-${kind}\\b`).test(b.attributes.class ?? '') ? b : undefined;
        });
        const frame = (await webviewQuery(`.node[data-id="${urnOf('handler')}"] .frame`, [], ['stroke', 'stroke-width']))[0]!;
        const yellow = body.styles['--vscode-charts-yellow']!;
        assert.match(yellow, /^#[0-9a-f]{6}$/i, `the ${kind} theme defines charts.yellow`);
        assert.strictEqual(frame.styles.stroke, rgb(yellow), `"to update" is drawn in the ${kind} theme's charts.yellow`);
        if (kind === 'high-contrast') assert.strictEqual(frame.styles['stroke-width'], '2px', 'high contrast draws thicker borders');
        await vscode.commands.executeCommand('notifications.clearAll');
        await screenshot(`stacks-resource-graph-${kind}`);
      }
    } finally {
      await wb.update('colorTheme', original, vscode.ConfigurationTarget.Global);
    }
  });

  it('moves from node to node with the keyboard: search + Enter, arrow keys, Tab along the list, Enter opens the state', async function () {
    if (!hasRig()) this.skip();
    await webviewClick('.search');
    await typeText('handler');
    await pressKeys(['Enter']);
    const first = await waitFor('handler focused', async () => {
      const f = await focusedNode();
      return f && nameOf(f.attributes['data-id']) === 'handler' ? f : undefined;
    });
    assert.strictEqual(first.attributes.tabindex, '0', 'the focused node is the graph’s tab stop');
    assert.match((await webviewQuery('.match-count'))[0]!.text, /1 of 10 match/);
    await pressKeys(['Escape']); // clears the search, focus stays on handler
    await waitFor('the search cleared', async () =>
      (await webviewQuery('.match-count'))[0]!.text.includes('10 nodes') ? true : undefined,
    );

    // ArrowLeft goes where the layout says: the nearest node to the left, by the same rule the page uses.
    const g = graph();
    const nav = g.nodes.map((n, i) => (n.group ? ([g.boxes[i]![0], g.boxes[i]![1], g.boxes[i]![2], 26] as const) : g.boxes[i]!));
    const from = g.nodes.findIndex((n) => n.name === 'handler');
    const left = nextInDirection(nav, from, 'left');
    assert.ok(left !== undefined, 'something lies left of handler');
    await pressKeys(['ArrowLeft']);
    const moved = await waitFor('focus moved left', async () => {
      const f = await focusedNode();
      return f && f.attributes['data-id'] !== g.nodes[from]!.id ? f : undefined;
    });
    assert.strictEqual(nameOf(moved.attributes['data-id']), g.nodes[left]!.name);
    assert.match(moved.attributes.class ?? '', /\bcurrent\b/);
    await pressKeys(['ArrowRight']);
    await waitFor('back on handler', async () => ((await focusedNode())?.attributes['data-id'] === g.nodes[from]!.id ? true : undefined));

    // Tab leaves the graph for the list; each Tab moves to the next resource, which the graph follows.
    await pressKeys(['Tab']);
    const items = await waitFor('a list item focused', async () => {
      const all = await webviewQuery('.list .item', ['data-index']);
      return all.some((x) => x.focused) ? all : undefined;
    });
    const at = items.findIndex((x) => x.focused);
    await pressKeys(['Tab']);
    const next = await waitFor('the next list item focused', async () => {
      const all = await webviewQuery('.list .item', ['data-index']);
      const k = all.findIndex((x) => x.focused);
      return k === at + 1 ? all[k] : undefined;
    });
    const followed = (await nodesInPage()).find((n) => /\bcurrent\b/.test(n.attributes.class ?? ''));
    assert.strictEqual(followed?.attributes['data-id'], g.nodes[Number(next.attributes['data-index'])]!.id, 'the graph follows the list');

    // Enter opens the state of the resource under focus, beside the graph.
    const name = g.nodes[Number(next.attributes['data-index'])]!.name;
    await pressKeys(['Enter']);
    const ed = await until(`the state of ${name}`, () =>
      vscode.window.activeTextEditor?.document.uri.path === `/dev/${name}.json` ? vscode.window.activeTextEditor : undefined,
    );
    assert.strictEqual(ed.document.uri.scheme, 'opsdeck-pulumi');
    assert.ok(
      ed.document.getText().includes(`"urn": "${g.nodes[Number(next.attributes['data-index'])]!.id}"`),
      ed.document.getText().slice(0, 300),
    );
  });

  it('clicking a node opens its state; Alt+click on a box title opens the line of the program that declared it', async function () {
    if (!hasRig()) this.skip();
    // A fresh panel with the whole editor area (the state opened above sits beside the graph).
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.strictEqual((await cmd<ResourceGraphReport>('showResourceGraph', { project, stack: 'dev' })).rendered, true);
    const vpc = urnOf('vpc');
    await webviewClick(`.node[data-id="${vpc}"] .frame`);
    const ed = await until('the state of vpc', () =>
      vscode.window.activeTextEditor?.document.uri.path === '/dev/vpc.json' ? vscode.window.activeTextEditor : undefined,
    );
    assert.match(ed.document.getText(), /"type": "pulumi-nodejs:dynamic:Resource"/);
    assert.ok(ed.document.getText().includes(`"urn": "${vpc}"`));
    assert.ok(stacks.resourceGraph(project, 'dev'), 'the graph panel is still there');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.strictEqual((await cmd<ResourceGraphReport>('showResourceGraph', { project, stack: 'dev' })).rendered, true);

    // The component api: the engine recorded the line that created it (`new Service('api', …)`).
    await webviewClick(`.node[data-id="${urnOf('api')}"] .header`, ['Alt']);
    const program = path.join(project, 'index.ts');
    const src = await until('the program open at api', () =>
      vscode.window.activeTextEditor?.document.uri.fsPath === program ? vscode.window.activeTextEditor : undefined,
    );
    const expected = fs
      .readFileSync(program, 'utf8')
      .split('\n')
      .findIndex((l) => l.includes("new Service('api'"));
    assert.strictEqual(src.selection.active.line, expected, `the cursor is on line ${expected + 1}`);
  });
});
