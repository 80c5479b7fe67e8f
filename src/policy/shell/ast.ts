// The shape of a parsed shell command line. Only what policy needs to see every program that
// could run: words keep their quoting so a program name written `r''m` or `\rm` resolves to
// `rm`, and every nested script (`$(…)`, backticks, `<(…)`, here-doc bodies) is kept.

/** One piece of a word. `static` pieces have a known value; the rest are known only at run time. */
export type Part =
  | { t: 'lit'; v: string }
  | { t: 'param'; name: string }
  | { t: 'cmd'; body: Script }
  | { t: 'arith' }
  | { t: 'proc'; body: Script }
  /** An unquoted `*`, `?` or `[`: the shell may replace the word with file names. */
  | { t: 'glob'; v: string };

export interface Word {
  parts: Part[];
  /** Scripts nested anywhere in the word (substitutions, including inside `${…}` and `$((…))`). */
  nested: Script[];
}

export interface Redirect {
  op: string;
  target: Word;
  /** For `<<` and `<<-`: the body; `nested` holds its substitutions when the delimiter was unquoted. */
  heredoc?: { body: string; expands: boolean; nested: Script[] };
}

export interface Simple {
  kind: 'simple';
  /** `NAME=value` words before the program. */
  assigns: Array<{ name: string; value: Word }>;
  words: Word[];
  redirects: Redirect[];
}

export interface Compound {
  kind: 'subshell' | 'group';
  body: Script;
  redirects: Redirect[];
}

export type Command = Simple | Compound;

export interface Pipeline {
  negated: boolean;
  commands: Command[];
}

export interface AndOr {
  pipelines: Pipeline[];
  background: boolean;
}

export interface Script {
  items: AndOr[];
}

/** The parser met something it does not model (a loop, a function, unbalanced quotes, …). */
export class NotUnderstood extends Error {
  override name = 'NotUnderstood';
}

/** The word's value when it has no expansions; null when only running it would tell. */
export function staticValue(word: Word): string | null {
  let out = '';
  for (const p of word.parts) {
    if (p.t !== 'lit') return null;
    out += p.v;
  }
  return out;
}
