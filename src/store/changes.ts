// "Has anything in the store changed since I last looked?" — for in-memory copies of what the
// store holds that must never go stale: the gateway's token list (a token revoked by
// `hardshell token revoke`, a separate process, must be refused from the next request on) and
// its session list.
//
// Two counters answer it exactly. `PRAGMA data_version` moves whenever any *other* connection,
// in this process or another, commits; it never moves for this connection's own writes, which
// `total_changes()` counts instead. Asking costs one SQLite read transaction (a few µs: the WAL
// read lock), far less than reading a table and building its rows on every request.
import type { StatementSync } from 'node:sqlite';
import type { Store } from './db.ts';

/** Which oneLook() call is running (0: none). */
let moment = 0;
let lastMoment = 0;

/**
 * Runs fn (the synchronous part of handling one request: the gate's token check, then the
 * route) as one moment of the store: other connections' commits are looked for once, not once
 * per copy consulted. That is no staler than a single read at that first look, and nothing
 * from outside this process can arrive before fn returns anyway. This connection's own writes
 * are still seen at once (total_changes() is read every time, and costs no lock).
 */
export function oneLook<T>(fn: () => T): T {
  const outer = moment;
  moment = ++lastMoment;
  try {
    return fn();
  } finally {
    moment = outer;
  }
}

export class StoreChanges {
  private readonly others: StatementSync;
  private readonly own: StatementSync;
  /** data_version as read during `heldIn` (a oneLook() moment). */
  private held = 0;
  private heldIn = 0;

  constructor(db: Store) {
    this.others = db.prepare('PRAGMA data_version');
    this.own = db.prepare('SELECT total_changes() AS n');
  }

  /**
   * A value that differs from every earlier one whenever the store may have changed since.
   * Read it *before* reading the data it guards: a commit that lands between the two then
   * only costs one needless re-read later, never a stale copy.
   */
  version(): string {
    if (moment === 0 || this.heldIn !== moment) {
      this.held = (this.others.get() as { data_version: number }).data_version;
      this.heldIn = moment;
    }
    const own = (this.own.get() as { n: number }).n;
    return `${this.held}:${own}`;
  }
}

const watchers = new WeakMap<Store, StoreChanges>();

/** The one StoreChanges of a connection, so every copy kept from it shares the statements. */
export function storeChanges(db: Store): StoreChanges {
  let w = watchers.get(db);
  if (!w) {
    w = new StoreChanges(db);
    watchers.set(db, w);
  }
  return w;
}
