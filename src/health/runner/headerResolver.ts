// Turns an endpoint's header declarations into the values sent: literals as written, `{ secret }`
// from the editor's secret storage, `{ env }` from the environment. A workspace's health.yaml chooses
// the URL, so a value from outside the file goes only where the user meant it to go:
//  - a secret is stored with the origin it was set for (Set Health Check Secret asks) and is sent to
//    that origin only;
//  - secret and environment values are sent over https only;
//  - environment values go to an origin only after the user allowed it (asked once per origin, the
//    answer remembered per workspace; a variable the file adds later is asked about again).
// Values never appear in a message. No `vscode` import: secret storage, workspace state and the
// question come in as callbacks.
import type { EndpointConfig, HealthConfig } from '../model/healthConfig';

/** What workspace state remembers per origin: variables the user allowed, and ones refused. */
export type EnvConsent = Record<string, { allowed: string[]; denied: string[] }>;

export interface HeaderSources {
  isTrusted(): boolean;
  /** The stored form (see encodeStoredSecret) of a secret, or undefined. */
  getSecret(key: string): PromiseLike<string | undefined>;
  env(name: string): string | undefined;
  readConsent(): EnvConsent | undefined;
  writeConsent(c: EnvConsent): PromiseLike<void>;
  /** Asks whether these environment variables may be sent to `origin`; resolves to the answer. */
  askToSendEnvironment(origin: string, variables: string[]): PromiseLike<boolean>;
}

interface StoredSecret {
  v: 1;
  origin: string;
  value: string;
}

/** How a secret is kept in secret storage: bound to the origin it was set for. */
export function encodeStoredSecret(origin: string, value: string): string {
  const s: StoredSecret = { v: 1, origin: new URL(origin).origin, value };
  return JSON.stringify(s);
}

function decodeStoredSecret(raw: string): StoredSecret | undefined {
  try {
    const s = JSON.parse(raw) as Partial<StoredSecret>;
    return s && s.v === 1 && typeof s.origin === 'string' && typeof s.value === 'string' ? (s as StoredSecret) : undefined;
  } catch {
    return undefined;
  }
}

/** The https origins of the endpoints that use `{ secret: key }` (offered when the secret is set). */
export function originsUsingSecret(cfg: HealthConfig | undefined, key: string): string[] {
  const out = new Set<string>();
  for (const ep of cfg?.endpoints ?? [])
    if (ep.kind === 'http' && Object.values(ep.headers).some((h) => h.kind === 'secret' && h.key === key)) out.add(new URL(ep.url).origin);
  return [...out].sort();
}

export class HeaderResolver {
  private envByOrigin = new Map<string, string[]>();
  private readonly asking = new Map<string, Promise<void>>();

  constructor(private readonly sources: HeaderSources) {}

  /** The configuration being probed: an origin's question names every variable its endpoints use. */
  setConfig(cfg: HealthConfig | undefined): void {
    const m = new Map<string, Set<string>>();
    for (const ep of cfg?.endpoints ?? []) {
      if (ep.kind !== 'http') continue;
      for (const h of Object.values(ep.headers)) {
        if (h.kind !== 'env') continue;
        const origin = new URL(ep.url).origin;
        if (!m.has(origin)) m.set(origin, new Set());
        m.get(origin)!.add(h.name);
      }
    }
    this.envByOrigin = new Map([...m].map(([o, s]) => [o, [...s].sort()]));
  }

  /** The headers to send; throws an Error whose message says which header could not be filled and why. */
  async resolve(ep: EndpointConfig): Promise<Record<string, string>> {
    if (ep.kind !== 'http') return {};
    const url = new URL(ep.url);
    const origin = url.origin;
    const out: Record<string, string> = {};
    for (const [name, v] of Object.entries(ep.headers)) {
      if (v.kind === 'literal') {
        out[name] = v.value;
        continue;
      }
      if (!this.sources.isTrusted())
        throw new Error(`header ${name} is not sent: secrets and environment values are only used in a trusted workspace`);
      const what = v.kind === 'secret' ? `a secret ("${v.key}")` : `an environment value (${v.name})`;
      if (url.protocol !== 'https:')
        throw new Error(`header ${name} is not sent: it carries ${what}, which OpsDeck sends only over https (${origin} is not https).`);
      if (v.kind === 'env') {
        await this.ensureConsent(origin, v.name);
        const c = this.sources.readConsent()?.[origin];
        if (!c?.allowed.includes(v.name))
          throw new Error(
            `header ${name} is not sent: you chose not to send ${v.name} to ${origin} (run "OpsDeck: Forget Health Header Answers" to be asked again).`,
          );
        const val = this.sources.env(v.name);
        if (val === undefined) throw new Error(`header ${name}: environment variable ${v.name} is not set`);
        out[name] = val;
      } else {
        const raw = await this.sources.getSecret(v.key);
        if (raw === undefined) throw new Error(`header ${name}: secret "${v.key}" is not set (run "OpsDeck: Set Health Check Secret")`);
        const stored = decodeStoredSecret(raw);
        if (!stored)
          throw new Error(
            `header ${name}: secret "${v.key}" was stored without the site it is for; run "OpsDeck: Set Health Check Secret" to set it again for ${origin}.`,
          );
        if (stored.origin !== origin)
          throw new Error(
            `header ${name}: secret "${v.key}" was set for ${stored.origin} and is not sent to ${origin}. Run "OpsDeck: Set Health Check Secret" to set it for ${origin}.`,
          );
        out[name] = stored.value;
      }
    }
    return out;
  }

  /** Asks (once per origin at a time) about every variable of the origin not answered yet. */
  private async ensureConsent(origin: string, variable: string): Promise<void> {
    for (;;) {
      const known = this.sources.readConsent()?.[origin];
      if (known && (known.allowed.includes(variable) || known.denied.includes(variable))) return;
      const pending = this.asking.get(origin);
      if (pending) {
        await pending;
        continue;
      }
      const wanted = [...new Set([...(this.envByOrigin.get(origin) ?? []), variable])].sort();
      const open = wanted.filter((n) => !known?.allowed.includes(n) && !known?.denied.includes(n));
      const q = (async () => {
        const yes = await this.sources.askToSendEnvironment(origin, open);
        const all = { ...(this.sources.readConsent() ?? {}) };
        const cur = all[origin] ?? { allowed: [], denied: [] };
        all[origin] = {
          allowed: [...new Set([...cur.allowed, ...(yes ? open : [])])].sort(),
          denied: [...new Set([...cur.denied, ...(yes ? [] : open)])].sort(),
        };
        await this.sources.writeConsent(all);
      })();
      this.asking.set(origin, q);
      try {
        await q;
      } finally {
        this.asking.delete(origin);
      }
    }
  }
}
