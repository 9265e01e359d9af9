// Synthetic Pulumi states of any size, in the checkpoint's own format, for benchmarks of what OpsDeck
// does with a big stack (the resource graph). Three shapes:
//   services  a shared network, then services (components of ~30 AWS-typed resources with the
//             dependencies such a service has: role → policy attachments, function → role, bucket,
//             subnet, security group; API routes, queues, alarms), five services per app component,
//             a fifth of the functions reading another service's queue;
//   groups    the scale fixture's shape (test/fixtures/pulumi/scale with groupSize 100): group
//             components of 100 item components, no dependencies;
//   flat      the services' resources with no components at all (one level of 2,000).
import type { StateResource } from '../../src/stacks/model/stateTree';

export interface SyntheticResource extends StateResource {
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
}

export type SyntheticShape = 'services' | 'groups' | 'flat';

export function syntheticStack(shape: SyntheticShape, count: number, stack = 'bench', project = 'bench'): SyntheticResource[] {
  const stackUrn = `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
  const out: SyntheticResource[] = [{ urn: stackUrn, type: 'pulumi:pulumi:Stack', custom: false, outputs: {} }];
  const qualified = new Map<string, string>([[stackUrn, '']]);
  const add = (name: string, type: string, custom: boolean, parent: string | undefined, deps: Array<[string, string]> = []): string => {
    const parentUrn = parent ?? stackUrn;
    const chain = qualified.get(parentUrn) ? `${qualified.get(parentUrn)}$${type}` : type;
    const urn = `urn:pulumi:${stack}::${project}::${chain}::${name}`;
    qualified.set(urn, chain);
    const propertyDependencies: Record<string, string[]> = {};
    for (const [prop, dep] of deps) (propertyDependencies[prop] ??= []).push(dep);
    out.push({
      urn,
      type,
      custom,
      parent: parentUrn,
      ...(custom ? { id: `${name}-0a1b2c3d`, inputs: { name }, outputs: { name, arn: `arn:aws:::${name}` } } : {}),
      dependencies: [...new Set(deps.map((d) => d[1]))],
      propertyDependencies,
      sourcePosition: 'project:///index.ts#10,5',
    });
    return urn;
  };
  const full = () => out.length > count;

  if (shape === 'groups') {
    let group: string | undefined;
    for (let i = 0; !full(); i++) {
      if (i % 100 === 0) group = add(`group-${i / 100}`, 'opsdeck:scale:Group', false, undefined);
      if (!full()) add(`item-${i}`, 'opsdeck:scale:Item', false, group);
    }
    return out;
  }

  const flat = shape === 'flat';
  const vpc = add('vpc', 'aws:ec2/vpc:Vpc', true, undefined);
  const subnets = [0, 1, 2, 3, 4, 5].map((i) => add(`subnet-${i}`, 'aws:ec2/subnet:Subnet', true, undefined, [['vpcId', vpc]]));
  const groups = [0, 1, 2].map((i) => add(`sg-${i}`, 'aws:ec2/securityGroup:SecurityGroup', true, undefined, [['vpcId', vpc]]));
  const key = add('key', 'aws:kms/key:Key', true, undefined);
  const queues: string[] = [];
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  let app: string | undefined;
  for (let s = 0; !full(); s++) {
    if (!flat && s % 5 === 0) app = add(`app-${s / 5}`, 'acme:app:App', false, undefined);
    const svc = flat ? undefined : add(`svc-${s}`, 'acme:app:Service', false, app);
    const n = (x: string) => `svc-${s}-${x}`;
    const urns = new Map<string, string>();
    const r = (name: string, type: string, deps: Array<[string, string]> = []) => {
      if (!full()) urns.set(name, add(n(name), type, true, svc, deps));
    };
    const u = (name: string) => urns.get(name)!;
    r('bucket', 'aws:s3/bucket:Bucket', [['serverSideEncryptionConfiguration', key]]);
    r('bucket-policy', 'aws:s3/bucketPolicy:BucketPolicy', [['bucket', u('bucket')]]);
    r('role', 'aws:iam/role:Role');
    for (const i of [0, 1, 2]) r(`attach-${i}`, 'aws:iam/rolePolicyAttachment:RolePolicyAttachment', [['role', u('role')]]);
    const other = queues.length && random() < 0.2 ? queues[Math.floor(random() * queues.length)] : undefined;
    r('function', 'aws:lambda/function:Function', [
      ['role', u('role')],
      ['environment', u('bucket')],
      ['vpcConfig', subnets[s % 6]!],
      ['vpcConfig', groups[s % 3]!],
      ...(other ? ([['environment', other]] as Array<[string, string]>) : []),
    ]);
    r('logs', 'aws:cloudwatch/logGroup:LogGroup');
    for (const i of [0, 1, 2]) r(`alarm-${i}`, 'aws:cloudwatch/metricAlarm:MetricAlarm', [['dimensions', u('function')]]);
    r('queue', 'aws:sqs/queue:Queue', [['kmsMasterKeyId', key]]);
    if (urns.has('queue')) queues.push(u('queue'));
    r('dlq', 'aws:sqs/queue:Queue');
    r('queue-policy', 'aws:sqs/queuePolicy:QueuePolicy', [['queueUrl', u('queue')]]);
    r('mapping', 'aws:lambda/eventSourceMapping:EventSourceMapping', [
      ['functionName', u('function')],
      ['eventSourceArn', u('queue')],
    ]);
    r('api', 'aws:apigateway/restApi:RestApi');
    r('res-0', 'aws:apigateway/resource:Resource', [['restApi', u('api')]]);
    r('res-1', 'aws:apigateway/resource:Resource', [['parentId', u('res-0')]]);
    r('res-2', 'aws:apigateway/resource:Resource', [['parentId', u('res-1')]]);
    for (const i of [0, 1, 2]) r(`method-${i}`, 'aws:apigateway/method:Method', [['resourceId', u(`res-${i}`)]]);
    for (const i of [0, 1, 2])
      r(`integration-${i}`, 'aws:apigateway/integration:Integration', [
        ['httpMethod', u(`method-${i}`)],
        ['uri', u('function')],
      ]);
    r('deployment', 'aws:apigateway/deployment:Deployment', [
      ['triggers', u('integration-0')],
      ['triggers', u('integration-1')],
      ['triggers', u('integration-2')],
    ]);
    r('stage', 'aws:apigateway/stage:Stage', [['deployment', u('deployment')]]);
    r('permission', 'aws:lambda/permission:Permission', [
      ['function', u('function')],
      ['sourceArn', u('api')],
    ]);
    r('dashboard', 'aws:cloudwatch/dashboard:Dashboard');
    r('topic', 'aws:sns/topic:Topic');
    r('subscription', 'aws:sns/topicSubscription:TopicSubscription', [
      ['topic', u('topic')],
      ['endpoint', u('queue')],
    ]);
  }
  // Dependencies on resources cut off by the count are dropped.
  const have = new Set(out.map((x) => x.urn));
  for (const x of out) {
    x.dependencies = x.dependencies?.filter((d) => have.has(d));
    for (const k of Object.keys(x.propertyDependencies ?? {}))
      x.propertyDependencies![k] = x.propertyDependencies![k]!.filter((d) => have.has(d));
  }
  return out;
}
