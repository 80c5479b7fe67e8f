// The optional `.env` file beside hardshell.json (seed 25): KEY=VALUE lines, `#` comments,
// an optional `export ` in front, values optionally in single or double quotes. Its values
// sit under the real environment: a variable set in both keeps the environment's value.
import type { ConfigProblem } from './errors.ts';

export interface DotEnv {
  values: Record<string, string>;
  /** The line each variable was set on (the last one, if set twice). */
  lines: Record<string, number>;
  problems: ConfigProblem[];
}

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/;
const DOUBLE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\', $: '$' };

export function parseDotEnv(text: string, file: string): DotEnv {
  const values: Record<string, string> = {};
  const lines: Record<string, number> = {};
  const problems: ConfigProblem[] = [];
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (/^\s*(#|$)/.test(raw)) return;
    const m = LINE.exec(raw);
    if (!m) {
      problems.push({ file, line, message: `this line is not KEY=VALUE (a name of letters, digits and _, then =, then the value): ${JSON.stringify(raw.slice(0, 60))}` });
      return;
    }
    const [, key, rest] = m;
    const value = parseValue(rest);
    if (value === null) {
      problems.push({ file, line, keyPath: key, message: `the value of ${key} opens a quote it never closes` });
      return;
    }
    values[key] = value;
    lines[key] = line;
  });
  return { values, lines, problems };
}

function parseValue(rest: string): string | null {
  const q = rest[0];
  if (q === '"' || q === "'") {
    let out = '';
    for (let i = 1; i < rest.length; i++) {
      const c = rest[i];
      if (c === q) return trailingIsComment(rest.slice(i + 1)) ? out : null;
      if (q === '"' && c === '\\' && i + 1 < rest.length) {
        const e = rest[++i];
        out += DOUBLE_ESCAPES[e] ?? `\\${e}`;
      } else {
        out += c;
      }
    }
    return null;
  }
  // Unquoted: a ` #` starts a comment.
  const hash = rest.search(/\s#/);
  return (hash < 0 ? rest : rest.slice(0, hash)).trim();
}

function trailingIsComment(after: string): boolean {
  return /^\s*(#.*)?$/.test(after);
}
