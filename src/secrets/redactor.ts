// The redactor: every byte that leaves for the model, a log, the audit log or a chat passes
// here. Known secret values are always replaced (as themselves and in their common encodings,
// see encodings.ts), as `[REDACTED:NAME]`; well-known credential formats (patterns.ts) are
// replaced in tool results always and, with logging.redactSensitive "all", everywhere.
// There is no "off".
import { MultiScanner, type Hit, type Needle } from './scan.ts';
import { secretForms } from './encodings.ts';
import { redactCorePatterns, redactPatterns } from './patterns.ts';

export interface KnownSecret {
  name: string;
  value: string;
}

export type RedactMode = 'tools' | 'all';

/** What the text is: tool output always gets pattern redaction, messages only in "all". */
export type TextKind = 'tool' | 'message';

/** How far back the streaming redactor looks for a whitespace to cut at (keeps tokens whole). */
const TOKEN_HOLDBACK = 4096;

export class Redactor {
  readonly mode: RedactMode;
  readonly names: string[];
  private readonly scanner: MultiScanner;

  constructor(secrets: KnownSecret[] = [], mode: RedactMode = 'tools') {
    this.mode = mode;
    const needles: Needle[] = [];
    const names = new Set<string>();
    for (const s of secrets) {
      const forms = secretForms(s.value);
      if (forms.length > 0) names.add(s.name);
      for (const text of forms) needles.push({ text, label: s.name });
    }
    this.names = [...names].sort();
    this.scanner = new MultiScanner(needles);
  }

  /** Known secret values only. */
  known(text: string): string {
    if (this.scanner.empty || text.length < this.scanner.width) return text;
    return replaceHits(text, this.scanner.scan(text), 0, text.length);
  }

  /** A tool result on its way to the model: known values and every pattern. */
  tool(text: string): string {
    return redactPatterns(this.known(text));
  }

  /** A model reply, log line, audit event or chat message: known values; patterns with "all". */
  message(text: string): string {
    const known = this.known(text);
    return this.mode === 'all' ? redactPatterns(known) : known;
  }

  /**
   * A log line: known values, hardshell's own tokens, Authorization headers and private keys
   * always, every format with "all".
   */
  log(text: string): string {
    const known = this.known(text);
    return this.mode === 'all' ? redactPatterns(known) : redactCorePatterns(known);
  }

  redact(text: string, kind: TextKind): string {
    return kind === 'tool' ? this.tool(text) : this.message(text);
  }

  /** A redactor for text that arrives in pieces: a secret split across two chunks is still found. */
  stream(kind: TextKind): StreamRedactor {
    return new StreamRedactor(this, this.scanner, kind);
  }
}

export class StreamRedactor {
  private held = '';
  private readonly owner: Redactor;
  private readonly scanner: MultiScanner;
  private readonly kind: TextKind;

  constructor(owner: Redactor, scanner: MultiScanner, kind: TextKind) {
    this.owner = owner;
    this.scanner = scanner;
    this.kind = kind;
  }

  /** Takes the next chunk; returns what can safely be passed on now (maybe ''). */
  push(chunk: string): string {
    const text = this.held + chunk;
    let cut = this.safeCut(text);
    const hits = this.scanner.empty ? [] : this.scanner.scan(text);
    for (const h of hits) if (h.start < cut && h.end > cut) cut = h.end;
    this.held = text.slice(cut);
    return this.finish(replaceHits(text, hits.filter((h) => h.start < cut), 0, cut));
  }

  /** The end of the stream: everything still held, redacted. */
  end(): string {
    const text = this.held;
    this.held = '';
    return this.owner.redact(text, this.kind);
  }

  private finish(text: string): string {
    return this.kind === 'tool' || this.owner.mode === 'all' ? redactPatterns(text) : text;
  }

  /** The point before which no secret or token can still be growing. */
  private safeCut(text: string): number {
    // Keep the last (longest needle - 1) non-break characters: a needle may start among them.
    let keep = Math.max(0, this.scanner.maxLength - 1);
    let cut = text.length;
    while (cut > 0 && keep > 0) {
      const c = text.charCodeAt(cut - 1);
      if (c !== 10 && c !== 13) keep--;
      cut--;
    }
    if (this.kind === 'tool' || this.owner.mode === 'all') {
      // Patterns match runs without whitespace: cut at a whitespace so a token stays whole.
      const floor = Math.max(0, cut - TOKEN_HOLDBACK);
      let i = cut;
      while (i > floor && !/\s/.test(text[i - 1])) i--;
      if (i > floor || floor === 0) cut = i;
    }
    return cut;
  }
}

function replaceHits(text: string, hits: Hit[], from: number, to: number): string {
  if (hits.length === 0) return text.slice(from, to);
  let out = '';
  let at = from;
  for (const h of hits) {
    out += text.slice(at, h.start) + `[REDACTED:${h.label}]`;
    at = h.end;
  }
  return out + text.slice(at, to);
}

/** Redacts every string inside a JSON-like value (for records that are stored as objects). */
export function redactDeep(value: unknown, redact: (s: string) => string): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, redact);
    return out;
  }
  return value;
}
