// HTML to readable text for web_fetch: a small tokenizer, not a DOM. Scripts, styles,
// comments and hidden elements go; headings, paragraphs, lists, links, code and tables keep
// their shape (as Markdown, or as plain text); entities are decoded; whitespace collapses.

export type ExtractMode = 'markdown' | 'text';

export interface Extracted {
  title: string;
  text: string;
}

/** Elements whose content is never text for a reader. */
const DROPPED = new Set(['script', 'style', 'noscript', 'template', 'svg', 'math', 'iframe', 'object', 'canvas']);
/** Raw-text elements: their content runs to the closing tag, whatever it holds. */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'plaintext']);
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
const BLOCK = new Set(['p', 'div', 'section', 'article', 'header', 'footer', 'nav', 'aside', 'main', 'ul', 'ol', 'table', 'thead', 'tbody', 'tfoot',
  'blockquote', 'figure', 'figcaption', 'form', 'address', 'dl', 'dt', 'dd', 'fieldset', 'details', 'summary', 'body', 'html', 'caption']);

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', shy: '', copy: '©', reg: '®', trade: '™', hellip: '…',
  mdash: '—', ndash: '–', lsquo: '‘', rsquo: '’', sbquo: '‚', ldquo: '“', rdquo: '”', bdquo: '„', laquo: '«', raquo: '»',
  bull: '•', middot: '·', deg: '°', euro: '€', pound: '£', yen: '¥', cent: '¢', sect: '§', para: '¶', times: '×',
  divide: '÷', plusmn: '±', frac12: '½', frac14: '¼', frac34: '¾', larr: '←', rarr: '→', uarr: '↑', darr: '↓',
  ensp: ' ', emsp: ' ', thinsp: ' ', zwj: '', zwnj: '', lrm: '', rlm: '', iexcl: '¡', iquest: '¿', micro: 'µ',
  auml: 'ä', ouml: 'ö', uuml: 'ü', Auml: 'Ä', Ouml: 'Ö', Uuml: 'Ü', szlig: 'ß', eacute: 'é', egrave: 'è', agrave: 'à',
  aacute: 'á', ccedil: 'ç', ntilde: 'ñ', oacute: 'ó', iacute: 'í', uacute: 'ú', ecirc: 'ê', acirc: 'â', ocirc: 'ô',
};

export function decodeEntities(text: string): string {
  return text.replace(/&(#[xX][0-9a-fA-F]{1,8}|#\d{1,9}|[a-zA-Z][a-zA-Z0-9]{1,31});?/g, (whole, body: string) => {
    if (body.startsWith('#')) {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
      return String.fromCodePoint(code);
    }
    return Object.hasOwn(NAMED, body) ? NAMED[body] : whole;
  });
}

interface Tag { name: string; closing: boolean; selfClosing: boolean; attrs: Map<string, string>; end: number }

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d;
const isLetter = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const GT = 0x3e;
const SLASH = 0x2f;
const EQ = 0x3d;

/**
 * Reads the tag at `at` (a '<') the way browsers tokenize: '<' and a letter start a tag, and
 * the tag runs to its '>' whatever it holds. Null when it is not a tag ('<' in the text);
 * 'eof' when the input ends inside the tag, which then swallows the rest, as in a browser.
 * One pass, no backtracking: a hostile page cannot make this slow.
 */
function readTag(html: string, at: number): Tag | null | 'eof' {
  const n = html.length;
  let i = at + 1;
  const closing = html.charCodeAt(i) === SLASH;
  if (closing) i++;
  if (!isLetter(html.charCodeAt(i))) return null;
  const nameStart = i;
  while (i < n && !isSpace(html.charCodeAt(i)) && html.charCodeAt(i) !== SLASH && html.charCodeAt(i) !== GT) i++;
  const name = html.slice(nameStart, i).toLowerCase();
  const attrs = new Map<string, string>();
  let selfClosing = false;
  for (;;) {
    while (i < n && isSpace(html.charCodeAt(i))) i++;
    if (i >= n) return 'eof';
    const c = html.charCodeAt(i);
    if (c === GT) { i++; break; }
    if (c === SLASH) {
      i++;
      if (html.charCodeAt(i) === GT) { selfClosing = true; i++; break; }
      continue;
    }
    const attrStart = i;
    i++; // a stray '=' or quote starts a name too, as in browsers
    while (i < n) {
      const d = html.charCodeAt(i);
      if (isSpace(d) || d === SLASH || d === GT || d === EQ) break;
      i++;
    }
    const attrName = html.slice(attrStart, i).toLowerCase();
    while (i < n && isSpace(html.charCodeAt(i))) i++;
    let value = '';
    if (html.charCodeAt(i) === EQ) {
      i++;
      while (i < n && isSpace(html.charCodeAt(i))) i++;
      const q = html[i];
      if (q === '"' || q === "'") {
        const close = html.indexOf(q, i + 1);
        if (close < 0) return 'eof';
        value = html.slice(i + 1, close);
        i = close + 1;
      } else {
        const valueStart = i;
        while (i < n && !isSpace(html.charCodeAt(i)) && html.charCodeAt(i) !== GT) i++;
        value = html.slice(valueStart, i);
      }
    }
    if (!attrs.has(attrName)) attrs.set(attrName, value);
  }
  return { name, closing, selfClosing, attrs, end: i };
}

