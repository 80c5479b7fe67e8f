// A careful reader for the part of YAML that docker-compose files use: block mappings and
// sequences, flow [..] and {..}, quoted and plain scalars, block scalars, comments. No
// dependency: anchors are dropped, merge keys (<<) are not followed, and anything it cannot
// read is reported as a parse problem rather than guessed at.

export type Yaml = string | boolean | null | Yaml[] | { [key: string]: Yaml };

export interface ComposeService { name: string; line: number; spec: Record<string, Yaml> }

export interface ComposeFile {
  file: string;
  services: ComposeService[];
  /** Set when the file could not be read as YAML; checks then skip it. */
  error?: string;
}

interface Line { n: number; indent: number; text: string }

export function parseCompose(file: string, text: string): ComposeFile {
  try {
    const lines = toLines(text);
    const doc = lines.length === 0 ? {} : new Reader(lines).document();
    const services: ComposeService[] = [];
    const root = isMap(doc) ? doc : {};
    const block = root.services;
    if (isMap(block)) {
      for (const [name, spec] of Object.entries(block)) {
        const line = lines.find((l) => l.text.startsWith(`${name}:`) || l.text.startsWith(`"${name}":`) || l.text.startsWith(`'${name}':`))?.n ?? 1;
        services.push({ name, line, spec: isMap(spec) ? spec : {} });
      }
    }
    return { file, services };
  } catch (err) {
    return { file, services: [], error: (err as Error).message };
  }
}

export function isMap(v: unknown): v is Record<string, Yaml> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function toLines(text: string): Line[] {
  const out: Line[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (/^\s*(---|\.\.\.)\s*$/.test(raw)) return;
    const stripped = stripComment(raw).replace(/\s+$/, '');
    if (!stripped.trim()) { out.push({ n: i + 1, indent: -1, text: '' }); return; }
    if (/^\t/.test(stripped)) throw new Error(`line ${i + 1}: YAML does not allow tabs for indentation`);
    const indent = stripped.length - stripped.trimStart().length;
    out.push({ n: i + 1, indent, text: stripped.trimStart() });
  });
  return out;
}

/** Removes a `#` comment: at line start or after white space, outside quotes. */
function stripComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote && !(quote === '"' && line[i - 1] === '\\')) quote = '';
    } else if (c === '"' || c === "'") {
      if (i === 0 || /[\s:[{,-]/.test(line[i - 1])) quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) {
      return line.slice(0, i);
    }
  }
  return line;
}

class Reader {
  private i = 0;
  private readonly lines: Line[];
  constructor(lines: Line[]) {
    this.lines = lines;
  }

  document(): Yaml {
    this.skipBlank();
    if (this.i >= this.lines.length) return null;
    const v = this.block(this.lines[this.i].indent);
    this.skipBlank();
    if (this.i < this.lines.length) throw new Error(`line ${this.lines[this.i].n}: unexpected indentation`);
    return v;
  }

  private skipBlank(): void {
    while (this.i < this.lines.length && this.lines[this.i].indent < 0) this.i++;
  }

  private peek(): Line | undefined {
    this.skipBlank();
    return this.lines[this.i];
  }

  private block(indent: number): Yaml {
    const line = this.peek()!;
    return isItem(line.text) ? this.sequence(indent) : this.mapping(indent);
  }

  private mapping(indent: number): Record<string, Yaml> {
    const out: Record<string, Yaml> = {};
    for (let line = this.peek(); line && line.indent === indent && !isItem(line.text); line = this.peek()) {
      const split = splitKey(line.text);
      if (!split) throw new Error(`line ${line.n}: expected "key: value"`);
      this.i++;
      out[split.key] = this.valueAfter(split.rest, indent, line);
    }
    return out;
  }

