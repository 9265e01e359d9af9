// The operation record's life, as events applied to its markdown: opened (risk, state before, the
// change), a progress entry per phase, the verification result, the final status, the rollback
// target. Each event is one text → text step built from recordEdits.ts, so the same sequence of
// events always gives the same record (golden-tested), and a person's edits in between survive.
import type { OperationStatus } from '../../documents/living';
import {
  appendProgress,
  fillPlaceholderLine,
  readMarker,
  RecordMarker,
  setField,
  setStatus,
  upsertBlock,
  writeMarker,
  Edited,
} from './recordEdits';
import {
  ChangeSummary,
  PreState,
  renderChange,
  renderPreState,
  renderRisk,
  renderRollback,
  renderVerification,
  RollbackTarget,
  VerificationResult,
} from './recordContent';
import type { Risk } from './risk';

export type RecordEvent =
  | { kind: 'opened'; stackRef: string; operationId: string; risk?: Risk; pre?: PreState; change?: ChangeSummary }
  | { kind: 'progress'; time: string; phase: string; body?: string[] }
  | { kind: 'verified'; result: VerificationResult }
  | { kind: 'rollbackTarget'; target: RollbackTarget }
  | { kind: 'status'; status: OperationStatus; completion: string; close: boolean };

export interface Applied {
  text: string;
  /** Things OpsDeck did not overwrite because a person changed them. */
  kept: string[];
}

/** Chains edits, collecting what was kept. */
function chain(start: Edited, ...steps: Array<(e: Edited) => Edited>): Edited {
  return steps.reduce((acc, step) => {
    const next = step({ ...acc, kept: [] });
    return { ...next, kept: [...acc.kept, ...next.kept] };
  }, start);
}

export function applyRecordEvent(text: string, event: RecordEvent): Applied {
  const existing = readMarker(text);
  if (event.kind === 'opened') {
    const marker: RecordMarker = existing ?? { v: 1, stack: event.stackRef, operationId: event.operationId, fields: {}, blocks: {} };
    const start: Edited = { text, marker, kept: [] };
    const r = chain(
      start,
      (e) => setField(e.text, e.marker, 'Pulumi Stack', event.stackRef),
      (e) => (event.risk ? setField(e.text, e.marker, 'Risk Level', event.risk.level) : e),
      (e) =>
        event.risk
          ? upsertBlock(
              e.text,
              e.marker,
              'risk',
              renderRisk(event.risk),
              /^infrastructure risk assessment$/i,
              'Infrastructure Risk Assessment',
            )
          : e,
      (e) =>
        event.pre
          ? upsertBlock(
              e.text,
              e.marker,
              'pre-state',
              renderPreState(event.pre),
              /^pre-operation infrastructure state$/i,
              'Pre-Operation Infrastructure State',
            )
          : e,
      (e) => (event.pre ? { ...e, text: fillBaseline(e.text, event.pre) } : e),
      (e) =>
        event.change
          ? upsertBlock(
              e.text,
              e.marker,
              'change',
              renderChange(event.change),
              /^infrastructure operation steps$/i,
              'Infrastructure Operation Steps',
            )
          : e,
    );
    return { text: writeMarker(r.text, r.marker), kept: r.kept };
  }
  const marker = existing;
  if (!marker) return { text, kept: ['the record marker (removed by hand: OpsDeck only appends to the progress log)'] };
  switch (event.kind) {
    case 'progress':
      return { text: appendProgress(text, event.time, event.phase, event.body ?? []), kept: [] };
    case 'verified': {
      const r = upsertBlock(
        text,
        marker,
        'verification',
        renderVerification(event.result),
        /^post-operation infrastructure verification$/i,
        'Post-Operation Infrastructure Verification',
      );
      return { text: writeMarker(fillComparison(r.text, event.result), r.marker), kept: r.kept };
    }
    case 'rollbackTarget': {
      const r = upsertBlock(
        text,
        marker,
        'rollback',
        renderRollback(event.target, marker.stack),
        /^rollback procedures$/i,
        'Rollback Procedures',
      );
      return { text: writeMarker(r.text, r.marker), kept: r.kept };
    }
    case 'status': {
      const r = setStatus(text, marker, event.status, event.completion);
      return { text: writeMarker(r.text, { ...r.marker, closed: event.close || r.marker.closed }), kept: r.kept };
    }
  }
}

/** The template's "Performance Baseline" and "Current Service Levels" lines, where still placeholders. */
function fillBaseline(text: string, pre: PreState): string {
  const eps = pre.endpoints;
  if (!eps.length) return text;
  const list = (f: (e: PreState['endpoints'][number]) => string | undefined) => {
    const parts = eps.map((e) => ({ e, v: f(e) })).filter((x) => x.v !== undefined);
    return parts.length ? parts.map((x) => `${x.v} (${x.e.name})`).join(', ') : undefined;
  };
  let t = text;
  t = fillPlaceholderLine(t, /^performance baseline$/i, /Response Times/, () =>
    list((e) => (e.p95Ms !== undefined ? `p95 ${Math.round(e.p95Ms)} ms` : undefined)),
  );
  t = fillPlaceholderLine(t, /^performance baseline$/i, /Error Rates/, () =>
    list((e) => (e.availability24h !== undefined ? `${(100 - e.availability24h).toFixed(3)}% failed checks, 24 h` : undefined)),
  );
  t = fillPlaceholderLine(t, /^performance baseline$/i, /Availability/, () =>
    list((e) => (e.availability24h !== undefined ? `${e.availability24h.toFixed(3)}% over 24 h` : undefined)),
  );
  t = fillPlaceholderLine(t, /^current service levels$/i, /SLA Commitments/, () => list((e) => `${e.slo}% SLO`));
  t = fillPlaceholderLine(
    t,
    /^current service levels$/i,
    /Monitoring Coverage/,
    () => `${eps.length} endpoint check${eps.length === 1 ? '' : 's'} in OpsDeck health`,
  );
  return t;
}

/** "Response Time: [before]ms → [after]ms" and "Error Rate: [before]% → [after]%" in the comparison block. */
function fillComparison(text: string, v: VerificationResult): string {
  const withBoth = v.endpoints.filter((e) => e.beforeP95Ms !== undefined && e.afterP95Ms !== undefined);
  let t = text;
  if (withBoth.length) {
    t = fillPlaceholderLine(t, /^performance comparison$/i, /Response Time/, () =>
      withBoth.map((e) => `${Math.round(e.beforeP95Ms!)}ms → ${Math.round(e.afterP95Ms!)}ms (p95, ${e.name})`).join(', '),
    );
  }
  const rates = v.endpoints.filter((e) => e.beforeAvailability !== undefined && e.afterAvailability !== undefined);
  if (rates.length) {
    t = fillPlaceholderLine(t, /^performance comparison$/i, /Error Rate/, () =>
      rates
        .map((e) => `${(100 - e.beforeAvailability!).toFixed(2)}% → ${(100 - e.afterAvailability!).toFixed(2)}% (failed checks, ${e.name})`)
        .join(', '),
    );
  }
  return t;
}
