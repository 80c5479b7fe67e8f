// Secret references, `${secret:NAME}`. The loaded config keeps them as text; they are
// resolved here, at the moment a value is used, so a secret never sits in the config object
// (or anything printed from it). `$${...}` is a literal `${...}`.
import type { Config } from '../config/schema.ts';
import { ConfigError } from '../config/errors.ts';
import { SECRET_NAME } from './names.ts';
import { secretProvider } from './providers.ts';

export { SECRET_NAME };

const WHOLE_REF = /^\$\{secret:([A-Za-z0-9_]+)\}$/;

/** True when the whole string is one secret reference, e.g. `${secret:STRIPE_KEY}`. */
export function isSecretRef(s: unknown): s is string {
  return typeof s === 'string' && WHOLE_REF.test(s);
}

/** True when the string contains a secret reference anywhere (not counting `$${` literals). */
export function hasSecretRef(s: unknown): boolean {
  return typeof s === 'string' && secretRefNames(s).length > 0;
}

/** The names referenced in a string, in order. */
export function secretRefNames(s: string): string[] {
  const names: string[] = [];
  walk(s, (name) => { names.push(name); return ''; });
  return names;
}

/** The variable the env provider reads for a secret. */
export function secretEnvName(name: string, config: Pick<Config, 'secrets'>): string {
  return `${config.secrets.prefix}${name}`;
}

/**
 * Replaces every `${secret:NAME}` in value with the secret from the configured provider
 * (home: the state folder, for the store; default from env); throws a ConfigError naming
 * what to set.
 */
export function resolveSecretRefs(value: string, config: Pick<Config, 'secrets'>, env: NodeJS.ProcessEnv, home?: string): string {
  if (!value.includes('${secret:')) return walk(value, () => '');
  const provider = secretProvider(config, env, home);
  return walk(value, (name) => {
    const found = provider.get(name);
    if (found === undefined || found === '') {
      throw new ConfigError({ file: '', keyPath: 'secrets', message: `the secret "${name}" is not set: ${provider.whereToSet(name)}` });
    }
    return found;
  });
}

/** Scans for `${secret:NAME}`, replacing each with replace(NAME); `$${` stands for `${`. */
function walk(value: string, replace: (name: string) => string): string {
  let out = '';
  let i = 0;
  while (i < value.length) {
    if (value.startsWith('$${', i)) {
      out += '${';
      i += 3;
    } else if (value.startsWith('${secret:', i)) {
      const close = value.indexOf('}', i);
      const name = close < 0 ? '' : value.slice(i + '${secret:'.length, close);
      if (!SECRET_NAME.test(name)) {
        throw new ConfigError({ file: '', message: `"${value.slice(i, close < 0 ? undefined : close + 1)}" is not a valid secret reference: write \${secret:NAME} with letters, digits and _ only` });
      }
      out += replace(name);
      i = close + 1;
    } else {
      out += value[i++];
    }
  }
  return out;
}
