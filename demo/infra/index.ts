// The demo's infrastructure: two "resources" that are local files, managed by a Pulumi dynamic
// provider, so previews, deploys, diffs and history work with no cloud account. State lives in
// ../.pulumi-state (PULUMI_BACKEND_URL, set by `npm start`), the managed files in ../.state/<stack>/.
import * as pulumi from '@pulumi/pulumi';

interface LocalFileInputs {
  fileName: pulumi.Input<string>;
  content: pulumi.Input<string>;
}

interface LocalFileState {
  fileName: string;
  content: string;
  path: string;
}

const stateDir = `${__dirname}/../.state/${pulumi.getStack()}`;

// The provider object is serialised into the state by Pulumi; it must only capture plain values.
const localFileProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: LocalFileState) {
    const fs = await import('fs');
    const path = await import('path');
    const target = path.join(stateDir, inputs.fileName);
    fs.mkdirSync(stateDir, { recursive: true });
    fs.writeFileSync(target + '.tmp', inputs.content);
    fs.renameSync(target + '.tmp', target);
    return { id: target, outs: { ...inputs, path: target } };
  },
  async diff(_id: string, olds: LocalFileState, news: LocalFileState) {
    const replaces = olds.fileName !== news.fileName ? ['fileName'] : [];
    return { changes: olds.content !== news.content || replaces.length > 0, replaces, deleteBeforeReplace: true };
  },
  async update(_id: string, _olds: LocalFileState, news: LocalFileState) {
    const fs = await import('fs');
    const path = await import('path');
    const target = path.join(stateDir, news.fileName);
    fs.writeFileSync(target + '.tmp', news.content);
    fs.renameSync(target + '.tmp', target);
    return { outs: { ...news, path: target } };
  },
  async delete(_id: string, props: LocalFileState) {
    const fs = await import('fs');
    fs.rmSync(props.path, { force: true });
  },
};

class LocalFile extends pulumi.dynamic.Resource {
  declare readonly path: pulumi.Output<string>;
  declare readonly content: pulumi.Output<string>;
  constructor(name: string, args: LocalFileInputs, opts?: pulumi.CustomResourceOptions) {
    super(localFileProvider, name, { ...args, path: undefined }, opts);
  }
}

const config = new pulumi.Config();
const environment = config.get('environment') ?? pulumi.getStack();
const replicas = config.getNumber('replicas') ?? 1;

const serviceConfig = new LocalFile('service-config', {
  fileName: 'service.json',
  content: JSON.stringify({ service: 'demo-api', environment, replicas, healthPath: '/health' }, null, 2) + '\n',
});

const statusPage = new LocalFile('status-page', {
  fileName: 'status.md',
  content: `# demo-api (${environment})\n\nReplicas: ${replicas}\nHealth: http://127.0.0.1:8787/health\n`,
});

export const serviceConfigPath = serviceConfig.path;
export const statusPagePath = statusPage.path;
export const endpoint = 'http://127.0.0.1:8787/health';
// A secret output: OpsDeck must show it masked.
export const apiToken = pulumi.secret(`demo-token-${environment}`);
