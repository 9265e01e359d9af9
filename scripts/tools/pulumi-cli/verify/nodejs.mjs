// Node.js programs through OpsDeck's minimal language host, on a file backend:
// 1. an on-disk TypeScript project (Pulumi.yaml, runtime nodejs) with one dynamic-provider resource,
//    through the CLI: stack init, config set, preview, up, stack output, preview --expect-no-changes,
//    a program that throws (must fail), destroy;
// 2. the same project through the Automation API (LocalWorkspace with workDir): preview, up;
// 3. an inline Automation API program: preview, up.
import { appendFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { root, startCheck } from './lib.mjs';

export async function verifyNodejs() {
  const { pulumiTools: tools, tmp, env, step, pulumi, finish } = startCheck('nodejs');
  Object.assign(process.env, env);

  const proj = join(tmp, 'proj');
  mkdirSync(proj);
  mkdirSync(join(tmp, 'inline'));
  symlinkSync(join(root, 'node_modules'), join(proj, 'node_modules'));
  writeFileSync(join(proj, 'Pulumi.yaml'), 'name: verify-disk\nruntime: nodejs\n');
  writeFileSync(join(proj, 'package.json'), JSON.stringify({ name: 'verify-disk', private: true, main: 'index.ts' }));
  const program = `import * as pulumi from '@pulumi/pulumi';
const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: any) {
    return { id: 'thing-' + inputs.label, outs: { label: inputs.label, size: inputs.label.length } };
  },
};
class Thing extends pulumi.dynamic.Resource {
  public readonly size!: pulumi.Output<number>;
  constructor(name: string, label: string) {
    super(provider, name, { label, size: undefined }, {});
  }
}
const thing = new Thing('thing', new pulumi.Config().require('label'));
export const size = thing.size;
export const stack = pulumi.getStack();
`;
  writeFileSync(join(proj, 'index.ts'), program);

  await step('CLI: pulumi version', () => pulumi(['version']).trim());
  await step('CLI: stack init dev', () => void pulumi(['stack', 'init', 'dev'], { cwd: proj }));
  await step('CLI: config set label world', () => void pulumi(['config', 'set', 'label', 'world'], { cwd: proj }));
  await step('CLI: preview (on-disk TypeScript)', () => {
    const out = pulumi(['preview'], { cwd: proj });
    if (!/\+ 2 to create/.test(out)) throw new Error(`unexpected preview:\n${out}`);
    if (tools.source !== 'path' && /using .* from \$PATH/.test(out)) throw new Error(`plugin warning in output:\n${out}`);
    return '+ 2 to create';
  });
  await step('CLI: up --yes', () => {
    const out = pulumi(['up', '--yes'], { cwd: proj });
    if (!/\+ 2 created/.test(out)) throw new Error(`unexpected up:\n${out}`);
    return '+ 2 created';
  });
  await step('CLI: stack output', () => {
    const outputs = JSON.parse(pulumi(['stack', 'output', '--json'], { cwd: proj }));
    if (outputs.size !== 5 || outputs.stack !== 'dev') throw new Error(`unexpected outputs ${JSON.stringify(outputs)}`);
    return JSON.stringify(outputs);
  });
  await step('CLI: preview --expect-no-changes', () => void pulumi(['preview', '--expect-no-changes'], { cwd: proj }));
  await step('CLI: a throwing program fails the preview', () => {
    appendFileSync(join(proj, 'index.ts'), "throw new Error('boom from the program');\n");
    const out = pulumi(['preview'], { cwd: proj, expectFail: true });
    writeFileSync(join(proj, 'index.ts'), program);
    if (!out.includes('boom from the program')) throw new Error(`the error is not shown:\n${out}`);
    return 'error shown, exit non-zero';
  });
  await step('CLI: destroy --yes', () => void pulumi(['destroy', '--yes'], { cwd: proj }));

  // 2 and 3: the Automation API (Node 20 here, although @pulumi/pulumi declares node >= 22)
  const req = createRequire(join(root, 'package.json'));
  const { LocalWorkspace } = req('@pulumi/pulumi/automation');
  const pulumiSdk = req('@pulumi/pulumi');
  const quiet = { onOutput: () => {} };

  let auto;
  await step('Automation API (workDir): createOrSelectStack', async () => {
    auto = await LocalWorkspace.createOrSelectStack({ stackName: 'auto', workDir: proj });
    await auto.setConfig('label', { value: 'automation' });
  });
  await step('Automation API (workDir): preview', async () => JSON.stringify((await auto.preview(quiet)).changeSummary));
  await step('Automation API (workDir): up', async () => {
    const r = await auto.up(quiet);
    if (r.outputs.size?.value !== 10) throw new Error(`unexpected outputs ${JSON.stringify(r.outputs)}`);
    return `${r.summary.result} ${JSON.stringify(r.summary.resourceChanges)}`;
  });

  let inline;
  await step('Automation API (inline): createOrSelectStack', async () => {
    inline = await LocalWorkspace.createOrSelectStack(
      {
        stackName: 'inline',
        projectName: 'verify-inline',
        program: async () => {
          const provider = {
            async create(inputs) {
              return { id: `id-${inputs.n}`, outs: { ...inputs, double: inputs.n * 2 } };
            },
          };
          const r = new pulumiSdk.dynamic.Resource(provider, 'r', { n: 21, double: undefined }, {});
          return { double: r.double };
        },
      },
      { workDir: join(tmp, 'inline') },
    );
  });
  await step('Automation API (inline): preview', async () => JSON.stringify((await inline.preview(quiet)).changeSummary));
  await step('Automation API (inline): up', async () => {
    const r = await inline.up(quiet);
    if (r.outputs.double?.value !== 42) throw new Error(`unexpected outputs ${JSON.stringify(r.outputs)}`);
    return `${r.summary.result} ${JSON.stringify(r.summary.resourceChanges)}`;
  });
  finish();
}
