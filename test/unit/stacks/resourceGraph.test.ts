import * as assert from 'assert';
import { ChangeModelBuilder, changeCounts, countsLine, groupedChanges } from '../../../src/stacks/model/changeModel';
import {
  GraphStateResource,
  LastOperation,
  ResourceGraph,
  TYPE_GROUP_THRESHOLD,
  buildResourceGraph,
  lastOperationFromChangeView,
  placeGraph,
  providerUrn,
} from '../../../src/stacks/model/resourceGraph';
import { nodeLabels, shortType } from '../../../src/stacks/model/graphLabels';
import { StateDeployment } from '../../../src/stacks/model/stateTree';
import { isFromWebview } from '../../../src/stacks/resourceGraphProtocol';
import { fixtureJson, recording } from './recorded';

// The real state of test/fixtures/pulumi/graph after an up (record-graph.js).
const state = fixtureJson<StateDeployment>('graph-state');
const resources = state.resources as GraphStateResource[];

function graphOf(extra: Partial<Parameters<typeof buildResourceGraph>[0]> = {}): ResourceGraph {
  return buildResourceGraph({ stack: 'dev', project: 'graph', resources, pendingOperations: [], ...extra });
}
const node = (g: ResourceGraph, name: string) => g.nodes.find((n) => n.name === name)!;
const edgeList = (g: ResourceGraph) =>
  g.edges
    .map((e) => `${g.nodes[e.from]!.name} → ${g.nodes[e.to]!.name} ${e.kind}${e.properties ? ` [${e.properties.join(',')}]` : ''}`)
    .sort();

/** The change view's account of a recorded operation, as toViewState builds it. */
function lastFromRecording(name: string, op: 'preview' | 'up' | 'refresh', status: string): LastOperation {
  const b = new ChangeModelBuilder(op, 'dev');
  for (const e of recording(name).events) b.apply(e);
  b.finish('succeeded');
  return lastOperationFromChangeView({
    operation: op,
    status,
    countsLine: countsLine(changeCounts(b.model), op === 'preview'),
    groups: groupedChanges(b.model).map((g) => ({
      resources: g.resources.map((r) => ({ urn: r.urn, name: r.name, op: r.op, status: r.status, errors: [], diffs: r.diffs })),
    })),
  });
}

