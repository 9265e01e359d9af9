// What a destroy will delete, listed from the stack's state, for the guard's question. A destroy does
// not run the program: the engine deletes what the last checkpoint holds (GenerateDeletes in
// pulumi/pkg/resource/deploy/step_generator.go, 3.259), so the list needs no `pulumi destroy
// --preview-only` run (a second CLI process that loads the whole state again: 1.14× the CLI's own
// destroy at 500 resources, bench/README.md). The rules below are the engine's:
// - every resource in the checkpoint is deleted, pending deletes (left by a replacement) included;
// - a read resource (`external`) is discarded (dropped from the state, left in the cloud);
// - a resource awaiting its replacement (`pendingReplacement`) only leaves the state;
// - a protected resource stops the whole destroy (deleteProtectedError), unless it is a pending
//   delete or awaits its replacement (neither step checks `protect`).
// The real CLI's own list is compared with this one in test/unit/stacks/destroyList.real.test.ts.
import { ChangeModel, ResourceChange, emptyModel } from './changeModel';
import { OpType } from './engineEvents';
import { parseUrn } from './urn';
import type { StateResource } from './stateTree';

/** What the list needs of a resource (no inputs or outputs: a big state's list stays small). */
export type DestroyCandidate = Pick<
  StateResource,
  'urn' | 'type' | 'parent' | 'protect' | 'external' | 'delete' | 'pendingReplacement' | 'viewOf'
>;

export function destroyCandidate(r: StateResource): DestroyCandidate {
  const c: DestroyCandidate = { urn: r.urn, type: r.type };
  if (r.parent) c.parent = r.parent;
  if (r.protect) c.protect = true;
  if (r.external) c.external = true;
  if (r.delete) c.delete = true;
  if (r.pendingReplacement) c.pendingReplacement = true;
  if (r.viewOf) c.viewOf = r.viewOf;
  return c;
}

export type DestroyList =
  | {
      kind: 'ok';
      /** A finished preview's model: every resource a planned delete, in the engine's order (dependents first). */
      model: ChangeModel;
      /** Equal for two reads of the same resources: compared again after the user confirms. */
      fingerprint: string;
    }
  | { kind: 'protected'; resources: Array<{ urn: string; name: string }> };

/** The engine's step op for deleting `r` in a destroy (DeleteStep.Op, RemovePendingReplaceStep). */
function deleteStep(r: DestroyCandidate): OpType {
  if (r.pendingReplacement && !r.delete) return 'remove-pending-replace';
  if (r.external) return r.delete ? 'discard-replaced' : 'discard';
  return r.delete ? 'delete-replaced' : 'delete';
}

export function destroyList(stack: string, resources: readonly DestroyCandidate[]): DestroyList {
  // The engine checks `protect` in a delete step that is not part of a replacement; a pending delete is
  // one, a resource awaiting its replacement only leaves the state (RemovePendingReplaceStep, no check).
  const prot = resources.filter((r) => r.protect && !r.delete && !r.pendingReplacement && !r.viewOf);
  if (prot.length) return { kind: 'protected', resources: prot.map((r) => ({ urn: r.urn, name: parseUrn(r.urn).name })) };
  const model = emptyModel('destroy', stack);
  const byUrn = new Map<string, ResourceChange>();
  // The checkpoint lists a resource after what it depends on, so the reverse is an order the engine
  // may delete in. A URN held twice (live and pending delete) is one row, as in the engine's preview.
  for (let i = resources.length - 1; i >= 0; i--) {
    const r = resources[i]!;
    const step = deleteStep(r);
    const seen = byUrn.get(r.urn);
    if (seen) {
      if (!seen.steps.includes(step)) seen.steps.push(step);
      continue;
    }
    const row: ResourceChange = {
      urn: r.urn,
      name: parseUrn(r.urn).name,
      type: r.type,
      parentUrn: r.parent,
      op: 'delete',
      steps: [step],
      status: 'pending',
      diffs: [],
      replaceReasons: [],
      diagnostics: [],
    };
    byUrn.set(r.urn, row);
    model.resources.push(row);
    model.counts.delete++;
  }
  model.finished = true;
  model.result = 'succeeded';
  return { kind: 'ok', model, fingerprint: JSON.stringify(resources) };
}

/** "db, bucket and 3 more" for a refusal. */
export function protectedMessage(stack: string, resources: Array<{ urn: string; name: string }>): string {
  const names = resources.slice(0, 5).map((r) => r.name);
  const more = resources.length > 5 ? ` and ${resources.length - 5} more` : '';
  const n = resources.length;
  return (
    `"${stack}" has ${n} protected resource${n === 1 ? '' : 's'} (${names.join(', ')}${more}). Pulumi refuses to delete a protected ` +
    `resource, so OpsDeck did not start the destroy: nothing was deleted. To destroy the stack, remove the \`protect\` option from ${n === 1 ? 'that resource' : 'those resources'} ` +
    `in the program and deploy, or run \`pulumi state unprotect <urn>\` (the URNs are in the log).`
  );
}