  private sequence(indent: number): Yaml[] {
    const out: Yaml[] = [];
    for (let line = this.peek(); line && line.indent === indent && isItem(line.text); line = this.peek()) {
      const content = line.text.replace(/^-\s?/, '');
      const offset = line.text.length - content.length;
      if (!content.trim()) {
        this.i++;
        const next = this.peek();
        out.push(next && next.indent > indent ? this.block(next.indent) : null);
      } else if (splitKey(content) && !/^["'[{]/.test(content)) {
        // "- key: value" opens a mapping whose keys sit at the column after "- ".
        this.lines[this.i] = { n: line.n, indent: indent + offset, text: content };
        out.push(this.mapping(indent + offset));
      } else {
        this.i++;
        out.push(scalarOrFlow(content, line.n));
      }
    }
    return out;
  }

  private valueAfter(rest: string, indent: number, line: Line): Yaml {
    rest = rest.replace(/^&\S+\s*/, '');
    if (/^[|>][+-]?\d*$/.test(rest)) return this.blockScalar(indent, rest[0] === '>');
    if (rest !== '') return scalarOrFlow(rest, line.n);
    const next = this.peek();
    if (next && (next.indent > indent || (next.indent === indent && isItem(next.text)))) return this.block(next.indent);
    return null;
  }

  private blockScalar(indent: number, folded: boolean): string {
    const parts: string[] = [];
    while (this.i < this.lines.length && (this.lines[this.i].indent < 0 || this.lines[this.i].indent > indent)) {
      parts.push(this.lines[this.i].text);
      this.i++;
    }
    return parts.join(folded ? ' ' : '\n').trim();
  }
}

function isItem(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

function splitKey(text: string): { key: string; rest: string } | null {
  let key: string;
  let after: number;
  if (text[0] === '"' || text[0] === "'") {
    const close = text.indexOf(text[0], 1);
    if (close < 0 || text[close + 1] !== ':') return null;
    key = text.slice(1, close);
    after = close + 2;
  } else {
    const m = /^([^:]*?):(?=\s|$)/.exec(text);
    if (!m || m[1].includes('{') || m[1].includes('[')) return null;
    key = m[1].trim();
    after = m[0].length;
  }
  return { key, rest: text.slice(after).trim() };
}

function scalarOrFlow(text: string, n: number): Yaml {
  text = text.trim().replace(/^&\S+\s+/, '');
  if (text.startsWith('[') || text.startsWith('{')) {
    const [value, end] = flow(text, 0, n);
    if (text.slice(end).trim()) throw new Error(`line ${n}: unexpected text after ${text[0]}...`);
    return value;
  }
  return scalar(text, n);
}

function scalar(text: string, n: number): Yaml {
  const t = text.trim();
  if (t.startsWith('"')) {
    if (!t.endsWith('"') || t.length < 2) throw new Error(`line ${n}: a quote is not closed`);
    return JSON.parse(t) as string;
  }
  if (t.startsWith("'")) {
    if (!t.endsWith("'") || t.length < 2) throw new Error(`line ${n}: a quote is not closed`);
    return t.slice(1, -1).replace(/''/g, "'");
  }
  if (/^(true|yes|on)$/i.test(t)) return true;
  if (/^(false|no|off)$/i.test(t)) return false;
  if (t === '' || t === '~' || /^null$/i.test(t)) return null;
  return t;
}

/** A flow collection starting at text[start]; returns the value and where it ended. */
function flow(text: string, start: number, n: number): [Yaml, number] {
  const open = text[start];
  const close = open === '[' ? ']' : '}';
  const items: string[] = [];
  let depth = 0;
  let quote = '';
  let from = start + 1;
  let i = start + 1;
  for (; i < text.length; i++) {
    const c = text[i];
    if (quote) { if (c === quote) quote = ''; continue; }
    if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') depth++;
    else if ((c === ']' || c === '}') && depth > 0) depth--;
    else if (c === close && depth === 0) break;
    else if (c === ',' && depth === 0) { items.push(text.slice(from, i)); from = i + 1; }
  }
  if (i >= text.length) throw new Error(`line ${n}: ${open} is not closed on this line`);
  const last = text.slice(from, i);
  if (last.trim()) items.push(last);
  const parse = (s: string): Yaml => scalarOrFlow(s, n);
  if (open === '[') return [items.map(parse), i + 1];
  const map: Record<string, Yaml> = {};
  for (const item of items) {
    const split = splitKey(item.trim());
    if (!split) throw new Error(`line ${n}: expected key: value inside {}`);
    map[split.key] = split.rest === '' ? null : parse(split.rest);
  }
  return [map, i + 1];
}