describe('stacks: resource graph from a real state', () => {
  it('has a node per resource, leaving out the stack and the default provider', () => {
    const g = graphOf();
    assert.deepStrictEqual(g.nodes.map((n) => n.name).sort(), [
      'api',
      'handler',
      'log',
      'net',
      'readme',
      'route',
      'settings',
      'subnet',
      'vpc',
      'web',
    ]);
    assert.strictEqual(node(g, 'handler').type, 'pulumi-nodejs:dynamic:Resource');
    assert.strictEqual(node(g, 'api').kind, 'component');
    assert.strictEqual(node(g, 'vpc').kind, 'resource');
    assert.ok(
      g.nodes.every((n) => n.hasSource),
      'every resource of the fixture has a source position',
    );
  });

  it('groups resources by component parent: components with children are boxes, nested', () => {
    const g = graphOf();
    const parentName = (name: string) => g.nodes.find((n) => n.id === node(g, name).parent)?.name;
    assert.deepStrictEqual(
      ['vpc', 'subnet', 'api', 'handler', 'route', 'log', 'settings', 'readme', 'net', 'web'].map((n) => [n, parentName(n)]),
      [
        ['vpc', 'net'],
        ['subnet', 'net'],
        ['api', 'web'],
        ['handler', 'api'],
        ['route', 'api'],
        // log's parent is handler, a resource, not a component: it sits in handler's box with a parent edge.
        ['log', 'api'],
        ['settings', undefined],
        ['readme', undefined],
        ['net', undefined],
        ['web', undefined],
      ],
    );
    assert.deepStrictEqual(
      g.nodes
        .filter((n) => n.group)
        .map((n) => `${n.name}:${n.childCount}`)
        .sort(),
      ['api:3', 'net:2', 'web:1'],
    );
  });

  it('has dependency edges from dependencies and propertyDependencies (with the properties), and parent edges to resources', () => {
    assert.deepStrictEqual(edgeList(graphOf()), [
      'handler → subnet dependency [content]',
      'log → handler parent',
      'readme → settings dependency [content]',
      'route → handler dependency',
      'subnet → vpc dependency [content]',
    ]);
  });

  it('without an operation in this window every node is "none"; the legend counts them', () => {
    const g = graphOf();
    assert.ok(g.nodes.every((n) => n.status === 'none' && n.statusText === 'no operation in this session'));
    assert.strictEqual(g.counts.none, 10);
    assert.strictEqual(g.colouredBy, undefined);
  });

  it('colours by the last operation: a recorded preview that changes the greeting makes handler "to update" (content)', () => {
    const g = graphOf({ last: lastFromRecording('graph-preview-update', 'preview', 'preview ready') });
    const h = node(g, 'handler');
    assert.deepStrictEqual([h.status, h.statusText, h.detail], ['update', 'to update', 'content']);
    assert.ok(g.nodes.filter((n) => n.name !== 'handler').every((n) => n.status === 'none' && n.statusText === 'unchanged'));
    assert.strictEqual(g.counts.update, 1);
    assert.strictEqual(g.counts.none, 9);
    assert.match(g.colouredBy!, /^last preview \(preview ready\): 1 to update/);
  });

  it('a finished up speaks in the past tense; a failed resource shows its first error', () => {
    const urn = node(graphOf(), 'route').id;
    const last: LastOperation = {
      operation: 'up',
      status: 'failed',
      resources: [
        { urn, name: 'route', op: 'create', status: 'failed', errors: ['EACCES: permission denied', 'second'] },
        { urn: node(graphOf(), 'vpc').id, name: 'vpc', op: 'update', status: 'done' },
      ],
    };
    const g = graphOf({ last });
    assert.deepStrictEqual(
      [node(g, 'route').status, node(g, 'route').statusText, node(g, 'route').detail],
      ['failed', 'failed to create', 'EACCES: permission denied'],
    );
    assert.deepStrictEqual([node(g, 'vpc').status, node(g, 'vpc').statusText], ['update', 'updated']);
  });

  it('pending operations in the state win over everything; a pending create not in the state is still shown', () => {
    const handler = node(graphOf(), 'handler').id;
    const ghost = 'urn:pulumi:dev::opsdeck-graph::pulumi-nodejs:dynamic:Resource::half-made';
    const g = graphOf({
      pendingOperations: [
        { urn: handler, type: 'updating' },
        { urn: ghost, type: 'creating' },
      ],
      last: {
        operation: 'up',
        status: 'failed',
        resources: [{ urn: handler, name: 'handler', op: 'update', status: 'failed', errors: ['x'] }],
      },
    });
    assert.deepStrictEqual(
      [node(g, 'handler').status, node(g, 'handler').statusText],
      ['pending', 'pending updating: the last update was interrupted (run Refresh Stack)'],
    );
    const made = node(g, 'half-made');
    assert.deepStrictEqual([made.id, made.type, made.status, made.parent], [ghost, 'pulumi-nodejs:dynamic:Resource', 'pending', undefined]);
    assert.strictEqual(g.counts.pending, 2);
  });

  it('drift: a refresh that changed a resource, or a drift check naming it, colours it as drifted with the properties', () => {
    const vpc = node(graphOf(), 'vpc').id;
    const subnet = node(graphOf(), 'subnet').id;
    const refreshed = graphOf({
      last: {
        operation: 'refresh',
        status: 'succeeded',
        resources: [
          { urn: vpc, name: 'vpc', op: 'update', status: 'done', diffs: [{ path: 'content' }] },
          { urn: subnet, name: 'subnet', op: 'delete', status: 'done' },
        ],
      },
    });
    assert.deepStrictEqual([node(refreshed, 'vpc').status, node(refreshed, 'vpc').detail], ['drift', 'differs: content']);
    assert.deepStrictEqual(
      [node(refreshed, 'subnet').status, node(refreshed, 'subnet').statusText],
      ['drift', 'drifted: gone from the cloud'],
    );
    const checked = graphOf({ drift: new Map([[subnet, ['content', 'size']]]) });
    assert.deepStrictEqual([node(checked, 'subnet').status, node(checked, 'subnet').detail], ['drift', 'differs: content, size']);
  });

  it('lists what the last operation names but the state does not hold (a preview’s creates)', () => {
    const g = graphOf({
      last: {
        operation: 'preview',
        status: 'preview ready',
        resources: [
          { urn: 'urn:pulumi:dev::opsdeck-graph::pulumi-nodejs:dynamic:Resource::new-one', name: 'new-one', op: 'create', status: 'done' },
        ],
      },
    });
    assert.deepStrictEqual(g.notInState, [{ name: 'new-one', op: 'create' }]);
  });

  it('explicit providers are nodes with provider edges; default providers are left out', () => {
    const stack = 'urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev';
    const euwest = 'urn:pulumi:dev::p::pulumi:providers:aws::euwest';
    const dflt = 'urn:pulumi:dev::p::pulumi:providers:aws::default_6_0_0';
    const g = buildResourceGraph({
      stack: 'dev',
      project: 'p',
      pendingOperations: [],
      resources: [
        { urn: stack, type: 'pulumi:pulumi:Stack', custom: false },
        { urn: euwest, type: 'pulumi:providers:aws', custom: true, id: 'p1', parent: stack },
        { urn: dflt, type: 'pulumi:providers:aws', custom: true, id: 'p2' },
        {
          urn: 'urn:pulumi:dev::p::aws:s3/bucket:Bucket::a',
          type: 'aws:s3/bucket:Bucket',
          custom: true,
          parent: stack,
          provider: `${euwest}::p1`,
        },
        {
          urn: 'urn:pulumi:dev::p::aws:s3/bucket:Bucket::b',
          type: 'aws:s3/bucket:Bucket',
          custom: true,
          parent: stack,
          provider: `${dflt}::p2`,
        },
      ],
    });
    assert.deepStrictEqual(g.nodes.map((n) => `${n.name}:${n.kind}`).sort(), ['a:resource', 'b:resource', 'euwest:provider']);
    assert.deepStrictEqual(edgeList(g), ['a → euwest provider']);
    assert.strictEqual(providerUrn(`${euwest}::p1`), euwest);
    assert.strictEqual(providerUrn(undefined), undefined);
  });

  it(`a level with more than ${TYPE_GROUP_THRESHOLD} resources is grouped by type (and the counts leave the type boxes out)`, () => {
    const stack = 'urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev';
    const rs: GraphStateResource[] = [{ urn: stack, type: 'pulumi:pulumi:Stack', custom: false }];
    for (let i = 0; i < 120; i++)
      rs.push({ urn: `urn:pulumi:dev::p::aws:s3/bucket:Bucket::b${i}`, type: 'aws:s3/bucket:Bucket', custom: true, parent: stack });
    for (let i = 0; i < 60; i++)
      rs.push({
        urn: `urn:pulumi:dev::p::aws:iam/role:Role::r${i}`,
        type: 'aws:iam/role:Role',
        custom: true,
        parent: stack,
        dependencies: [`urn:pulumi:dev::p::aws:s3/bucket:Bucket::b${i}`],
      });
    rs.push({ urn: 'urn:pulumi:dev::p::aws:sqs/queue:Queue::only', type: 'aws:sqs/queue:Queue', custom: true, parent: stack });
    const g = buildResourceGraph({ stack: 'dev', project: 'p', resources: rs, pendingOperations: [] });
    const groups = g.nodes.filter((n) => n.kind === 'typeGroup');
    assert.deepStrictEqual(groups.map((n) => [n.name, n.childCount]).sort(), [
      ['iam:Role × 60', 60],
      ['s3:Bucket × 120', 120],
    ]);
    assert.strictEqual(node(g, 'only').parent, undefined, 'a type with one resource stays at the level');
    assert.strictEqual(node(g, 'b7').parent, groups.find((x) => x.type === 'aws:s3/bucket:Bucket')!.id);
    assert.strictEqual(g.counts.none, 181);
    assert.strictEqual(g.edges.length, 60);
    const placed = placeGraph(g);
    const box = (name: string) => placed.boxes[placed.nodes.findIndex((n) => n.name === name)]!;
    // Roles depend on buckets: the bucket box is left of the role box.
    assert.ok(box('s3:Bucket × 120')[0] + box('s3:Bucket × 120')[2] <= box('iam:Role × 60')[0]);
  });
});

