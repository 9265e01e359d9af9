// What the tests that run the real Pulumi CLI in plain Node share: where the repository is, and the
// tools `npm run setup-tools` provisioned (no CLI there: those tests skip themselves).
import * as fs from 'fs';
import * as path from 'path';

export const repo = path.resolve(__dirname, '..', '..', '..', '..');
const toolsFile = process.env.OPSDECK_TOOLS_JSON ?? path.join(repo, '.tools', 'tools.json');
export const tools = fs.existsSync(toolsFile)
  ? (JSON.parse(fs.readFileSync(toolsFile, 'utf8')) as { pulumi?: { binDir: string } })
  : ({} as { pulumi?: { binDir: string } });