const attr = (tag: Tag, name: string): string | undefined => {
  const v = tag.attrs.get(name);
  return v === undefined ? undefined : decodeEntities(v);
};

/** Where the closing tag of a raw-text element starts, and the index just past it. */
function rawTextEnd(lower: string, name: string, from: number): { close: number; next: number } {
  const close = lower.indexOf(`</${name}`, from);
  if (close < 0) return { close: lower.length, next: lower.length };
  const gt = lower.indexOf('>', close);
  return { close, next: gt < 0 ? lower.length : gt + 1 };
}

/** Index just past the element whose open tag ends at `from`, nesting counted. */
function skipElement(html: string, lower: string, name: string, from: number): number {
  if (RAW_TEXT.has(name)) return rawTextEnd(lower, name, from).next;
  let depth = 1;
  let i = from;
  while (depth > 0) {
    const lt = html.indexOf('<', i);
    if (lt < 0) return html.length;
    const tag = readTag(html, lt);
    if (tag === 'eof') return html.length;
    if (!tag) { i = lt + 1; continue; }
    i = tag.end;
    if (tag.name !== name || VOID.has(name) || tag.selfClosing) continue;
    depth += tag.closing ? -1 : 1;
  }
  return i;
}

function isHidden(tag: Tag): boolean {
  if (tag.attrs.has('hidden') || attr(tag, 'aria-hidden') === 'true') return true;
  const style = (attr(tag, 'style') ?? '').toLowerCase().replace(/\s+/g, '');
  return style.includes('display:none') || style.includes('visibility:hidden');
}

/** Builds text with owed line breaks and spaces, so markup never leaves stray whitespace. */
class TextBuilder {
  chunks: string[] = [];
  private started = false;
  private breaks = 0;
  private space = false;

  /** Owe `n` newlines (2 = a blank line) before the next content. */
  br(n: number): void {
    if (this.started) this.breaks = Math.max(this.breaks, n);
  }
  owesSpace(): void {
    this.space = true;
  }
  /** Text whose whitespace collapses. */
  inline(text: string): void {
    const collapsed = text.replace(/[\s\u00a0]+/g, ' ');
    if (collapsed.startsWith(' ')) this.space = true;
    const t = collapsed.trim();
    if (t) this.emit(t);
    if (t && collapsed.endsWith(' ')) this.space = true;
  }
  emit(s: string): void {
    if (this.breaks > 0) this.chunks.push('\n'.repeat(this.breaks));
    else if (this.space && this.started) this.chunks.push(' ');
    this.breaks = 0;
    this.space = false;
    this.chunks.push(s);
    this.started = true;
  }
  mark(): number {
    return this.chunks.length;
  }
  /** Takes everything emitted since `mark` out again, for a link to wrap it. */
  takeSince(mark: number): { lead: string; text: string } {
    const inner = this.chunks.splice(mark).join('');
    const lead = /^\s*/.exec(inner)?.[0] ?? '';
    return { lead, text: inner.slice(lead.length).trimEnd() };
  }
  pushRaw(s: string): void {
    this.chunks.push(s);
  }
  /** Drops the newlines that end the text so far (a <pre> closing after its last line). */
  trimEndNewlines(): void {
    while (this.chunks.length > 0) {
      const last = this.chunks.length - 1;
      this.chunks[last] = this.chunks[last].replace(/\n+$/, '');
      if (this.chunks[last] !== '') break;
      this.chunks.pop();
    }
  }
  result(): string {
    return this.chunks.join('')
      .split('\n').map((l) => l.trimEnd()).join('\n')
      .replace(/\n{3,}/g, '\n\n')
      // Only newlines at the start: a <pre> may begin with meaningful indentation.
      .replace(/^\n+/, '')
      .trimEnd();
  }
}

