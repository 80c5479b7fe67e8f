// Tokens older than security.auth.maxAgeDays (default 90): what `hardshell token list` marks
// and what the posture room's `security audit` reports. Store tokens carry their creation
// date; config tokens only when their entry has `created`.
import type { Config } from '../config/schema.ts';
import type { TokenStore } from './tokens.ts';

export interface AgedToken {
  name: string;
  source: 'store' | 'config';
  createdAt: string;
  ageDays: number;
}

const DAY = 24 * 3600 * 1000;

/** Every token whose age is over `security.auth.maxAgeDays`, oldest first. */
export function tokensOverMaxAge(config: Config, tokens: TokenStore, now = Date.now()): AgedToken[] {
  const max = config.security.auth.maxAgeDays;
  const out: AgedToken[] = [];
  for (const t of tokens.list()) {
    // A token still inside its rotation grace is on its way out; it is not flagged twice.
    if (t.name.includes('~rotated-')) continue;
    if (t.expiresAt !== null && Date.parse(t.expiresAt) <= now) continue;
    const age = (now - Date.parse(t.createdAt)) / DAY;
    if (age > max) out.push({ name: t.name, source: 'store', createdAt: t.createdAt, ageDays: Math.floor(age) });
  }
  config.security.auth.tokens.forEach((entry, i) => {
    if (typeof entry === 'string' || entry.created === undefined) return;
    const created = Date.parse(entry.created);
    if (Number.isNaN(created)) return;
    const age = (now - created) / DAY;
    if (age > max) out.push({ name: entry.name ?? `security.auth.tokens[${i}]`, source: 'config', createdAt: new Date(created).toISOString(), ageDays: Math.floor(age) });
  });
  return out.sort((a, b) => b.ageDays - a.ageDays);
}
