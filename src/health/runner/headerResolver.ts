// Turns an endpoint's header declarations into the values sent: literals as written, `{ secret }`
// from the editor's secret storage, `{ env }` from the environment. No `vscode` import: the secret
// store and the trust state come in as callbacks.
import type { EndpointConfig } from '../model/healthConfig';

export interface HeaderSources {
  isTrusted(): boolean;
  getSecret(key: string): PromiseLike<string | undefined>;
  env(name: string): string | undefined;
}

export class HeaderResolver {
  constructor(private readonly sources: HeaderSources) {}

  /** The headers to send; throws an Error whose message says which header could not be filled and why. */
  async resolve(ep: EndpointConfig): Promise<Record<string, string>> {
    if (ep.kind !== 'http') return {};
    const out: Record<string, string> = {};
    for (const [name, v] of Object.entries(ep.headers)) {
      if (v.kind === 'literal') out[name] = v.value;
      else if (!this.sources.isTrusted())
        throw new Error(`header ${name} is not sent: secrets and environment values are only used in a trusted workspace`);
      else if (v.kind === 'env') {
        const val = this.sources.env(v.name);
        if (val === undefined) throw new Error(`header ${name}: environment variable ${v.name} is not set`);
        out[name] = val;
      } else {
        const val = await this.sources.getSecret(v.key);
        if (val === undefined) throw new Error(`header ${name}: secret "${v.key}" is not set (run "OpsDeck: Set Health Check Secret")`);
        out[name] = val;
      }
    }
    return out;
  }
}
