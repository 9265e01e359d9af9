// End-to-end checks of the provisioned Pulumi tool chain, fully offline (after `node scripts/setup-tools.mjs`):
//   node scripts/tools/pulumi-cli/verify.mjs                 all of them
//   node scripts/tools/pulumi-cli/verify.mjs yaml policy     only those
// nodejs  on-disk TypeScript through OpsDeck's minimal language host (CLI and Automation API), inline programs
// yaml    test/fixtures/pulumi/yaml-basic through Pulumi's own YAML language host
// policy  test/fixtures/pulumi/policy-pack on test/fixtures/pulumi/policy-target (the host's RunPlugin)
// s3      a DIY S3 backend on moto: login, stack init, up with its lock, history, export, destroy
// Each check runs in its own temporary folder with PATH holding only the tool dirs, node and the system
// dirs. Prints each step's time; exits non-zero on the first failure.
import { verifyNodejs } from './verify/nodejs.mjs';
import { verifyPolicy } from './verify/policy.mjs';
import { verifyS3 } from './verify/s3.mjs';
import { verifyYaml } from './verify/yaml.mjs';

const checks = { nodejs: verifyNodejs, yaml: verifyYaml, policy: verifyPolicy, s3: verifyS3 };
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !checks[w]);
if (unknown.length) {
  console.error(`unknown check(s) ${unknown.join(', ')}; known: ${Object.keys(checks).join(', ')}`);
  process.exit(2);
}
const t = performance.now();
try {
  for (const name of wanted.length ? wanted : Object.keys(checks)) await checks[name]();
} catch (e) {
  if (!e.reported) console.error(e);
  process.exit(1);
}
console.log(`all checks passed in ${((performance.now() - t) / 1000).toFixed(1)} s (node ${process.version})`);
