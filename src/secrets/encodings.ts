// The forms a secret value commonly takes on its way out: as itself, base64 (standard and
// URL-safe, at each of the three byte alignments, so it is found inside a longer encoded
// text such as `printenv | base64`), hex in both cases, and URL-encoding.

/** Encoded forms shorter than this are not matched: too likely to occur by chance. */
export const MIN_ENCODED_LENGTH = 8;
/** Values shorter than this are matched only as themselves. */
export const MIN_VALUE_LENGTH = 4;

export function secretForms(value: string): string[] {
  if (value.length < MIN_VALUE_LENGTH) return [];
  const forms = new Set<string>([value]);
  // As it appears inside a JSON string (log lines, audit events, API bodies).
  forms.add(JSON.stringify(value).slice(1, -1));
  const bytes = Buffer.from(value, 'utf8');
  // The value encoded on its own, padding and all, so the whole encoding is replaced.
  forms.add(bytes.toString('base64'));
  forms.add(bytes.toString('base64url'));
  for (const b64 of base64Aligned(bytes)) {
    forms.add(b64);
    forms.add(b64.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  const hex = bytes.toString('hex');
  forms.add(hex);
  forms.add(hex.toUpperCase());
  const url = encodeURIComponent(value);
  forms.add(url);
  forms.add(url.replace(/%20/g, '+'));
  // Every byte escaped, as some clients do, in both hex cases.
  forms.add([...bytes].map((b) => '%' + b.toString(16).padStart(2, '0')).join(''));
  forms.add([...bytes].map((b) => '%' + b.toString(16).padStart(2, '0').toUpperCase()).join(''));
  return [...forms].filter((f) => f === value || f.length >= MIN_ENCODED_LENGTH);
}

/**
 * The base64 characters that depend only on value's bytes, for value starting at byte offset
 * 0, 1 and 2 of a 3-byte group: whatever surrounds the value, one of these appears.
 */
function base64Aligned(bytes: Buffer): string[] {
  const out: string[] = [];
  for (let k = 0; k < 3; k++) {
    const padded = Buffer.concat([Buffer.alloc(k), bytes]);
    const encoded = padded.toString('base64').replace(/=+$/, '');
    const first = Math.ceil((k * 4) / 3);
    const last = Math.floor(((k + bytes.length) * 4) / 3);
    if (last > first) out.push(encoded.slice(first, last));
  }
  return out;
}
