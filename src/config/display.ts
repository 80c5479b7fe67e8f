// The effective configuration as it may be shown to a person (`hardshell config get`):
// values that came from `${VAR}` appear as that reference, and credentials appear only as
// "(set)". Nothing a secret resolved into is ever part of what this returns.
import type { LoadedConfig } from './load.ts';
import { getAt, isPlainObject, setAt, type KeyPath } from './keypath.ts';

export const SET = '(set)';

/** Keys whose values are credentials, whatever they hold. */
function isCredential(path: KeyPath): boolean {
  const p = path.map(String);
  if (p[0] === 'security' && p[1] === 'auth' && (p[2] === 'key' || p[2] === 'tokens')) return true;
  return p[0] === 'models' && p[1] === 'providers' && p[3] === 'apiKey';
}

export function displayConfig(loaded: Pick<LoadedConfig, 'config' | 'references'>): Record<string, unknown> {
  const copy = structuredClone(loaded.config) as Record<string, unknown>;
  for (const ref of loaded.references) {
    if (getAt(copy, ref.path) !== undefined) setAt(copy, ref.path, ref.text);
  }
  return redact(copy, []) as Record<string, unknown>;
}

function redact(node: unknown, path: KeyPath): unknown {
  if (isCredential(path)) {
    if (Array.isArray(node)) return node.map(() => SET);
    if (node === undefined) return undefined;
    // A provider's apiKey written as a reference is safe to show as written; anything else is not.
    if (path[0] === 'models' && typeof node === 'string' && /^\$\{[^}]+\}$/.test(node)) return node;
    return SET;
  }
  if (Array.isArray(node)) return node.map((item, i) => redact(item, [...path, i]));
  if (isPlainObject(node)) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) out[key] = redact(value, [...path, key]);
    return out;
  }
  return node;
}
