// The inline route: run an on-disk TypeScript/JavaScript project as an Automation API inline
// program, for machines where the CLI's Node language host (pulumi-language-nodejs) is missing.
// This runs only in the inline worker process (inlineWorker.ts), never in the extension host. The
// project's entry module is loaded with a require hook, scoped to the project's own files, that
// transpiles TypeScript (syntax errors are reported with file and line, as the language host
// would). Type errors are not checked on this route; the UI says so. Stack traces are mapped through
// the inline source maps, so the engine records the TypeScript positions, as on the on-disk route.
import { createRequire } from 'module';
import * as fs from 'fs';
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Module = require('module') as {
  _extensions: Record<string, (m: NodeModule & { _compile(code: string, file: string): void }, file: string) => void>;
};

interface TsLike {
  transpileModule(
    src: string,
    o: { compilerOptions: Record<string, unknown>; fileName: string; reportDiagnostics: boolean },
  ): {
    outputText: string;
    diagnostics?: Array<{
      file?: { getLineAndCharacterOfPosition(p: number): { line: number; character: number } };
      start?: number;
      code: number;
      messageText: string | { messageText: string };
    }>;
  };
  ModuleKind: { CommonJS: number };
  ScriptTarget: { ES2020?: number; ES2019?: number; ES2017: number };
}

function loadTypeScript(workDir: string, pulumiDir: string | undefined): TsLike {
  const req = createRequire(path.join(workDir, 'index.js'));
  try {
    return req('typescript') as TsLike;
  } catch {
    if (pulumiDir) {
      const vendored = path.join(pulumiDir, 'vendor', 'typescript@3.8.3', 'typescript.js');
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a path known only at run time
      if (fs.existsSync(vendored)) return require(vendored) as TsLike;
    }
    throw new Error('TypeScript is not installed for this project (run npm install in the project folder).');
  }
}

export function resolveEntry(workDir: string, main: string | undefined): string {
  const req = createRequire(path.join(workDir, 'index.js'));
  const candidates: string[] = [];
  if (main) candidates.push(path.resolve(workDir, main));
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(workDir, 'package.json'), 'utf8')) as { main?: string };
    if (pkg.main) candidates.push(path.resolve(workDir, pkg.main));
  } catch {
    /* no package.json: fall back to index.* */
  }
  candidates.push(path.join(workDir, 'index.ts'), path.join(workDir, 'index.js'));
  for (const c of candidates) {
    for (const f of [c, `${c}.ts`, `${c}.js`, path.join(c, 'index.ts'), path.join(c, 'index.js')]) {
      if (fs.existsSync(f) && fs.statSync(f).isFile()) return req.resolve(f);
    }
  }
  throw new Error(`No program entry found in ${workDir} (looked for ${main ?? 'package.json main'}, index.ts, index.js).`);
}

function inProject(file: string, workDir: string): boolean {
  const rel = path.relative(workDir, file);
  return !rel.startsWith('..') && !path.isAbsolute(rel) && !rel.split(path.sep).includes('node_modules');
}

const TRANSPILE_OPTIONS = (ts: TsLike) => ({
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2020 ?? ts.ScriptTarget.ES2017,
  esModuleInterop: true,
});

export function makeInlineProgram(
  workDir: string,
  main: string | undefined,
  pulumiDir: string | undefined,
): () => Promise<Record<string, unknown>> {
  return async () => {
    const ts = loadTypeScript(workDir, pulumiDir);
    const previous = Module._extensions['.ts'];
    Module._extensions['.ts'] = (m, filename) => {
      if (!inProject(filename, workDir)) {
        if (previous) return previous(m, filename);
        throw new Error(`Cannot load ${filename}: TypeScript outside the project is not transpiled.`);
      }
      const src = fs.readFileSync(filename, 'utf8');
      const out = ts.transpileModule(src, {
        compilerOptions: { ...TRANSPILE_OPTIONS(ts), inlineSourceMap: true, inlineSources: false },
        fileName: filename,
        reportDiagnostics: true,
      });
      const diags = out.diagnostics ?? [];
      if (diags.length) {
        const text = diags
          .map((d) => {
            const pos = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
            const msg = typeof d.messageText === 'string' ? d.messageText : d.messageText.messageText;
            return `${filename}${pos ? `(${pos.line + 1},${pos.character + 1})` : ''}: error TS${d.code}: ${msg}`;
          })
          .join('\n');
        throw new Error(`Unable to compile TypeScript:\n${text}`);
      }
      m._compile(out.outputText, filename);
    };
    // Map stack traces through the inline source maps while the program runs, so the engine records
    // source positions in the .ts files.
    const proc = process as NodeJS.Process & { setSourceMapsEnabled?: (v: boolean) => void; sourceMapsEnabled?: boolean };
    const hadMaps = proc.sourceMapsEnabled ?? false;
    proc.setSourceMapsEnabled?.(true);
    try {
      for (const key of Object.keys(require.cache)) if (inProject(key, workDir)) delete require.cache[key];
      const entry = resolveEntry(workDir, main);
      const req = createRequire(entry);
      let mod = req(entry) as unknown;
      if (typeof mod === 'function') mod = await (mod as () => unknown)();
      else if (mod && typeof mod === 'object' && typeof (mod as { default?: unknown }).default === 'function')
        mod = await (mod as { default: () => unknown }).default();
      mod = await mod;
      return mod && typeof mod === 'object' ? { ...(mod as Record<string, unknown>) } : {};
    } finally {
      Module._extensions['.ts'] = previous as (typeof Module._extensions)['.ts'];
      if (!previous) delete Module._extensions['.ts'];
      if (!hadMaps) proc.setSourceMapsEnabled?.(false);
    }
  };
}
