// Secret masking that never garbles anything else. Two kinds of known secret:
//
// - strong: long, high-entropy values (an API token, a generated password). Such a string does not
//   occur by accident, so every occurrence is replaced, wherever it stands.
// - weak: short or common values (`demo`, `hunter2`, a word). Replacing every occurrence would
//   rewrite paths and project names (`/tmp/x/demo/infra` → `/tmp/x/[secret]/infra`) and, by the
//   pattern of what was masked, give the secret away. A weak value is masked only in a secret
//   position: as the value of a secret key (`apiToken: demo`, `"password": "demo"`,
//   `opsdeck-demo:dbPassword=demo`).
//
// Besides the known values, the value of an environment-style secret name (`…PASSPHRASE=…`,
// `…_TOKEN=…`, `…SECRET…=…`, `…PASSWORD=…`, `…ACCESS_KEY…=…`) is masked whatever it is, so an
// environment dump never shows one. The Pulumi passphrase is registered as weak: the CLI never
// prints it, so only such a dump could, and a passphrase such as `demo` must not turn every `demo`
// into `[secret]`. Pure: no I/O, no vscode.

export const MASK = '[secret]';

/** Key names whose values are secrets, whatever the value. */
const SECRET_KEY_RE = /pass(?:word|phrase|wd)?|secret|token|api[-_]?key|private[-_]?key|credential|auth(?:orization)?|access[-_]?key/i;
/** `NAME=value` of an environment-style secret variable (upper case, as shells and env dumps print them). */
const ENV_SECRET_RE = /\b([A-Z][A-Z0-9_]*(?:PASSPHRASE|PASSWORD|SECRET|TOKEN|ACCESS_KEY|API_KEY|PRIVATE_KEY)[A-Z0-9_]*)=([^\s"'&;]+)/g;
/** How a key is followed by its value: `k=v`, `k: v`, `"k": "v"`, `k => v`, `k="v"`. */
const KEY_BEFORE_RE = /([A-Za-z_][\w.:\-/]*)["']?\s*(?:=>?|:)\s*["']?$/;
/** Characters that may end a value in text (a value followed by a letter, digit, `/`, `-`… is part of something longer). */
const VALUE_END_RE = /^(?:$|["'\s,;)}\]]|\\[nrt"])/;

/** Shannon entropy of a string in bits (per character × length). */
export function entropyBits(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  const n = [...s].length;
  for (const c of counts.values()) {
    const p = c / n;
    h -= p * Math.log2(p);
  }
  return h * n;
}

/** Whether a value is safe to mask by substring: long enough and random enough never to occur by accident. */
export function isStrongSecret(value: string): boolean {
  return value.length >= 10 && entropyBits(value) >= 40;
}

export function looksLikeSecretKey(key: string): boolean {
  return SECRET_KEY_RE.test(key.split(':').pop() ?? key);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class SecretMasker {
  private readonly strong = new Set<string>();
  private readonly weak = new Set<string>();
  /** Keys (config keys, environment names) known to hold secrets, in full and as their last segment. */
  private readonly keys = new Set<string>();
  private strongRe: RegExp | undefined;

  /**
   * Registers a secret value (strings, numbers, and every leaf of an object). `key`: the name it is
   * known under (a config key); `contextOnly`: never mask it by substring, however random it looks.
   */
  add(value: unknown, opts: { key?: string; contextOnly?: boolean } = {}): void {
    if (opts.key) this.addKey(opts.key);
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') {
      const s = String(value);
      if (!s.trim()) return;
      if (!opts.contextOnly && isStrongSecret(s)) {
        if (!this.strong.has(s)) {
          this.strong.add(s);
          // The same secret inside JSON text: quotes and backslashes escaped.
          const escaped = JSON.stringify(s).slice(1, -1);
          if (escaped !== s) this.strong.add(escaped);
          this.strongRe = undefined;
        }
      } else this.weak.add(s);
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value))
        this.add(v, { contextOnly: opts.contextOnly, key: opts.key ? undefined : k && looksLikeSecretKey(k) ? k : undefined });
    }
  }

  addKey(key: string): void {
    this.keys.add(key);
    const last = key.split(':').pop();
    if (last) this.keys.add(last);
  }

  get size(): number {
    return this.strong.size + this.weak.size;
  }

  /** Whether `key` names a secret (a registered secret key, or a name that says so). */
  isSecretKey(key: string): boolean {
    return this.keys.has(key) || this.keys.has(key.split(':').pop() ?? key) || looksLikeSecretKey(key);
  }

  /** Masks free text: strong values anywhere, any known value in a secret position, env-style secret values. */
  mask(text: string): string {
    if (!text) return text;
    let out = text;
    if (this.strong.size) {
      this.strongRe ??= new RegExp(
        [...this.strong]
          .sort((a, b) => b.length - a.length) // longest first: a secret containing another is masked whole
          .map(escapeRegExp)
          .join('|'),
        'g',
      );
      out = out.replace(this.strongRe, MASK);
    }
    out = out.replace(ENV_SECRET_RE, (_m, name: string) => `${name}=${MASK}`);
    for (const v of this.weak) out = this.maskInPosition(out, v);
    return out;
  }

  /** A structured value under a key (a diff's property, a config entry): masked when it is a known secret in a secret field. */
  maskField(key: string | undefined, value: string): string {
    const bare = value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
    if (key && this.isSecretKey(key) && (this.weak.has(bare) || this.strong.has(bare))) return MASK;
    return this.mask(value);
  }

  private maskInPosition(text: string, v: string): string {
    if (!text.includes(v)) return text;
    let out = '';
    let from = 0;
    for (let i = text.indexOf(v); i >= 0; i = text.indexOf(v, i + v.length)) {
      const before = KEY_BEFORE_RE.exec(text.slice(Math.max(0, i - 200), i));
      const after = text.slice(i + v.length);
      if (before && this.isSecretKey(before[1]!) && VALUE_END_RE.test(after)) {
        out += text.slice(from, i) + MASK;
        from = i + v.length;
      }
    }
    return out + text.slice(from);
  }
}
