// Well-known credential formats, found without knowing the value: provider API keys, tokens,
// JWTs, private key blocks, Authorization headers. Built into one regular expression so a
// text is scanned once whatever the number of formats.

interface Format {
  name: string;
  source: string;
  /** The start of a match that is kept (e.g. `Authorization: Bearer `). */
  keep?: RegExp;
}

const FORMATS: Format[] = [
  { name: 'private-key', source: String.raw`-----BEGIN[A-Z0-9 ]{0,40} PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END[A-Z0-9 ]{0,40} PRIVATE KEY(?: BLOCK)?-----|$(?![\s\S]))` },
  { name: 'auth-header', source: String.raw`\b(?:[Aa]uthorization|AUTHORIZATION|[Pp]roxy-[Aa]uthorization)["']?[ \t]*[:=][ \t]*["']?(?:Bearer|Basic|Token|token|bearer|basic)[ \t]+[^\s"',;]{8,}`, keep: /^.*?(?:Bearer|Basic|Token|token|bearer|basic)[ \t]+/ },
  { name: 'bearer-token', source: String.raw`\bBearer[ \t]+[A-Za-z0-9._~+/=-]{16,}`, keep: /^Bearer[ \t]+/ },
  { name: 'anthropic-key', source: String.raw`\bsk-ant-[A-Za-z0-9_-]{20,}` },
  { name: 'openai-key', source: String.raw`\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}` },
  { name: 'github-token', source: String.raw`\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})` },
  { name: 'slack-token', source: String.raw`\bxox[abpr]-[A-Za-z0-9-]{10,}` },
  { name: 'aws-access-key', source: String.raw`\b(?:AKIA|ASIA)[0-9A-Z]{16}\b` },
  { name: 'google-api-key', source: String.raw`\bAIza[0-9A-Za-z_-]{35}` },
  { name: 'stripe-key', source: String.raw`\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{16,}` },
  { name: 'jwt', source: String.raw`\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}` },
  { name: 'hardshell-token', source: String.raw`\bhs_[A-Za-z0-9_-]{40,}` },
];

export const PATTERN_NAMES = FORMATS.map((f) => f.name);

/**
 * Formats that are always credentials and never content anyone needs in a log: hardshell's own
 * tokens, Authorization headers and private keys. Log lines lose these even in "tools" mode.
 */
export const CORE_PATTERN_NAMES = ['private-key', 'auth-header', 'bearer-token', 'hardshell-token'];

function compile(formats: Format[]): (text: string) => string {
  const combined = new RegExp(formats.map((f, i) => `(?<p${i}>${f.source})`).join('|'), 'g');
  return (text) => text.replace(combined, (...args) => {
    const groups = args[args.length - 1] as Record<string, string | undefined>;
    for (let i = 0; i < formats.length; i++) {
      const found = groups[`p${i}`];
      if (found === undefined) continue;
      const kept = formats[i].keep?.exec(found)?.[0] ?? '';
      return `${kept}[REDACTED:${formats[i].name}]`;
    }
    return '[REDACTED:pattern]';
  });
}

/** Replaces every well-known credential in text with `[REDACTED:<format>]`. */
export const redactPatterns = compile(FORMATS);

/** Only the core formats (CORE_PATTERN_NAMES). */
export const redactCorePatterns = compile(FORMATS.filter((f) => CORE_PATTERN_NAMES.includes(f.name)));
