// A hand-written parser for the POSIX sh / bash command language, as much of it as policy needs
// to see every program a command line would run: words with all their quoting, expansions and
// substitutions, pipelines, lists, subshells, groups, redirections and here-docs. Loops,
// conditionals, `case`, functions and the like are refused with NotUnderstood: policy never
// allows what it did not fully read. Synchronous and allocation-light: it runs on every call.
import { NotUnderstood, type AndOr, type Command, type Pipeline, type Redirect, type Script, type Simple, type Word } from './ast.ts';

const MAX_LENGTH = 64 * 1024;
const MAX_DEPTH = 24;

/** Words that begin compound commands or functions: not modelled, so not understood. */
const RESERVED = new Set(['!', 'if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'case', 'esac', 'while', 'until', 'for', 'select', 'function', 'coproc', '[[', ']]', '{', '}', 'in']);

export function parseShell(source: string): Script {
  if (source.length > MAX_LENGTH) throw new NotUnderstood(`the command is longer than ${MAX_LENGTH} characters`);
  const p = new Parser(source, 0);
  const script = p.list(null);
  if (p.i < source.length) throw new NotUnderstood(`unexpected "${source[p.i]}" at character ${p.i + 1}`);
  p.finishHeredocs();
  return script;
}

interface PendingHeredoc {
  redirect: Redirect;
  delimiter: string;
  stripTabs: boolean;
  expands: boolean;
}

const isBlank = (c: string | undefined) => c === ' ' || c === '\t';
/** Characters that end an unquoted word. */
const isMeta = (c: string | undefined) => c === undefined || c === ' ' || c === '\t' || c === '\n' || c === ';' || c === '&' || c === '|' || c === '(' || c === ')' || c === '<' || c === '>';
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const ASSIGN = /[A-Za-z_][A-Za-z0-9_]*\+?=/y;
const FD_REDIRECT = /(?:\d+|\{[A-Za-z_][A-Za-z0-9_]*\})(?=[<>])/y;

class Parser {
  readonly s: string;
  i = 0;
  readonly depth: number;
  pending: PendingHeredoc[] = [];

  constructor(s: string, depth: number) {
    if (depth > MAX_DEPTH) throw new NotUnderstood('the command nests substitutions too deeply');
    this.s = s;
    this.depth = depth;
  }

  /** A list of and-or items up to `end` (`)`, `}`) or the end of input. */
  list(end: ')' | '}' | null): Script {
    const items: AndOr[] = [];
    for (;;) {
      this.skipSpace(true);
      if (this.i >= this.s.length) break;
      const c = this.s[this.i];
      if (end === ')' && c === ')') break;
      if (end === '}' && c === '}' && isMeta(this.s[this.i + 1]) ) break;
      const item = this.andOr();
      items.push(item);
      this.skipSpace(false);
      const sep = this.s[this.i];
      if (sep === ';') {
        if (this.s[this.i + 1] === ';') throw new NotUnderstood('";;" belongs to a case statement, which is not supported');
        this.i++;
      } else if (sep === '&') {
        item.background = true;
        this.i++;
      } else if (sep === '\n') {
        this.newline();
      } else if (sep === undefined || (end === ')' && sep === ')') || (end === '}' && sep === '}')) {
        // the caller checks the terminator
      } else {
        throw new NotUnderstood(`unexpected "${sep}" at character ${this.i + 1}`);
      }
    }
    return { items };
  }

  andOr(): AndOr {
    const pipelines = [this.pipeline()];
    for (;;) {
      this.skipSpace(false);
      const two = this.s.slice(this.i, this.i + 2);
      if (two !== '&&' && two !== '||') break;
      this.i += 2;
      this.skipSpace(true);
      pipelines.push(this.pipeline());
    }
    return { pipelines, background: false };
  }

  pipeline(): Pipeline {
    this.skipSpace(false);
    let negated = false;
    if (this.s[this.i] === '!' && isMeta(this.s[this.i + 1])) {
      negated = true;
      this.i++;
      this.skipSpace(false);
    }
    const commands = [this.command()];
    for (;;) {
      this.skipSpace(false);
      if (this.s[this.i] !== '|' || this.s[this.i + 1] === '|') break;
      this.i += this.s[this.i + 1] === '&' ? 2 : 1;
      this.skipSpace(true);
      commands.push(this.command());
    }
    return { negated, commands };
  }

  command(): Command {
    this.skipSpace(false);
    const c = this.s[this.i];
    if (c === '(') {
      if (this.s[this.i + 1] === '(') throw new NotUnderstood('arithmetic commands "(( … ))" are not supported');
      this.i++;
      const body = this.inner(() => this.list(')'));
      this.expect(')');
      return { kind: 'subshell', body, redirects: this.trailingRedirects() };
    }
    if (c === '{' && isMeta(this.s[this.i + 1])) {
      this.i++;
      const body = this.inner(() => this.list('}'));
      this.expect('}');
      return { kind: 'group', body, redirects: this.trailingRedirects() };
    }
    return this.simple();
  }

  simple(): Simple {
    const cmd: Simple = { kind: 'simple', assigns: [], words: [], redirects: [] };
    for (;;) {
      this.skipSpace(false);
      const c = this.s[this.i];
      if (c === undefined || c === '\n' || c === ';' || c === '|' || c === ')') break;
      if (c === '&') {
        if (this.s[this.i + 1] === '>') { cmd.redirects.push(this.redirect()); continue; }
        break;
      }
      if (c === '(') {
        throw new NotUnderstood(cmd.words.length === 1 ? 'function definitions are not supported' : `unexpected "(" at character ${this.i + 1}`);
      }
      if ((c === '<' || c === '>') && this.s[this.i + 1] === '(') {
        cmd.words.push(this.word());
        continue;
      }
      if (c === '<' || c === '>' || this.startsFdRedirect()) {
        cmd.redirects.push(this.redirect());
        continue;
      }
      if (c === '#') { this.skipComment(); break; }
      if (cmd.words.length === 0) {
        ASSIGN.lastIndex = this.i;
        if (ASSIGN.test(this.s)) {
          const name = this.s.slice(this.i, ASSIGN.lastIndex).replace(/\+?=$/, '');
          this.i = ASSIGN.lastIndex;
          if (this.s[this.i] === '(') throw new NotUnderstood('array assignments are not supported');
          cmd.assigns.push({ name, value: this.word(true) });
          continue;
        }
      }
      const start = this.i;
      const w = this.word();
      if (cmd.words.length === 0) {
        const raw = this.s.slice(start, this.i);
        if (RESERVED.has(raw)) throw new NotUnderstood(`"${raw}" (loops, conditionals, case and functions) is not supported`);
      }
      cmd.words.push(w);
    }
    if (cmd.words.length === 0 && cmd.assigns.length === 0 && cmd.redirects.length === 0) {
      throw new NotUnderstood(`a command was expected at character ${this.i + 1}`);
    }
    return cmd;
  }

  trailingRedirects(): Redirect[] {
    const out: Redirect[] = [];
    for (;;) {
      this.skipSpace(false);
      const c = this.s[this.i];
      if ((c === '<' || c === '>') && this.s[this.i + 1] === '(') throw new NotUnderstood(`unexpected "${c}(" at character ${this.i + 1}`);
      if (c === '<' || c === '>' || (c === '&' && this.s[this.i + 1] === '>') || this.startsFdRedirect()) out.push(this.redirect());
      else if (c !== undefined && !isMeta(c) && c !== '#') throw new NotUnderstood(`unexpected word after ")" or "}" at character ${this.i + 1}`);
      else return out;
    }
  }

  startsFdRedirect(): boolean {
    const c = this.s[this.i];
    if (!(c >= '0' && c <= '9') && c !== '{') return false;
    FD_REDIRECT.lastIndex = this.i;
    return FD_REDIRECT.test(this.s);
  }

  redirect(): Redirect {
    if (this.startsFdRedirect()) this.i = FD_REDIRECT.lastIndex;
    const ops = ['<<<', '<<-', '&>>', '<<', '<>', '<&', '>>', '>&', '>|', '&>', '<', '>'];
    const op = ops.find((o) => this.s.startsWith(o, this.i));
    if (!op) throw new NotUnderstood(`a redirection was expected at character ${this.i + 1}`);
    this.i += op.length;
    this.skipSpace(false);
    if (isMeta(this.s[this.i])) throw new NotUnderstood(`the redirection "${op}" has no target`);
    const start = this.i;
    const target = this.word();
    const redirect: Redirect = { op, target };
    if (op === '<<' || op === '<<-') {
      const raw = this.s.slice(start, this.i);
      const delimiter = raw.replace(/["'\\]/g, '');
      this.pending.push({ redirect, delimiter, stripTabs: op === '<<-', expands: !/["'\\]/.test(raw) });
    }
    return redirect;
  }

  /** Consumes a newline, then the bodies of the here-docs opened on the line it ends. */
  newline(): void {
    this.i++;
    const pending = this.pending;
    this.pending = [];
    for (const h of pending) this.readHeredoc(h);
  }

  finishHeredocs(): void {
    for (const h of this.pending) this.readHeredoc(h);
    this.pending = [];
  }

  readHeredoc(h: PendingHeredoc): void {
    const lines: string[] = [];
    while (this.i < this.s.length) {
      let nl = this.s.indexOf('\n', this.i);
      if (nl < 0) nl = this.s.length;
      let line = this.s.slice(this.i, nl);
      this.i = Math.min(nl + 1, this.s.length);
      if (h.stripTabs) line = line.replace(/^\t+/, '');
      if (line === h.delimiter) break;
      lines.push(line);
    }
    const body = lines.join('\n');
    const nested: Script[] = [];
    if (h.expands) {
      const sub = new Parser(body, this.depth + 1);
      const w: Word = { parts: [], nested };
      while (sub.i < body.length) sub.heredocPiece(w);
    }
    h.redirect.heredoc = { body, expands: h.expands, nested };
  }

  /** In an expanding here-doc only `$…`, backticks and backslashes are special. */
  heredocPiece(w: Word): void {
    const c = this.s[this.i];
    if (c === '\\') { this.i += 2; return; }
    if (c === '$') { this.dollar(w); return; }
    if (c === '`') { this.backtick(w); return; }
    this.i++;
  }

  /**
   * One word. `assignValue`: the value of NAME=…, where a leading `~` and glob characters do
   * not matter to policy the same way, but substitutions still do.
   */
  word(assignValue = false): Word {
    const w: Word = { parts: [], nested: [] };
    const start = this.i;
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if ((c === '<' || c === '>') && this.s[this.i + 1] === '(') {
        this.i += 2;
        const body = this.inner(() => this.list(')'));
        this.expect(')');
        w.parts.push({ t: 'proc', body });
        w.nested.push(body);
        continue;
      }
      if (isMeta(c)) break;
      this.piece(w, false);
    }
    if (this.i === start && !assignValue) throw new NotUnderstood(`a word was expected at character ${this.i + 1}`);
    return w;
  }

  private nesting = 0;

  /** Nested lists are parsed by this same parser (sharing position and pending here-docs). */
  inner<T>(fn: () => T): T {
    if (++this.nesting + this.depth > MAX_DEPTH) throw new NotUnderstood('the command nests substitutions too deeply');
    try {
      return fn();
    } finally {
      this.nesting--;
    }
  }

  piece(w: Word, inDouble: boolean): void {
    const c = this.s[this.i];
    if (c === '\\') {
      const n = this.s[this.i + 1];
      if (n === '\n') { this.i += 2; return; }
      if (n === undefined) { this.i++; lit(w, '\\'); return; }
      if (inDouble && !(n === '$' || n === '`' || n === '"' || n === '\\')) { this.i += 2; lit(w, '\\' + n); return; }
      this.i += 2;
      lit(w, n);
      return;
    }
    if (c === '$') { this.dollar(w); return; }
    if (c === '`') { this.backtick(w); return; }
    if (!inDouble) {
      if (c === "'") {
        const end = this.s.indexOf("'", this.i + 1);
        if (end < 0) throw new NotUnderstood('a single quote is not closed');
        lit(w, this.s.slice(this.i + 1, end));
        this.i = end + 1;
        return;
      }
      if (c === '"') {
        this.i++;
        let opened = false;
        while (this.s[this.i] !== '"') {
          if (this.i >= this.s.length) throw new NotUnderstood('a double quote is not closed');
          opened = true;
          this.piece(w, true);
        }
        if (!opened) lit(w, '');
        this.i++;
        return;
      }
      if (c === '{' && !this.braceExpands()) {
        this.i++;
        lit(w, c);
        return;
      }
      if (c === '*' || c === '?' || c === '[' || c === '{') {
        w.parts.push({ t: 'glob', v: c });
        this.i++;
        return;
      }
    }
    this.i++;
    lit(w, c);
  }

  /** `{a,b}` and `{1..3}` expand to several words; `{}` and `{x}` stay as written. */
  braceExpands(): boolean {
    let depth = 0;
    // A brace longer than this is treated as expanding: unknown, so never allowed (and the
    // scan stays linear on hostile input).
    const end = Math.min(this.s.length, this.i + 512);
    if (end < this.s.length && !/[\s;&|()<>]/.test(this.s.slice(this.i, end))) return true;
    for (let j = this.i; j < end; j++) {
      const c = this.s[j];
      if (c === '{') depth++;
      else if (c === '}') { if (--depth === 0) return false; }
      else if (c === ',' || (c === '.' && this.s[j + 1] === '.')) return true;
      else if (isMeta(c)) return false;
    }
    return end < this.s.length;
  }

  dollar(w: Word): void {
    const n = this.s[this.i + 1];
    if (n === '(') {
      if (this.s[this.i + 2] === '(') { this.arithmetic(w); return; }
      this.i += 2;
      const body = this.inner(() => this.list(')'));
      this.expect(')');
      w.parts.push({ t: 'cmd', body });
      w.nested.push(body);
      return;
    }
    if (n === '{') {
      this.i += 2;
      NAME.lastIndex = this.i;
      const name = NAME.test(this.s) ? this.s.slice(this.i, NAME.lastIndex) : this.s[this.i] ?? '';
      // Everything up to the matching brace, with its own quotes and substitutions.
      const inner: Word = { parts: [], nested: w.nested };
      let depth = 0;
      for (;;) {
        const c = this.s[this.i];
        if (c === undefined) throw new NotUnderstood('a "${" is not closed');
        if (c === '}' && depth === 0) break;
        if (c === '{') depth++;
        if (c === '}') depth--;
        if (c === '\n' || c === ' ' || c === '\t' || c === '|' || c === '&' || c === ';' || c === '<' || c === '>' || c === '(' || c === ')') { this.i++; continue; }
        this.inner(() => this.piece(inner, false));
      }
      this.i++;
      w.parts.push({ t: 'param', name });
      return;
    }
    if (n === "'") {
      this.i += 2;
      lit(w, this.ansiC());
      return;
    }
    if (n === '"') {
      // $"…" (locale translation) reads like "…".
      this.i++;
      return;
    }
    NAME.lastIndex = this.i + 1;
    if (NAME.test(this.s)) {
      w.parts.push({ t: 'param', name: this.s.slice(this.i + 1, NAME.lastIndex) });
      this.i = NAME.lastIndex;
      return;
    }
    if (n !== undefined && /[0-9@*#?$!-]/.test(n)) {
      w.parts.push({ t: 'param', name: n });
      this.i += 2;
      return;
    }
    this.i++;
    lit(w, '$');
  }

  arithmetic(w: Word): void {
    this.i += 3;
    const start = this.i;
    let depth = 0;
    const inner: Word = { parts: [], nested: w.nested };
    for (;;) {
      const c = this.s[this.i];
      if (c === undefined) throw new NotUnderstood('a "$((" is not closed');
      if (c === ')') {
        if (depth === 0 && this.s[this.i + 1] === ')') { this.i += 2; break; }
        depth--;
        this.i++;
        continue;
      }
      if (c === '(') { depth++; this.i++; continue; }
      if (c === '$' || c === '`' || c === '"' || c === "'" || c === '\\') { this.inner(() => this.piece(inner, false)); continue; }
      this.i++;
    }
    // bash reads `$((a b))` as a command substitution of a subshell when it is not arithmetic:
    // content that does not look like an expression is not understood rather than guessed.
    const content = this.s.slice(start, this.i - 2);
    if (/<\(|>\(|;|\n|`|[A-Za-z_]\w*\s+[A-Za-z_$"'\\./]/.test(content)) {
      throw new NotUnderstood('"$((" holds something other than arithmetic');
    }
    w.parts.push({ t: 'arith' });
  }

  backtick(w: Word): void {
    let j = this.i + 1;
    let body = '';
    for (;;) {
      const c = this.s[j];
      if (c === undefined) throw new NotUnderstood('a backtick is not closed');
      if (c === '`') break;
      if (c === '\\' && (this.s[j + 1] === '`' || this.s[j + 1] === '\\' || this.s[j + 1] === '$')) {
        body += this.s[j + 1];
        j += 2;
        continue;
      }
      body += c;
      j++;
    }
    this.i = j + 1;
    const inner = new Parser(body, this.depth + 1 + this.nesting);
    const script = inner.list(null);
    if (inner.i < body.length) throw new NotUnderstood(`unexpected "${body[inner.i]}" inside backticks`);
    inner.finishHeredocs();
    w.parts.push({ t: 'cmd', body: script });
    w.nested.push(script);
  }

  /** The body of $'…' with its escapes decoded, as bash does. */
  ansiC(): string {
    let out = '';
    for (;;) {
      const c = this.s[this.i];
      if (c === undefined) throw new NotUnderstood("a $'…' string is not closed");
      if (c === "'") { this.i++; return out; }
      if (c !== '\\') { out += c; this.i++; continue; }
      const e = this.s[this.i + 1];
      this.i += 2;
      const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };
      if (e !== undefined && e in simple) { out += simple[e]; continue; }
      const hex = (max: number) => {
        const m = /^[0-9a-fA-F]+/.exec(this.s.slice(this.i, this.i + max));
        if (!m) return null;
        this.i += m[0].length;
        return parseInt(m[0], 16);
      };
      if (e === 'x') { const v = hex(2); out += v === null ? '\\x' : String.fromCharCode(v); continue; }
      if (e === 'u' || e === 'U') {
        const v = hex(e === 'u' ? 4 : 8);
        if (v === null || v > 0x10ffff) throw new NotUnderstood(`a \\${e} escape in $'…' is not valid`);
        out += String.fromCodePoint(v);
        continue;
      }
      if (e === 'c') { const ch = this.s[this.i++]; out += String.fromCharCode((ch ?? '@').charCodeAt(0) & 31); continue; }
      if (e !== undefined && e >= '0' && e <= '7') {
        const m = /^[0-7]{0,2}/.exec(this.s.slice(this.i, this.i + 2))!;
        this.i += m[0].length;
        out += String.fromCharCode(parseInt(e + m[0], 8) & 255);
        continue;
      }
      out += '\\' + (e ?? '');
    }
  }

  expect(c: string): void {
    this.skipSpace(false);
    if (this.s[this.i] !== c) throw new NotUnderstood(`"${c}" was expected at character ${this.i + 1}`);
    this.i++;
  }

  skipComment(): void {
    while (this.i < this.s.length && this.s[this.i] !== '\n') this.i++;
  }

  /** Blanks and line continuations; with `newlines`, also newlines and comments. */
  skipSpace(newlines: boolean): void {
    for (;;) {
      const c = this.s[this.i];
      if (isBlank(c)) this.i++;
      else if (c === '\\' && this.s[this.i + 1] === '\n') this.i += 2;
      else if (newlines && c === '\n') this.newline();
      else if (newlines && c === '#') this.skipComment();
      else return;
    }
  }
}

function lit(w: Word, v: string): void {
  const last = w.parts[w.parts.length - 1];
  if (last?.t === 'lit') last.v += v;
  else w.parts.push({ t: 'lit', v });
}

