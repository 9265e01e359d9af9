// Copies the screenshots the README shows from the last integration run into docs/screenshots/:
// the demo suite's (test-output/demo/results/demo-*.png) as they are. Run after `npm run test:integration`
// (or `node out/test/rig/runInCodeServer.js --suite demo`) when the UI changed.
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const from = join(root, 'test-output', 'demo', 'results');
const to = join(root, 'docs', 'screenshots');
if (!existsSync(from)) {
  console.error(`${from} does not exist: run the demo suite first (node out/test/rig/runInCodeServer.js --suite demo)`);
  process.exit(1);
}
const shots = readdirSync(from).filter((f) => /^demo-[\w-]+\.png$/.test(f) && !f.startsWith('demo-failed-'));
for (const f of shots) copyFileSync(join(from, f), join(to, f));
console.log(`copied ${shots.length} screenshot(s) to docs/screenshots/: ${shots.join(', ')}`);
