// esbuild bundles the built-in templates as strings (loader `.md: text` in scripts/build.mjs).
declare module '*.md' {
  const text: string;
  export default text;
}
