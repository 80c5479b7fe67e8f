// Gateway tokens. Only a SHA-256 hash is ever stored; a token is shown once, when made.
// Tokens are 256 random bits, so a plain hash (no slow KDF) is enough to make a stolen store
// useless, and it keeps each request's check cheap.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { StatementSync } from 'node:sqlite';
import type { Store } from '../store/db.ts';
import { storeChanges, type StoreChanges } from '../store/changes.ts';

export type Scope = 'operator' | 'chat' | 'read';

export interface TokenRecord {
  name: string;
  sha256: string;
  scopes: Scope[];
  createdAt: string;
  expiresAt: string | null;
}

/** What a presented token is checked against: the hash as bytes, the expiry as a number. */
export interface AuthRecord {
  name: string;
  digest: Buffer;
  scopes: readonly Scope[];
  /** Milliseconds since the epoch; Infinity: never; NaN (an unreadable date): expired. */
  expiresMs: number;
}

export const TOKEN_PREFIX = 'hs_';

export function newTokenValue(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function hashToken(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Compares two digests without leaking, through timing, how much of them matched. */
export function sameDigest(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.length > 0 && timingSafeEqual(a, b);
}

interface RawToken { name: string; sha256: string; scopes: string; created_at: string; expires_at: string | null }

export class TokenStore {
  private readonly db: Store;
  private readonly changes: StoreChanges;
  private hashesStmt?: StatementSync;
  /** The token table as of `version`: see authRecords(). */
  private view?: { version: string; records: readonly AuthRecord[] };

  constructor(db: Store) {
    this.db = db;
    this.changes = storeChanges(db);
  }

  /** The store the tokens live in (the gateway keeps its bans there too). */
  get database(): Store {
    return this.db;
  }

  /** Makes a token and returns its value: the only time the value exists outside the caller. */
  create(name: string, scopes: Scope[], expiresAt: string | null = null): string {
    const value = newTokenValue();
    this.view = undefined; // StoreChanges would notice the write too; this makes it plain
    this.db.prepare('INSERT INTO tokens (name, sha256, scopes, created_at, expires_at) VALUES (?, ?, ?, ?, ?)')
      .run(name, hashToken(value), JSON.stringify(scopes), new Date().toISOString(), expiresAt);
    return value;
  }

  list(): TokenRecord[] {
    return (this.db.prepare('SELECT * FROM tokens ORDER BY created_at').all() as unknown as RawToken[]).map((r) => ({
      name: r.name, sha256: r.sha256, scopes: JSON.parse(r.scopes), createdAt: r.created_at, expiresAt: r.expires_at,
    }));
  }

  /**
   * What the gateway checks a presented token against, on every request. Kept in memory and
   * read again whenever the store has changed at all since (StoreChanges: a write by this
   * process, or a commit by another such as `hardshell token revoke`), so a revoked, rotated
   * or new token takes effect from the next request on, at the cost of one cheap question to
   * SQLite instead of a SELECT and a JSON parse per token. Expiry is checked by the caller
   * against the time of each request.
   */
  authRecords(): readonly AuthRecord[] {
    const version = this.changes.version(); // before the read, never after: see version()
    if (this.view?.version !== version) {
      this.hashesStmt ??= this.db.prepare('SELECT name, sha256, scopes, expires_at FROM tokens');
      const records = (this.hashesStmt.all() as unknown as RawToken[]).map((r): AuthRecord => ({
        name: r.name,
        digest: Buffer.from(r.sha256, 'hex'),
        // Shared by every request this token makes until the next read: nobody may change it.
        scopes: Object.freeze(JSON.parse(r.scopes)),
        expiresMs: r.expires_at === null ? Infinity : Date.parse(r.expires_at),
      }));
      this.view = { version, records };
    }
    return this.view.records;
  }

  /** Deletes the token; true when there was one. Takes effect on the gateway's next request. */
  revoke(name: string): boolean {
    this.view = undefined;
    return this.db.prepare('DELETE FROM tokens WHERE name = ?').run(name).changes > 0;
  }

  /**
   * Replaces `name` with a new token of the same scopes. The old one stays valid for `graceMs`
   * (so clients can be switched over) under the name `<name>~rotated-<time>`, then expires.
   */
  rotate(name: string, graceMs: number, expiresAt: string | null = null, now = Date.now()): { value: string; oldName: string; oldExpiresAt: string } {
    const row = this.db.prepare('SELECT * FROM tokens WHERE name = ?').get(name) as RawToken | undefined;
    if (!row) throw new Error(`there is no token "${name}"`);
    const oldName = `${name}~rotated-${new Date(now).toISOString().replace(/[-:]/g, '')}`;
    let oldExpiry = now + graceMs;
    if (row.expires_at !== null && Date.parse(row.expires_at) < oldExpiry) oldExpiry = Date.parse(row.expires_at);
    const oldExpiresAt = new Date(oldExpiry).toISOString();
    this.view = undefined;
    this.db.exec('BEGIN IMMEDIATE');
    try {
      this.db.prepare('UPDATE tokens SET name = ?, expires_at = ? WHERE name = ?').run(oldName, oldExpiresAt, name);
      const value = this.create(name, JSON.parse(row.scopes), expiresAt);
      this.db.exec('COMMIT');
      return { value, oldName, oldExpiresAt };
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  has(name: string): boolean {
    return this.db.prepare('SELECT 1 FROM tokens WHERE name = ?').get(name) !== undefined;
  }
}
