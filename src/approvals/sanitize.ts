// What a person is shown must be what runs: terminal escape sequences could repaint the
// screen, and invisible or bidirectional characters could make `rm` read as something else.
// Each is replaced by a visible \u{…} marker, so the person sees that something is there.
const ESCAPE_SEQUENCE = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[PX^_][^\x1b]*(?:\x1b\\)?|[@-Z\\-_])/g;
// C0 and C1 controls (but newline and tab), DEL, zero-width and bidi controls, soft hyphen,
// word joiners, BOM, variation selectors, tag characters, line/paragraph separators.
const INVISIBLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb]|\udb40[\udc00-\udfff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const mark = (s: string) => [...s].map((c) => `\\u{${c.codePointAt(0)!.toString(16)}}`).join('');

export function sanitize(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, mark).replace(INVISIBLE, mark);
}

/** Every string inside a JSON-like value, sanitised; keys too. */
export function sanitizeDeep<T>(value: T): T {
  if (typeof value === 'string') return sanitize(value) as T;
  if (Array.isArray(value)) return value.map(sanitizeDeep) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [sanitize(k), sanitizeDeep(v)])) as T;
  }
  return value;
}