describe('stacks: resource graph words and messages', () => {
  it('short types and labels read well', () => {
    assert.strictEqual(shortType('aws:s3/bucket:Bucket'), 's3:Bucket');
    assert.strictEqual(shortType('pulumi-nodejs:dynamic:Resource'), 'dynamic:Resource');
    assert.strictEqual(shortType('weird'), 'weird');
    const g = graphOf({ last: lastFromRecording('graph-preview-update', 'preview', 'preview ready') });
    const labels = nodeLabels(g.nodes, g.edges);
    assert.strictEqual(
      labels[g.nodes.indexOf(node(g, 'handler'))],
      'handler, pulumi-nodejs:dynamic:Resource, to update, content, depends on 1, used by 1',
    );
    assert.strictEqual(labels[g.nodes.indexOf(node(g, 'api'))], 'api, opsdeck:graph:Service, unchanged, component with 3 resources');
  });

  it('accepts only the declared webview messages', () => {
    assert.ok(isFromWebview({ type: 'ready' }));
    assert.ok(isFromWebview({ type: 'openState', urn: 'u' }));
    assert.ok(isFromWebview({ type: 'rendered', generation: 1, nodes: 2, edges: 3, ms: 4, pageAge: 5 }));
    assert.ok(!isFromWebview({ type: 'openSource' }));
    assert.ok(!isFromWebview({ type: 'rendered', generation: '1', nodes: 2, edges: 3, ms: 4, pageAge: 5 }));
    assert.ok(!isFromWebview({ type: 'runCommand', command: 'x' }));
    assert.ok(!isFromWebview(null));
  });
});
