// Reads the zod schema to say, in words, what a key expects ("a whole number between 0 and
// 65535") and which keys exist at a level (for "did you mean"). Works on zod 4's internal
// definitions (`_zod.def`), which is why it is kept in one small place.
import type { z } from 'zod';
import { configSchema } from './schema.ts';
import type { KeyPath } from './keypath.ts';

type AnySchema = z.ZodType;

interface Def {
  type: string;
  innerType?: AnySchema;
  in?: AnySchema;
  element?: AnySchema;
  valueType?: AnySchema;
  shape?: Record<string, AnySchema>;
  options?: AnySchema[];
  entries?: Record<string, string>;
  format?: string;
}

function def(schema: AnySchema): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** Strips optional/default/prefault/transform wrappers. */
export function unwrap(schema: AnySchema): AnySchema {
  let s = schema;
  for (;;) {
    const d = def(s);
    if ((d.type === 'optional' || d.type === 'default' || d.type === 'prefault' || d.type === 'nullable') && d.innerType) s = d.innerType;
    else if (d.type === 'pipe' && d.in) s = d.in;
    else return s;
  }
}

/** The schema for a key path, or undefined when the path names no key. */
export function schemaAt(path: KeyPath, root: AnySchema = configSchema): AnySchema | undefined {
  let s: AnySchema | undefined = root;
  for (const part of path) {
    if (!s) return undefined;
    const d = def(unwrap(s));
    if (d.type === 'object' && typeof part === 'string') s = d.shape?.[part];
    else if (d.type === 'record' && typeof part === 'string') s = d.valueType;
    else if (d.type === 'array' && typeof part === 'number') s = d.element;
    else return undefined;
  }
  return s;
}

/** The keys an object accepts, or [] if the path is not an object. */
export function keysAt(path: KeyPath): string[] {
  const s = schemaAt(path);
  if (!s) return [];
  const d = def(unwrap(s));
  return d.type === 'object' && d.shape ? Object.keys(d.shape) : [];
}

const SAFE = Number.MAX_SAFE_INTEGER;

/** "a whole number between 0 and 65535", "one of "token", "apiKey"", "a list of strings"... */
export function describeSchema(schema: AnySchema): string {
  const s = unwrap(schema);
  const d = def(s);
  switch (d.type) {
    case 'number': {
      const n = s as unknown as { minValue: number | null; maxValue: number | null; isInt: boolean };
      const kind = n.isInt ? 'a whole number' : 'a number';
      const min = n.minValue !== null && Math.abs(n.minValue) < SAFE ? n.minValue : undefined;
      const max = n.maxValue !== null && Math.abs(n.maxValue) < SAFE ? n.maxValue : undefined;
      if (min !== undefined && max !== undefined) return `${kind} between ${min} and ${max}`;
      if (min !== undefined) return `${kind} of at least ${min}`;
      if (max !== undefined) return `${kind} of at most ${max}`;
      return kind;
    }
    case 'string': {
      if (d.format === 'url') return 'a URL such as "https://example.com"';
      const minLength = (s as unknown as { minLength: number | null }).minLength;
      return minLength ? 'a non-empty string' : 'a string';
    }
    case 'boolean': return 'true or false';
    case 'enum': return `one of ${Object.values(d.entries ?? {}).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'array': return d.element ? `a list of ${plural(d.element)}` : 'a list';
    case 'object': return `an object${d.shape ? ` with the keys ${Object.keys(d.shape).join(', ')}` : ''}`;
    case 'record': return 'an object';
    case 'union': return (d.options ?? []).map(describeSchema).join(', or ');
    default: return `a ${d.type}`;
  }
}

function plural(schema: AnySchema): string {
  const d = def(unwrap(schema));
  switch (d.type) {
    case 'string': return 'strings';
    case 'number': return 'numbers';
    case 'enum': return `values from ${Object.values(d.entries ?? {}).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'object': return 'objects';
    case 'union': return (d.options ?? []).map(plural).join(' or ');
    default: return `${d.type}s`;
  }
}
