// Pulumi URNs: urn:pulumi:<stack>::<project>::<qualified type>::<name>. The qualified type carries
// the parent chain ("parentType$childType"); the resource's own type is its last segment.

export interface ParsedUrn {
  stack: string;
  project: string;
  type: string;
  name: string;
}

export function parseUrn(urn: string): ParsedUrn {
  const parts = urn.split('::');
  const stack = (parts[0] ?? '').replace(/^urn:pulumi:/, '');
  const project = parts[1] ?? '';
  const qualified = parts[2] ?? '';
  const name = parts.slice(3).join('::');
  const type = qualified.split('$').pop() ?? qualified;
  return { stack, project, type, name };
}

export function resourceName(urn: string): string {
  return parseUrn(urn).name || urn;
}

/** The package a type comes from ("aws" for "aws:s3/bucket:Bucket", "pulumi-nodejs" for dynamic resources). */
export function typePackage(type: string): string {
  return type.split(':')[0] ?? type;
}

export type ResourceKind = 'stack' | 'provider' | 'component' | 'dynamic' | 'custom';

export function resourceKind(type: string, custom: boolean | undefined): ResourceKind {
  if (type === 'pulumi:pulumi:Stack') return 'stack';
  if (type.startsWith('pulumi:providers:')) return 'provider';
  if (type.startsWith('pulumi-nodejs:dynamic:')) return 'dynamic';
  return custom === false ? 'component' : 'custom';
}

/** A codicon per kind of resource, so the tree reads at a glance. */
export function resourceIcon(kind: ResourceKind): string {
  switch (kind) {
    case 'stack':
      return 'layers';
    case 'provider':
      return 'plug';
    case 'component':
      return 'package';
    case 'dynamic':
      return 'symbol-event';
    case 'custom':
      return 'symbol-class';
  }
}
