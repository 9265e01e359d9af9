// "Export Health Checks to Pulumi": the generated module for a representative health.yaml (golden
// file), re-export keeping a user's edits outside the marked region, the entry file's import, and the
// module type-checked with tsc against the real @pulumi/aws types from npm (nothing is deployed: the
// AWS provider plugin cannot run here).
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseHealthConfig } from '../../../src/health/model/healthConfig';
import { REGION_END, generatedRegion, newModule, updateEntry, updateModule } from '../../../src/health/model/pulumiExport';

const REPO = path.resolve(__dirname, '../../../..');
const FIXTURE = path.join(REPO, 'test/fixtures/health/export');

function generated(yaml: string, workspace = 'shop') {
  const cfg = parseHealthConfig(yaml).config!;
  return generatedRegion(cfg, workspace);
}

describe('health: export health checks to Pulumi', () => {
  it('generates the golden module: HTTP, HTTPS, TCP, a string match; loopback, private and regex endpoints listed with why', () => {
    const r = generated(fs.readFileSync(path.join(FIXTURE, 'health.yaml'), 'utf8'));
    // Regenerate with: node -e "…newModule(generatedRegion(cfg,'shop').code)" > test/fixtures/health/export/opsdeckHealthChecks.golden.ts
    assert.strictEqual(newModule(r.code), fs.readFileSync(path.join(FIXTURE, 'opsdeckHealthChecks.golden.ts'), 'utf8'));
    assert.deepStrictEqual(r.exported, ['api', 'www', 'db']);
    assert.deepStrictEqual(
      r.skipped.map((s) => s.name),
      ['search', 'local', 'admin', 'cache'],
    );
  });

  it('keeps the user’s edits outside the generated region when health.yaml changes', () => {
    const first = newModule(generated('endpoints:\n  - { name: api, url: "https://api.example.com/" }\n').code);
    const edited = first
      .replace(
        "import * as pulumi from '@pulumi/pulumi';",
        "import * as pulumi from '@pulumi/pulumi';\n// my note: owned by the platform team",
      )
      .replace('    this.registerOutputs({});', '    this.extra = 1;\n    this.registerOutputs({});')
      .replace('  public readonly checks', '  public extra = 0;\n  public readonly checks');
    const second = generated(
      'endpoints:\n  - { name: api, url: "https://api.example.com/" }\n  - { name: web, url: "https://www.example.com/" }\n',
    );
    const r = updateModule(edited, second.code);
    assert.ok(r.ok);
    assert.match(r.text, /my note: owned by the platform team/);
    assert.match(r.text, /this\.extra = 1;/);
    assert.match(r.text, /this\.checks\['web'\]/);
    assert.strictEqual(r.text.split(REGION_END).length, 2, 'one region');
    // A file of the same name that is not OpsDeck's is never overwritten.
    const foreign = updateModule('export const x = 1;\n', second.code);
    assert.ok(!foreign.ok);
    assert.match(foreign.error, /without OpsDeck's/);
  });

  it('adds the import and one instance to the entry file once', () => {
    const entry =
      "import * as pulumi from '@pulumi/pulumi';\nimport * as aws from '@pulumi/aws';\n\nexport const bucket = new aws.s3.Bucket('b');\n";
    const once = updateEntry(entry, './opsdeckHealthChecks');
    assert.strictEqual(
      once,
      "import * as pulumi from '@pulumi/pulumi';\nimport * as aws from '@pulumi/aws';\nimport { OpsDeckHealthChecks } from './opsdeckHealthChecks';\n\nexport const bucket = new aws.s3.Bucket('b');\n\n// Route 53 health checks from .opsdeck/health.yaml (OpsDeck: Export Health Checks to Pulumi).\nexport const opsdeckHealthChecks = new OpsDeckHealthChecks('opsdeck-health');\n",
    );
    assert.strictEqual(updateEntry(once, './opsdeckHealthChecks'), once, 'already there: unchanged');
  });

  it('type-checks with tsc against the real @pulumi/aws types, and text from health.yaml cannot break out of a literal or comment', function () {
    this.timeout(180_000);
    // Hostile names and patterns: quotes, newlines, a comment end.
    const yaml =
      fs.readFileSync(path.join(FIXTURE, 'health.yaml'), 'utf8') +
      '  - name: "it\'s \\"x\\" */ \\n evil()"\n    url: https://evil.example.com/\n    bodyMatch: "a\'b"\n  - name: "regex\\nline"\n    url: https://r.example.com/\n    bodyMatch: "x\\n(y)"\n';
    const mod = newModule(generated(yaml, "folder 'with' quotes").code);
    // Inside the repository, so @pulumi/aws and @pulumi/pulumi resolve from its node_modules.
    const dir = fs.mkdtempSync(path.join(REPO, 'out', 'export-tsc-'));
    try {
      fs.writeFileSync(path.join(dir, 'opsdeckHealthChecks.ts'), mod);
      fs.writeFileSync(path.join(dir, 'index.ts'), updateEntry("import * as pulumi from '@pulumi/pulumi';\n", './opsdeckHealthChecks'));
      fs.writeFileSync(
        path.join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            target: 'es2022',
            module: 'commonjs',
            moduleResolution: 'node',
            noEmit: true,
            skipLibCheck: true,
            types: [],
          },
          files: ['index.ts', 'opsdeckHealthChecks.ts'],
        }),
      );
      const tsc = path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
      try {
        execFileSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8', stdio: 'pipe' });
      } catch (e) {
        assert.fail(`tsc found errors:\n${(e as { stdout?: string }).stdout}\n--- module ---\n${mod}`);
      }
      assert.match(mod, /searchString: 'a\\'b'/);
      assert.doesNotMatch(mod, /^\s*evil\(\)/m, 'a newline in a name stays inside the literal or comment');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
