// The one SQLite file hardshell keeps its state in. WAL so readers never block the writer and
// a killed process loses at most the statement it was in; numbered migrations so an old
// store opens under a newer hardshell.
import { DatabaseSync } from 'node:sqlite';
import { chmodSync, existsSync } from 'node:fs';
import { migrations } from './migrations.ts';

export type Store = DatabaseSync;

export function openStore(file: string): Store {
  const isNew = file !== ':memory:' && !existsSync(file);
  const db = new DatabaseSync(file);
  if (isNew) chmodSync(file, 0o600);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA foreign_keys = ON');
  db.exec('PRAGMA busy_timeout = 5000');
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

/** Runs fn inside one transaction; rolls back if it throws. */
export function transaction<T>(db: Store, fn: () => T): T {
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
