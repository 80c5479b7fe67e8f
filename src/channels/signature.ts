// Request signatures the platforms (and hardshell's generic webhook) use: HMAC-SHA256 over a
// timestamp and the raw body, a timestamp no older than the replay window, and comparison in
// constant time so a wrong guess learns nothing from how long it took to be refused.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const REPLAY_WINDOW_MS = 5 * 60 * 1000;

export function hmacHex(secret: string, data: string): string {
  return createHmac('sha256', secret).update(data, 'utf8').digest('hex');
}

/** Constant-time equality of two strings (unequal lengths are simply unequal). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  if (x.length !== y.length) {
    timingSafeEqual(x, x); // same work either way
    return false;
  }
  return timingSafeEqual(x, y);
}

export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'bad_signature' | 'bad_timestamp' | 'stale' };

/**
 * Checks `expected` (what the caller sent) against HMAC(secret, `${timestamp}${separator}${body}`),
 * and that the timestamp (seconds) is within the replay window of now.
 * The signature is checked first, so unsigned requests learn nothing about the clock.
 */
export function checkSignature(opts: {
  secret: string; body: string; timestamp: string | undefined; signature: string | undefined;
  prefix: string; separator: string; now?: number; timestampPrefix?: string;
}): SignatureCheck {
  const { timestamp, signature } = opts;
  if (!timestamp || !signature) return { ok: false, reason: 'missing' };
  const base = `${opts.timestampPrefix ?? ''}${timestamp}${opts.separator}${opts.body}`;
  const expected = opts.prefix + hmacHex(opts.secret, base);
  if (!safeEqual(signature.trim(), expected)) return { ok: false, reason: 'bad_signature' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'bad_timestamp' };
  const ageMs = Math.abs((opts.now ?? Date.now()) - Number(timestamp) * 1000);
  if (ageMs > REPLAY_WINDOW_MS) return { ok: false, reason: 'stale' };
  return { ok: true };
}

export const SIGNATURE_REFUSALS: Record<Exclude<SignatureCheck, { ok: true }>['reason'], string> = {
  missing: 'the request carries no signature or timestamp',
  bad_signature: 'the signature does not match',
  bad_timestamp: 'the timestamp is not a number of seconds',
  stale: 'the timestamp is more than 5 minutes away from now (a replay, or a clock that is off)',
};
