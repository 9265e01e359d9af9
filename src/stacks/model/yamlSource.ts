// Source positions for Pulumi YAML programs. Pulumi's YAML language host records a position in its own
// Go source (github.com/pulumi/pulumi-yaml@v1.25.0/pkg/pulumiyaml/run.go#…), not in the program; but a
// YAML program declares each resource under `resources:` by its logical name: that key's line in
// Pulumi.yaml is where the resource was declared. Pure over the file's text.
import { isMap, isScalar, parseDocument } from 'yaml';
import { ResourceNode, SourcePosition, StateIndex } from './stateTree';
import { parseUrn } from './urn';

/** Line (1-based) and column of each key under the top-level `resources:` map. */
export function yamlResourcePositions(text: string): Map<string, { line: number; column: number }> {
  const out = new Map<string, { line: number; column: number }>();
  const doc = parseDocument(text);
  if (!isMap(doc.contents)) return out;
  const resources = doc.contents.items.find((p) => isScalar(p.key) && p.key.value === 'resources');
  if (!resources || !isMap(resources.value)) return out;
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const at = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
  };
  for (const item of resources.value.items) {
    if (isScalar(item.key) && typeof item.key.value === 'string' && item.key.range) out.set(item.key.value, at(item.key.range[0]));
  }
  return out;
}

const inYaml = (s: SourcePosition | undefined) => (s && /\.ya?ml$/i.test(s.file) ? s : undefined);

/**
 * The state index with the YAML program's positions in place of the host's own: the tree's Go to
 * Resource Source, the change view's links and the Problems panel then all find the line in Pulumi.yaml.
 * A recorded position outside a YAML file (the host's Go source) is dropped.
 */
export function withYamlSources(idx: StateIndex, yamlText: string, projectFileName: string): StateIndex {
  const positions = yamlResourcePositions(yamlText);
  const sourceOf = (urn: string): SourcePosition | undefined => {
    const p = positions.get(parseUrn(urn).name);
    return p ? { file: `project:///${projectFileName}`, line: p.line, column: p.column } : inYaml(idx.sources.get(urn));
  };
  const fill = (n: ResourceNode): ResourceNode => {
    const source = sourceOf(n.urn);
    return source === n.source ? n : { ...n, source };
  };
  return {
    ...idx,
    roots: idx.roots.map(fill),
    children: { get: (urn) => idx.children.get(urn)?.map(fill) },
    sources: { get: sourceOf },
  };
}
