// Engine events as a readable, colour-free log (one line per step, diagnostics verbatim). Every line
// passes through a SecretMasker, so a secret the engine did not mask still never reaches the log.
import { EngineEventLike } from './engineEvents';
import { CHANGE_OPS, ChangeOp, foldOp } from './changeModel';
import { parseUrn } from './urn';
import { renderValue, stripColour } from './values';
import { SecretMasker } from './masking';

export { SecretMasker };

const VERB: Record<string, string> = {
  create: 'creating',
  update: 'updating',
  replace: 'replacing',
  delete: 'deleting',
  read: 'reading',
  same: 'unchanged',
};
const DONE: Record<string, string> = {
  create: 'created',
  update: 'updated',
  replace: 'replaced',
  delete: 'deleted',
  read: 'read',
  same: 'unchanged',
};

/**
 * Returns the log lines for one event (often none). `counts` (the change model's, under the one
 * counting rule of model/resourceCount.ts) replaces the engine's summary counts, which include the
 * stack resource: the log then says what the confirmation and the change view say.
 */
export function formatEvent(e: EngineEventLike, preview: boolean, masker?: SecretMasker, counts?: Record<ChangeOp, number>): string[] {
  const lines: string[] = [];
  const label = (urn: string, type: string) => `${type} ${parseUrn(urn).name}`;
  if (e.resourcePreEvent) {
    const m = e.resourcePreEvent.metadata;
    const op = foldOp(m.op);
    if (op !== 'same' || m.op === 'refresh') {
      const verb = m.op === 'refresh' ? 'refreshing' : preview ? `${op}` : VERB[op];
      lines.push(`${preview ? '  plan' : '  step'}: ${verb} ${label(m.urn, m.type)} (${m.op})`);
      for (const [k, d] of Object.entries(m.detailedDiff ?? {})) {
        if (k === '__meta' || k === '__provider') continue;
        lines.push(`      ${d.diffKind.endsWith('replace') ? '±' : '~'} ${k}`);
      }
    }
  } else if (e.resOutputsEvent) {
    const m = e.resOutputsEvent.metadata;
    const op = foldOp(m.op);
    if (!preview && (op !== 'same' || m.op === 'refresh')) lines.push(`  done: ${DONE[op]} ${label(m.urn, m.type)}`);
  } else if (e.resOpFailedEvent) {
    const m = e.resOpFailedEvent.metadata;
    lines.push(`  FAILED: ${m.op} ${label(m.urn, m.type)}`);
  } else if (e.diagnosticEvent) {
    const d = e.diagnosticEvent;
    if (!d.ephemeral && d.severity !== 'debug') {
      const msg = stripColour(d.message).replace(/\s+$/, '');
      if (msg) {
        const where = d.urn ? ` [${parseUrn(d.urn).name}]` : '';
        const sev = d.severity === 'info#err' ? 'info' : d.severity;
        for (const l of msg.split('\n')) lines.push(`  ${sev}${where}: ${l}`);
      }
    }
  } else if (e.summaryEvent) {
    const s = e.summaryEvent;
    const parts = counts
      ? CHANGE_OPS.filter((op) => counts[op] > 0).map((op) => `${op}=${counts[op]}`)
      : Object.entries(s.resourceChanges).map(([k, v]) => `${k}=${v}`);
    lines.push(`  summary: ${parts.join(', ') || 'no changes'} in ${s.durationSeconds}s${s.maybeCorrupt ? ' (state may be corrupt)' : ''}`);
  } else if (e.preludeEvent) {
    const keys = Object.keys(e.preludeEvent.config);
    if (keys.length) lines.push(`  config: ${keys.map((k) => `${k}=${renderValue(e.preludeEvent!.config[k], 60)}`).join(' ')}`);
  } else if (e.policyEvent) {
    lines.push(`  policy ${e.policyEvent.enforcementLevel} [${e.policyEvent.policyName}]: ${stripColour(e.policyEvent.message)}`);
  }
  // `cancelEvent` closes every event stream (it is the engine's end-of-stream marker, not a user
  // cancel), so it gets no line: OpsDeck logs real cancellations itself.
  return masker && masker.size ? lines.map((l) => masker.mask(l)) : lines;
}
