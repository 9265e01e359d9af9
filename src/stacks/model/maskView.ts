// The change view's state with secrets masked before it reaches the webview: diagnostics, failure
// texts, resource errors, and property diffs (a known secret as the value of a secret property).
// Names, types, URNs and the project label are left alone: masking never rewrites them.
import { ChangeViewState } from '../changeViewProtocol';
import { SecretMasker } from './masking';

export function maskViewState(s: ChangeViewState, m: SecretMasker): ChangeViewState {
  return {
    ...s,
    diagnostics: s.diagnostics.map((d) => ({ ...d, message: m.mask(d.message) })),
    failure: s.failure ? { message: m.mask(s.failure.message), remedy: m.mask(s.failure.remedy) } : undefined,
    groups: s.groups.map((g) => ({
      ...g,
      resources: g.resources.map((r) => ({
        ...r,
        errors: r.errors.map((e) => m.mask(e)),
        diffs: r.diffs.map((d) => ({
          ...d,
          old: m.maskField(d.path, d.old),
          new: m.maskField(d.path, d.new),
          ...(d.lines ? { lines: d.lines.map((l) => (l.kind === 'fold' ? l : { ...l, text: m.maskField(d.path, l.text) })) } : {}),
        })),
      })),
    })),
  };
}
