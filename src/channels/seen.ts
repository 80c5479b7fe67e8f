// Deliveries already accepted, per channel (idempotency keys, Slack event ids, signatures),
// kept in the store so neither a replay nor a restart lets the same request in twice.
import type { Store } from '../store/db.ts';

export class SeenStore {
  private readonly db: Store;
  private readonly keepMs: number;
  private lastPrune = 0;
  constructor(db: Store, keepMs: number) {
    this.db = db;
    this.keepMs = keepMs;
  }

  /** True the first time a key is seen on a channel; false for every repeat. */
  first(channel: string, key: string, now = Date.now()): boolean {
    if (now - this.lastPrune > 60_000) {
      this.lastPrune = now;
      this.db.prepare('DELETE FROM channel_seen WHERE seen_ms < ?').run(now - this.keepMs);
    }
    const r = this.db.prepare('INSERT OR IGNORE INTO channel_seen (channel, key, seen_ms) VALUES (?, ?, ?)').run(channel, key, now);
    return Number(r.changes) === 1;
  }
}
