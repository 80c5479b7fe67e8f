// Sessions and their transcripts. Each item is committed on its own, so a crash mid-turn
// keeps everything up to the last completed item.
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/db.ts';

export type Provenance = 'owner' | 'user' | 'tool' | 'web' | 'agent';
export type Role = 'user' | 'assistant' | 'tool';

export interface SessionRow {
  id: string;
  key: string;
  agentId: string;
  createdAt: string;
  updatedAt: string;
}

export interface TranscriptItem {
  seq: number;
  role: Role;
  provenance: Provenance;
  /** The message as the model provider library understands it (JSON). */
  content: unknown;
  createdAt: string;
}

interface RawSession { id: string; key: string; agent_id: string; created_at: string; updated_at: string }

const toSession = (r: RawSession): SessionRow =>
  ({ id: r.id, key: r.key, agentId: r.agent_id, createdAt: r.created_at, updatedAt: r.updated_at });

export class Sessions {
  private readonly db: Store;
  constructor(db: Store) {
    this.db = db;
  }

  /** The session with this key for this agent, created on first use. */
  open(agentId: string, key: string): SessionRow {
    const found = this.db.prepare('SELECT * FROM sessions WHERE agent_id = ? AND key = ?').get(agentId, key) as RawSession | undefined;
    if (found) return toSession(found);
    const now = new Date().toISOString();
    const id = randomUUID();
    this.db.prepare('INSERT INTO sessions (id, key, agent_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(id, key, agentId, now, now);
    return { id, key, agentId, createdAt: now, updatedAt: now };
  }

  get(idOrKey: string): SessionRow | undefined {
    const row = this.db.prepare('SELECT * FROM sessions WHERE id = ? OR key = ? ORDER BY updated_at DESC LIMIT 1').get(idOrKey, idOrKey) as RawSession | undefined;
    return row && toSession(row);
  }

  list(limit = 100): SessionRow[] {
    return (this.db.prepare('SELECT * FROM sessions ORDER BY updated_at DESC LIMIT ?').all(limit) as unknown as RawSession[]).map(toSession);
  }

  append(sessionId: string, role: Role, provenance: Provenance, content: unknown): number {
    const now = new Date().toISOString();
    const next = this.db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM transcript_items WHERE session_id = ?').get(sessionId) as { seq: number };
    this.db.prepare('INSERT INTO transcript_items (session_id, seq, role, provenance, content, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(sessionId, next.seq, role, provenance, JSON.stringify(content), now);
    this.db.prepare('UPDATE sessions SET updated_at = ? WHERE id = ?').run(now, sessionId);
    return next.seq;
  }

  items(sessionId: string): TranscriptItem[] {
    const rows = this.db.prepare('SELECT seq, role, provenance, content, created_at FROM transcript_items WHERE session_id = ? ORDER BY seq').all(sessionId) as Array<{ seq: number; role: Role; provenance: Provenance; content: string; created_at: string }>;
    return rows.map((r) => ({ seq: r.seq, role: r.role, provenance: r.provenance, content: JSON.parse(r.content), createdAt: r.created_at }));
  }
}
