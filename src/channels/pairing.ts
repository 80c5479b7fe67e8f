// Pairing: an unknown sender under dm.policy "pairing" gets a short code; the owner approves
// or denies it (`hardshell pairing approve CODE`). Approved senders talk with `user`
// provenance, never `owner`. Codes expire after an hour, and a channel holds at most three
// pending ones, so a stranger cannot flood the owner with requests.
import { randomInt } from 'node:crypto';
import type { Store } from '../store/db.ts';
import { transaction } from '../store/db.ts';

export const PAIRING_TTL_MS = 60 * 60 * 1000;
export const MAX_PENDING_PER_CHANNEL = 3;
/** No 0/O, 1/I/L: a code is read off a phone and typed into a terminal. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 6;

export interface Pairing {
  code: string;
  channel: string;
  sender: string;
  chatId: string;
  status: 'pending' | 'approved' | 'denied';
  createdMs: number;
  expiresMs: number;
}

export type PairingRequest =
  | { status: 'issued'; code: string; expiresMs: number }
  /** The sender already holds a live code: it is not sent again (no echo for repeated messages). */
  | { status: 'pending'; code: string }
  | { status: 'full' };

export class PairingError extends Error {
  override name = 'PairingError';
}

interface Row {
  code: string; channel: string; sender: string; chat_id: string; status: Pairing['status']; created_ms: number; expires_ms: number;
}

const toPairing = (r: Row): Pairing => ({
  code: r.code, channel: r.channel, sender: r.sender, chatId: r.chat_id, status: r.status, createdMs: r.created_ms, expiresMs: r.expires_ms,
});

export class PairingStore {
  private readonly db: Store;
  private readonly now: () => number;
  constructor(db: Store, now: () => number = Date.now) {
    this.db = db;
    this.now = now;
  }

  isApproved(channel: string, sender: string): boolean {
    return this.db.prepare('SELECT 1 FROM channel_senders WHERE channel = ? AND sender = ?').get(channel, sender) !== undefined;
  }

  /** A code for an unknown sender, unless they hold one already or the channel is full. */
  request(channel: string, sender: string, chatId: string): PairingRequest {
    return transaction(this.db, () => {
      const now = this.now();
      const live = this.db.prepare("SELECT * FROM channel_pairings WHERE channel = ? AND status = 'pending' AND expires_ms > ?").all(channel, now) as unknown as Row[];
      const mine = live.find((r) => r.sender === sender);
      if (mine) return { status: 'pending', code: mine.code };
      if (live.length >= MAX_PENDING_PER_CHANNEL) return { status: 'full' };
      const code = this.freshCode();
      const expiresMs = now + PAIRING_TTL_MS;
      this.db.prepare("INSERT INTO channel_pairings (code, channel, sender, chat_id, status, created_ms, expires_ms) VALUES (?, ?, ?, ?, 'pending', ?, ?)")
        .run(code, channel, sender, chatId, now, expiresMs);
      return { status: 'issued', code, expiresMs };
    });
  }

  /** Pending, unexpired requests, oldest first. */
  pending(): Pairing[] {
    const rows = this.db.prepare("SELECT * FROM channel_pairings WHERE status = 'pending' AND expires_ms > ? ORDER BY created_ms").all(this.now()) as unknown as Row[];
    return rows.map(toPairing);
  }

  /** Senders the owner approved. */
  approved(): Array<{ channel: string; sender: string; approvedMs: number; approvedBy: string }> {
    const rows = this.db.prepare('SELECT channel, sender, approved_ms, approved_by FROM channel_senders ORDER BY approved_ms').all() as unknown as Array<{ channel: string; sender: string; approved_ms: number; approved_by: string }>;
    return rows.map((r) => ({ channel: r.channel, sender: r.sender, approvedMs: r.approved_ms, approvedBy: r.approved_by }));
  }

  approve(code: string, by: string): Pairing {
    return this.decide(code, 'approved', by);
  }

  deny(code: string, by: string): Pairing {
    return this.decide(code, 'denied', by);
  }

  /** Takes back an approval; the sender is unknown again. */
  revoke(channel: string, sender: string): boolean {
    return Number(this.db.prepare('DELETE FROM channel_senders WHERE channel = ? AND sender = ?').run(channel, sender).changes) > 0;
  }

  private decide(input: string, status: 'approved' | 'denied', by: string): Pairing {
    const code = input.trim().toUpperCase();
    return transaction(this.db, () => {
      const row = this.db.prepare('SELECT * FROM channel_pairings WHERE code = ?').get(code) as Row | undefined;
      const now = this.now();
      if (!row) throw new PairingError(`there is no pairing code "${code}": run "hardshell pairing list" to see the pending ones`);
      if (row.status !== 'pending') throw new PairingError(`the pairing code ${code} was already ${row.status}`);
      if (row.expires_ms <= now) throw new PairingError(`the pairing code ${code} expired (codes last one hour); ${row.sender} must send a new message to get a new one`);
      this.db.prepare('UPDATE channel_pairings SET status = ?, decided_ms = ? WHERE code = ?').run(status, now, code);
      if (status === 'approved') {
        this.db.prepare('INSERT OR REPLACE INTO channel_senders (channel, sender, approved_ms, approved_by) VALUES (?, ?, ?, ?)').run(row.channel, row.sender, now, by);
      }
      return toPairing({ ...row, status });
    });
  }

  private freshCode(): string {
    for (;;) {
      let code = '';
      for (let i = 0; i < CODE_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
      if (!this.db.prepare('SELECT 1 FROM channel_pairings WHERE code = ?').get(code)) return code;
    }
  }
}
