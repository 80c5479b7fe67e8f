// Where each key sits in a JSON5 text. json5 parses but keeps no positions, so this small
// scanner walks the same text and maps every key path to its line, which is what lets
// errors say "hardshell.json:12". It is only called on text json5 already accepted; if it
// is ever confused, it gives up quietly and errors simply carry no line.
import { pathKey, type KeyPath } from './keypath.ts';

export interface Position { line: number; column: number }

export interface PositionMap {
  /** Position of a key (objects) or of an element's first character (arrays). */
  at(path: readonly (string | number)[]): Position | undefined;
  /** Keys written twice in the same object (json5 keeps the last one silently). */
  duplicates: Array<{ path: KeyPath; first: Position; second: Position }>;
}

const DELIMITERS = new Set([',', ':', '{', '}', '[', ']', '"', "'", '/']);

class Scanner {
  readonly positions = new Map<string, Position>();
  readonly duplicates: PositionMap['duplicates'] = [];
  private i = 0;
  private line = 1;
  private lineStart = 0;
  private readonly text: string;
  constructor(text: string) {
    this.text = text;
  }

  scan(): void {
    this.skip();
    this.value([]);
  }

  private pos(): Position {
    return { line: this.line, column: this.i - this.lineStart + 1 };
  }

  private newline(at: number): boolean {
    const c = this.text[at];
    if (c === '\n' || c === '\u2028' || c === '\u2029') return true;
    return c === '\r' && this.text[at + 1] !== '\n';
  }

  private advance(): string {
    const c = this.text[this.i];
    if (this.newline(this.i)) {
      this.line++;
      this.lineStart = this.i + 1;
    }
    this.i++;
    return c;
  }

  /** Skips white space and comments. */
  private skip(): void {
    const t = this.text;
    while (this.i < t.length) {
      const c = t[this.i];
      if (c === '/' && t[this.i + 1] === '/') {
        while (this.i < t.length && !this.newline(this.i) && t[this.i] !== '\r') this.advance();
      } else if (c === '/' && t[this.i + 1] === '*') {
        this.advance(); this.advance();
        while (this.i < t.length && !(t[this.i] === '*' && t[this.i + 1] === '/')) this.advance();
        this.advance(); this.advance();
      } else if (/\s/.test(c) || c === '\uFEFF') {
        this.advance();
      } else {
        return;
      }
    }
  }

  private notAtEnd(): void {
    if (this.i >= this.text.length) throw new Error('unexpected end');
  }

  private expect(c: string): void {
    if (this.text[this.i] !== c) throw new Error(`expected ${c}`);
    this.advance();
  }

  private value(path: KeyPath): void {
    const c = this.text[this.i];
    if (c === '{') this.object(path);
    else if (c === '[') this.array(path);
    else if (c === '"' || c === "'") this.string();
    else this.bare();
  }

  private object(path: KeyPath): void {
    this.expect('{');
    const seen = new Map<string, Position>();
    this.skip();
    while (this.text[this.i] !== '}') {
      this.notAtEnd();
      const at = this.pos();
      const key = this.text[this.i] === '"' || this.text[this.i] === "'" ? this.string() : unescapeIdentifier(this.bare());
      const child = [...path, key];
      const before = seen.get(key);
      if (before) this.duplicates.push({ path: child, first: before, second: at });
      seen.set(key, at);
      this.positions.set(pathKey(child), at);
      this.skip();
      this.expect(':');
      this.skip();
      this.value(child);
      this.skip();
      if (this.text[this.i] === ',') { this.advance(); this.skip(); } else if (this.text[this.i] !== '}') throw new Error('expected , or }');
    }
    this.advance();
  }

  private array(path: KeyPath): void {
    this.expect('[');
    this.skip();
    let index = 0;
    while (this.text[this.i] !== ']') {
      this.notAtEnd();
      const child = [...path, index++];
      this.positions.set(pathKey(child), this.pos());
      this.value(child);
      this.skip();
      if (this.text[this.i] === ',') { this.advance(); this.skip(); } else if (this.text[this.i] !== ']') throw new Error('expected , or ]');
    }
    this.advance();
  }

  /** A quoted string; returns its value. */
  private string(): string {
    const quote = this.advance();
    let out = '';
    while (this.i < this.text.length && this.text[this.i] !== quote) {
      const c = this.advance();
      if (c !== '\\') { out += c; continue; }
      const e = this.advance();
      if (e === '\r' && this.text[this.i] === '\n') { this.advance(); continue; }
      if (e === '\n' || e === '\r' || e === '\u2028' || e === '\u2029') continue;
      out += unescapeChar(e, () => this.take(e === 'u' ? 4 : 2));
    }
    this.expect(quote);
    return out;
  }

  private take(n: number): string {
    const s = this.text.slice(this.i, this.i + n);
    for (let k = 0; k < n; k++) this.advance();
    return s;
  }

  /** An unquoted key, number or literal: everything up to the next delimiter. */
  private bare(): string {
    const start = this.i;
    while (this.i < this.text.length && !DELIMITERS.has(this.text[this.i]) && !/\s/.test(this.text[this.i])) this.advance();
    if (this.i === start) throw new Error('unexpected character');
    return this.text.slice(start, this.i);
  }
}

const SIMPLE_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '0': '\0' };

function unescapeChar(e: string, take: () => string): string {
  if (e in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[e];
  if (e === 'u' || e === 'x') return String.fromCharCode(parseInt(take(), 16));
  return e;
}

function unescapeIdentifier(s: string): string {
  return s.replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

export function scanPositions(text: string): PositionMap {
  const scanner = new Scanner(text);
  try {
    scanner.scan();
  } catch {
    // Positions found so far are still right; the rest simply have no line.
  }
  return { at: (path) => scanner.positions.get(pathKey(path)), duplicates: scanner.duplicates };
}
