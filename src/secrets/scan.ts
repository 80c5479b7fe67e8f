// Finds many literal strings in a text in one pass: the needles are compiled once into a
// single alternation (V8's regular-expression engine scans that natively, far faster than a
// loop in JavaScript could), longest first so the longest needle wins at a position.
// `base64` and `xxd -p` wrap their output, so runs of wrapped encoded lines are also joined
// and scanned again; a hit there spans the original text, line breaks included.

export interface Needle {
  text: string;
  /** What the hit is reported as, e.g. the secret's name. */
  label: string;
}

export interface Hit {
  start: number;
  /** Exclusive. */
  end: number;
  label: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

export class MultiScanner {
  /** The shortest needle. */
  readonly width: number;
  /** The longest needle. */
  readonly maxLength: number;
  private readonly labels = new Map<string, string>();
  private readonly regex: RegExp | null;

  constructor(needles: Needle[]) {
    for (const n of needles) {
      if (n.text.length === 0) continue;
      if (!this.labels.has(n.text)) this.labels.set(n.text, n.label);
      // A needle with line breaks in it (a PEM key) is also looked for without them.
      const flat = n.text.replace(/[\r\n]/g, '');
      if (flat.length > 0 && !this.labels.has(flat)) this.labels.set(flat, n.label);
    }
    const texts = [...this.labels.keys()].sort((a, b) => b.length - a.length);
    this.width = texts.length === 0 ? 0 : texts[texts.length - 1].length;
    this.maxLength = texts.length === 0 ? 0 : texts[0].length;
    this.regex = texts.length === 0 ? null : new RegExp(texts.map(escape).join('|'), 'g');
  }

  get empty(): boolean {
    return this.regex === null;
  }

  /** Every hit in text, in order of start, none overlapping. */
  scan(text: string): Hit[] {
    if (!this.regex || text.length < this.width) return [];
    if (!text.includes('\n') && !text.includes('\r')) return this.find(text);
    // Scan the text with its line breaks taken out, then map each hit back.
    const breaks = positionsOf(text, '\n'); // original positions of removed characters, ascending
    let joined = text.replaceAll('\n', '');
    if (text.includes('\r')) {
      const cr = positionsOf(text, '\r');
      breaks.push(...cr);
      breaks.sort((a, b) => a - b);
      joined = joined.replaceAll('\r', '');
    }
    return this.find(joined).map((h) => ({ start: original(h.start, breaks), end: original(h.end - 1, breaks) + 1, label: h.label }));
  }

  private find(text: string): Hit[] {
    const re = this.regex!;
    const hits: Hit[] = [];
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      hits.push({ start: m.index, end: m.index + m[0].length, label: this.labels.get(m[0])! });
    }
    return hits;
  }
}

function positionsOf(text: string, c: string): number[] {
  const found: number[] = [];
  for (let i = text.indexOf(c); i >= 0; i = text.indexOf(c, i + 1)) found.push(i);
  return found;
}

/** The position in the original text of the character at j in the text without breaks. */
function original(j: number, breaks: number[]): number {
  // The b-th break (0-based) sat just before joined position breaks[b] - b. Count the breaks
  // at or before j's position: binary search for the last b with breaks[b] - b <= j.
  let lo = 0;
  let hi = breaks.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (breaks[mid] - mid <= j) lo = mid + 1; else hi = mid;
  }
  return j + lo;
}
