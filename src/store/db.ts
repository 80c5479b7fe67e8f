// The one SQLite file hardshell keeps its state in. WAL so readers never block the writer and
// a killed process loses at most the transaction it was in; numbered migrations so an old
// store opens under a newer hardshell.
import { DatabaseSync } from 'node:sqlite';
import { chmodSync, existsSync } from 'node:fs';
import { migrations } from './migrations.ts';

export type Store = DatabaseSync;

export function openStore(file: string): Store {
  const isNew = file !== ':memory:' && !existsSync(file);
  // The wait for a lock comes first: every statement after it, the journal-mode switch
  // included, may meet another process (the CLI beside the gateway) mid-write.
  const db = new DatabaseSync(file, { timeout: 5000 });
  if (isNew) chmodSync(file, 0o600);
  db.exec('PRAGMA journal_mode = WAL');
  // NORMAL, not FULL: in WAL mode a commit is then one write() into the WAL, which the kernel
  // keeps when the process is killed (kill -9, a crash of Node), so everything committed
  // survives that. Only a power cut or kernel crash can lose the last commits — never
  // corrupt the file, which rolls back to an earlier complete transaction. FULL would fsync
  // the WAL on every commit (~0.7 ms each on this disk, a dozen per turn) for that case
  // alone. (docs/security.md, "Durable state".)
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA foreign_keys = ON');
  migrate(db);
  return db;
}

function migrate(db: DatabaseSync): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  const current = row.v ?? 0;
  const newest = migrations.length;
  if (current > newest) {
    throw new Error(`the store was written by a newer hardshell (schema ${current}, this one knows ${newest}); upgrade hardshell`);
  }
  for (let version = current + 1; version <= newest; version++) {
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(migrations[version - 1]);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(version, new Date().toISOString());
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  }
}

/**
 * Runs fn inside one transaction; rolls back if it throws. Called inside another one, fn
 * simply joins it (SQLite does not nest BEGIN): everything then commits, or not, together.
 * fn must be synchronous: a transaction left open across an await would take in the writes
 * of whatever else ran on this connection meanwhile.
 */
export function transaction<T>(db: Store, fn: () => T): T {
  if (db.isTransaction) return fn();
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}