function linkTarget(href: string | undefined, base: string | undefined): string | null {
  if (!href) return null;
  try {
    const u = new URL(href, base);
    return u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'mailto:' ? u.href : null;
  } catch {
    return null;
  }
}

/** Turns an HTML document into readable text; `baseUrl` resolves relative links. */
export function htmlToText(html: string, mode: ExtractMode, baseUrl?: string): Extracted {
  const md = mode === 'markdown';
  const out = new TextBuilder();
  let title = '';
  let pre = 0;
  const lists: Array<{ ordered: boolean; n: number }> = [];
  const links: Array<{ mark: number; href: string | null }> = [];
  let cell = 0;
  const lower = html.toLowerCase();

  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    const textEnd = lt < 0 ? html.length : lt;
    if (textEnd > i) {
      const text = decodeEntities(html.slice(i, textEnd));
      if (pre > 0) {
        out.emit('');
        out.pushRaw(text);
      } else {
        out.inline(text);
      }
      i = textEnd;
      continue;
    }
    // At a '<': a comment, a declaration, a tag, or just a '<' in the text.
    if (html.startsWith('<!--', i)) {
      const end = html.indexOf('-->', i + 4);
      i = end < 0 ? html.length : end + 3;
      continue;
    }
    if (html.startsWith('<!', i) || html.startsWith('<?', i)) {
      const end = html.indexOf('>', i);
      i = end < 0 ? html.length : end + 1;
      continue;
    }
    const tag = readTag(html, i);
    if (tag === 'eof') break;
    if (!tag) {
      out.inline('<');
      i += 1;
      continue;
    }
    i = tag.end;
    const { name } = tag;

    if (!tag.closing) {
      if (name === 'title' && !title) {
        const { close, next } = rawTextEnd(lower, name, i);
        title = decodeEntities(html.slice(i, close)).replace(/\s+/g, ' ').trim();
        i = next;
        continue;
      }
      if (name === 'head') continue; // its title is read above; the rest is metadata or dropped below
      if ((DROPPED.has(name) || RAW_TEXT.has(name) || isHidden(tag)) && !VOID.has(name) && !tag.selfClosing) {
        i = skipElement(html, lower, name, i);
        continue;
      }
    }

    if (/^h[1-6]$/.test(name)) {
      out.br(2);
      if (!tag.closing && md) { out.emit('#'.repeat(Number(name[1]))); out.owesSpace(); }
      continue;
    }
    switch (name) {
      case 'br':
        out.br(1);
        break;
      case 'hr':
        out.br(2);
        if (md) { out.emit('---'); out.br(2); }
        break;
      case 'pre':
        if (tag.closing) {
          pre = Math.max(0, pre - 1);
          out.trimEndNewlines();
          if (md) { out.br(1); out.emit('```'); }
          out.br(2);
        } else {
          pre++;
          out.br(2);
          if (md) { out.emit('```'); out.br(1); }
          if (html[i] === '\n') i++;
        }
        break;
      case 'code':
        if (md && pre === 0) out.emit('`');
        break;
      case 'ul': case 'ol':
        out.br(lists.length > 0 ? 1 : 2);
        if (tag.closing) lists.pop();
        else lists.push({ ordered: name === 'ol', n: 0 });
        break;
      case 'li':
        out.br(1);
        if (!tag.closing) {
          const list = lists.at(-1);
          const indent = '  '.repeat(Math.max(0, lists.length - 1));
          out.emit(`${indent}${list?.ordered ? `${++list.n}.` : '-'}`);
          out.owesSpace();
        }
        break;
      case 'tr':
        out.br(1);
        cell = 0;
        break;
      case 'td': case 'th':
        if (!tag.closing && cell++ > 0) { out.owesSpace(); out.emit('|'); }
        out.owesSpace();
        break;
      case 'a':
        if (!tag.closing) {
          links.push({ mark: out.mark(), href: linkTarget(attr(tag, 'href'), baseUrl) });
        } else {
          const link = links.pop();
          if (link && md && link.href) {
            const { lead, text } = out.takeSince(link.mark);
            if (lead) out.pushRaw(lead);
            if (text) out.pushRaw(`[${text}](${link.href})`);
          }
        }
        break;
      case 'img': {
        const alt = (attr(tag, 'alt') ?? '').trim();
        if (alt) out.inline(` ${md ? `[image: ${alt}]` : alt} `);
        break;
      }
      default:
        if (BLOCK.has(name)) out.br(name === 'dd' || name === 'dt' ? 1 : 2);
        else if (name === 'td' || name === 'th') out.owesSpace();
    }
  }
  return { title, text: out.result() };
}
