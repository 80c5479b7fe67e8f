// Request validation with zod, reported as one sentence that names the offending field.
import type { z } from 'zod';
import { ApiError } from './errors.ts';

export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 3).map((i) => `${fieldPath(i.path)}: ${i.message}`);
  throw new ApiError(400, 'invalid_request_error', `${what}: ${problems.join('; ')}`);
}

function fieldPath(path: PropertyKey[]): string {
  if (path.length === 0) return '(the body)';
  return path.map((p, i) => typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`).join('');
}

const MAX_SESSION_KEY = 200;

/** A session key from a client: 1 to 200 characters, no control characters. */
export function checkSessionKey(key: string, where: string): string {
  if (key.length === 0 || key.length > MAX_SESSION_KEY || /[\u0000-\u001f\u007f]/.test(key)) {
    throw new ApiError(400, 'invalid_request_error', `${where} must be 1 to ${MAX_SESSION_KEY} characters with no control characters`);
  }
  return key;
}
