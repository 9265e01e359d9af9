import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test/fixtures/**', 'demo/**', '.tools/**', 'test-output/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        __dirname: 'readonly',
        require: 'readonly',
        module: 'writable',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        fetch: 'readonly',
        performance: 'readonly',
        document: 'readonly',
        window: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'child_process', message: 'Use src/shared/process.ts so commands are argument arrays with typed errors.' }] },
      ],
    },
  },
  {
    // Pure logic (model/) and I/O without the editor (runner/) must load in plain Node: unit tests,
    // benchmarks and child processes reach them without a VS Code host.
    files: ['src/*/model/**', 'src/*/runner/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'child_process', message: 'Use src/shared/process.ts so commands are argument arrays with typed errors.' },
            {
              name: 'vscode',
              message: 'model/ and runner/ stay free of the editor API: take what you need from the glue as callbacks or values.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/shared/process.ts', 'test/**', 'scripts/**', 'bench/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
