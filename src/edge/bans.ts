// Bans: a client that keeps failing to authenticate is shut out for a while, Fail2Ban-style,
// and each further ban of the same client lasts 4 times longer (up to a ceiling). Bans live in
// the store, so restarting the gateway forgives nobody; active ones are also held in memory so
// the check on every request does not touch the disk.
import type { StatementSync } from 'node:sqlite';
import type { Store } from '../store/db.ts';

export interface BanRecord {
  key: string;
  strikes: number;
  /** Milliseconds since the epoch when the current (or last) ban ends. */
  until: number;
  reason: string;
  firstAt: string;
  lastAt: string;
}

export interface BanPolicy {
  firstMs: number;
  maxMs: number;
}

interface Row { key: string; strikes: number; until_ms: number; reason: string; first_at: string; last_at: string }

const toRecord = (r: Row): BanRecord => ({ key: r.key, strikes: r.strikes, until: r.until_ms, reason: r.reason, firstAt: r.first_at, lastAt: r.last_at });

/** How long the `strikes`-th ban lasts. */
export function banDuration(strikes: number, policy: BanPolicy): number {
  return Math.min(policy.maxMs, policy.firstMs * 4 ** Math.max(0, Math.min(strikes - 1, 20)));
}

export class BanList {
  private readonly db: Store;
  private readonly policy: BanPolicy;
  private readonly maxActive: number;
  /** Active bans: key → end (ms). */
  private readonly active = new Map<string, number>();
  /** When each active ban was last re-read from the store, so a lift from the CLI takes effect. */
  private readonly checkedAt = new Map<string, number>();
  private getStmt?: StatementSync;

  constructor(db: Store, policy: BanPolicy, maxActive = 10_000, now = Date.now()) {
    this.db = db;
    this.policy = policy;
    this.maxActive = maxActive;
    for (const r of db.prepare('SELECT key, until_ms FROM edge_bans WHERE until_ms > ? ORDER BY until_ms DESC LIMIT ?').all(now, maxActive) as unknown as Row[]) {
      this.active.set(r.key, r.until_ms);
    }
  }

  /** The end of `key`'s ban (ms since the epoch), or 0 when it is not banned. */
  bannedUntil(key: string, now = Date.now()): number {
    let until = this.active.get(key);
    if (until === undefined) return 0;
    if ((this.checkedAt.get(key) ?? 0) + 1000 < now) {
      // At most once a second per banned client: someone may have lifted it meanwhile.
      this.getStmt ??= this.db.prepare('SELECT * FROM edge_bans WHERE key = ?');
      const row = this.getStmt.get(key) as Row | undefined;
      until = row?.until_ms ?? 0;
      this.checkedAt.set(key, now);
    }
    if (until <= now) {
      this.active.delete(key);
      this.checkedAt.delete(key);
      return 0;
    }
    return until;
  }

  /** Bans `key` for its next, longer, term and returns the record. */
  ban(key: string, reason: string, now = Date.now()): BanRecord {
    this.getStmt ??= this.db.prepare('SELECT * FROM edge_bans WHERE key = ?');
    const row = this.getStmt.get(key) as Row | undefined;
    const strikes = (row?.strikes ?? 0) + 1;
    const until = now + banDuration(strikes, this.policy);
    const at = new Date(now).toISOString();
    this.db.prepare(`INSERT INTO edge_bans (key, strikes, until_ms, reason, first_at, last_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET strikes = excluded.strikes, until_ms = excluded.until_ms, reason = excluded.reason, last_at = excluded.last_at`)
      .run(key, strikes, until, reason, row?.first_at ?? at, at);
    if (this.active.size >= this.maxActive && !this.active.has(key)) {
      // Keep memory bounded: drop the ban ending soonest (it stays in the store).
      let soonest: string | undefined;
      let end = Infinity;
      for (const [k, u] of this.active) if (u < end) { end = u; soonest = k; }
      if (soonest !== undefined) this.active.delete(soonest);
    }
    this.active.set(key, until);
    this.checkedAt.set(key, now);
    return { key, strikes, until, reason, firstAt: row?.first_at ?? at, lastAt: at };
  }

  get activeCount(): number {
    return this.active.size;
  }
}

/** Every ban the store remembers, current ones first. */
export function listBans(db: Store): BanRecord[] {
  return (db.prepare('SELECT * FROM edge_bans ORDER BY until_ms DESC').all() as unknown as Row[]).map(toRecord);
}

/**
 * Lifts the ban on `key` and forgets its strikes. A bare address also lifts the ban on web
 * pages from it (the "<ip> (browser)" key). Returns the keys lifted.
 */
export function liftBan(db: Store, key: string): string[] {
  const keys = [key, `${key} (browser)`];
  const lifted: string[] = [];
  for (const k of keys) {
    if (db.prepare('DELETE FROM edge_bans WHERE key = ?').run(k).changes > 0) lifted.push(k);
  }
  return lifted;
}
