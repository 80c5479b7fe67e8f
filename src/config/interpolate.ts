// `${VAR}` references in config values, replaced from the environment when the file is
// loaded. `${secret:NAME}` is left as written: secrets are resolved where they are used
// (secrets/refs.ts), never kept in the loaded config. `$${...}` stands for a literal `${...}`
// (except `$${secret:...}`, kept as written so that secrets/refs.ts still sees the escape).
import { SECRET_NAME } from '../secrets/refs.ts';
import { formatKeyPath, isPlainObject, type KeyPath } from './keypath.ts';

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface Reference {
  /** Where the value is, as written in the file (before aliases). */
  path: KeyPath;
  /** The value as written, e.g. `${CLAWDBOT_API_KEY}`: what is shown instead of the value. */
  text: string;
}

export interface RefProblem { path: KeyPath; message: string }

export interface Interpolated {
  value: unknown;
  references: Reference[];
  problems: RefProblem[];
}

/** Returns a copy of doc with every `${VAR}` in its strings replaced from env. */
export function interpolate(doc: unknown, env: NodeJS.ProcessEnv): Interpolated {
  const references: Reference[] = [];
  const problems: RefProblem[] = [];
  const visit = (node: unknown, path: KeyPath): unknown => {
    if (typeof node === 'string') return replaceIn(node, path, env, references, problems);
    if (Array.isArray(node)) return node.map((item, i) => visit(item, [...path, i]));
    if (isPlainObject(node)) {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(node)) out[key] = visit(value, [...path, key]);
      return out;
    }
    return node;
  };
  return { value: visit(doc, []), references, problems };
}

function replaceIn(s: string, path: KeyPath, env: NodeJS.ProcessEnv, references: Reference[], problems: RefProblem[]): string {
  if (!s.includes('${')) return s;
  let out = '';
  let substituted = false;
  let i = 0;
  while (i < s.length) {
    if (s.startsWith('$${', i)) {
      out += s.startsWith('$${secret:', i) ? '$${' : '${';
      i += 3;
      continue;
    }
    if (!s.startsWith('${', i)) {
      out += s[i++];
      continue;
    }
    const close = s.indexOf('}', i);
    const ref = close < 0 ? s.slice(i) : s.slice(i, close + 1);
    const inner = close < 0 ? '' : s.slice(i + 2, close);
    if (inner.startsWith('secret:')) {
      if (!SECRET_NAME.test(inner.slice('secret:'.length))) {
        problems.push({ path, message: `${formatKeyPath(path)} holds "${ref}", which is not a valid secret reference: write \${secret:NAME} (letters, digits and _)` });
      }
      out += ref;
    } else if (close >= 0 && VAR_NAME.test(inner)) {
      const value = env[inner];
      if (value === undefined || value === '') {
        problems.push({ path, message: `${formatKeyPath(path)} refers to \${${inner}}, but the environment variable ${inner} is not set: set it (in the environment or in the .env file beside hardshell.json) or change the value` });
        out += ref;
      } else {
        out += value;
        substituted = true;
      }
    } else {
      problems.push({ path, message: `${formatKeyPath(path)} holds "${ref}", which is not a valid reference: write \${NAME} for an environment variable, \${secret:NAME} for a secret, or $\${...} for a literal "\${"` });
      out += ref;
    }
    i += ref.length;
  }
  if (substituted) references.push({ path, text: s });
  return out;
}
