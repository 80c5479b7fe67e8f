// Sessions and their transcripts. Each item is committed as soon as it is complete (alone, or
// with the records that belong to it: see together()), so a crash mid-turn keeps everything
// up to the last completed item, and never half of one.
import { randomUUID } from 'node:crypto';
import type { StatementSync } from 'node:sqlite';
import { transaction, type Store } from '../store/db.ts';

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
  /** Where untrusted content came from (`file:notes.txt`, `web:https://…`, `tool:exec`); null when trusted. */
  source: string | null;
  createdAt: string;
}

export interface AppendOptions {
  /** Marks the item as untrusted content from this source. */
  source?: string;
  /** Also marks the session as active now (a turn does this at its start, not on every item). */
  touch?: boolean;
}

interface RawSession { id: string; key: string; agent_id: string; created_at: string; updated_at: string }
interface RawItem { seq: number; role: Role; provenance: Provenance; content: string; source: string | null; created_at: string }

const toSession = (r: RawSession): SessionRow =>
  ({ id: r.id, key: r.key, agentId: r.agent_id, createdAt: r.created_at, updatedAt: r.updated_at });

export class Sessions {
  // Statements are prepared once: the gateway lists sessions on every API call.
  private readonly byAgentKey: StatementSync;
  private readonly insertSession: StatementSync;
  private readonly byIdOrKey: StatementSync;
  private readonly recent: StatementSync;
  private readonly insertItem: StatementSync;
  private readonly touchSession: StatementSync;
  private readonly itemsOf: StatementSync;
  private readonly db: Store;

  constructor(db: Store) {
    this.db = db;
    this.byAgentKey = db.prepare('SELECT * FROM sessions WHERE agent_id = ? AND key = ?');
    this.insertSession = db.prepare('INSERT INTO sessions (id, key, agent_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)');
    this.byIdOrKey = db.prepare('SELECT * FROM sessions WHERE id = ? OR key = ? ORDER BY updated_at DESC LIMIT 1');
    this.recent = db.prepare('SELECT * FROM sessions ORDER BY updated_at DESC LIMIT ?');
    // The next number and the row in one statement: SQLite takes the write lock before the
    // statement reads, so another process appending to the same session waits for the number.
    this.insertItem = db.prepare(`INSERT INTO transcript_items (session_id, seq, role, provenance, content, source, created_at)
      SELECT ?1, COALESCE(MAX(seq), 0) + 1, ?2, ?3, ?4, ?5, ?6 FROM transcript_items WHERE session_id = ?1 RETURNING seq`);
    this.touchSession = db.prepare('UPDATE sessions SET updated_at = ? WHERE id = ?');
    this.itemsOf = db.prepare('SELECT seq, role, provenance, content, source, created_at FROM transcript_items WHERE session_id = ? ORDER BY seq');
  }

  /** The store the sessions live in (the gateway's session list watches it for changes). */
  get database(): Store {
    return this.db;
  }

  /** The session with this key for this agent, created on first use. */
  open(agentId: string, key: string): SessionRow {
    const found = this.byAgentKey.get(agentId, key) as RawSession | undefined;
    if (found) return toSession(found);
    const now = new Date().toISOString();
    const id = randomUUID();
    this.insertSession.run(id, key, agentId, now, now);
    return { id, key, agentId, createdAt: now, updatedAt: now };
  }

  get(idOrKey: string): SessionRow | undefined {
    const row = this.byIdOrKey.get(idOrKey, idOrKey) as RawSession | undefined;
    return row && toSession(row);
  }

  list(limit = 100): SessionRow[] {
    return (this.recent.all(limit) as unknown as RawSession[]).map(toSession);
  }

  /**
   * Runs fn's writes as one commit: this store's, and those of the ledgers (usage, memory)
   * opened on the same file. A turn groups each completed item with what belongs to it (a
   * model step's messages and its token usage; a tool result and the fingerprint of the file
   * it wrote), so a kill -9 leaves all of them or none, and a turn pays one commit per item.
   * fn must be synchronous (see store/db.ts transaction()).
   */
  together<T>(fn: () => T): T {
    return transaction(this.db, fn);
  }

  /** Adds one item: committed on its own, or with the rest of a together() around it. */
  append(sessionId: string, role: Role, provenance: Provenance, content: unknown, options: AppendOptions = {}): number {
    const now = new Date().toISOString();
    const insert = () => (this.insertItem.get(sessionId, role, provenance, JSON.stringify(content), options.source ?? null, now) as { seq: number }).seq;
    if (!options.touch) return insert();
    return transaction(this.db, () => {
      const seq = insert();
      this.touchSession.run(now, sessionId);
      return seq;
    });
  }

  /** Marks the session as active now. */
  touch(sessionId: string): void {
    this.touchSession.run(new Date().toISOString(), sessionId);
  }

  /** Deletes a session and its transcript (a sub-agent's, when its cleanup is "delete"). */
  remove(sessionId: string): void {
    transaction(this.db, () => {
      this.db.prepare('DELETE FROM transcript_items WHERE session_id = ?').run(sessionId);
      this.db.prepare('DELETE FROM sessions WHERE id = ?').run(sessionId);
    });
  }

  items(sessionId: string): TranscriptItem[] {
    return (this.itemsOf.all(sessionId) as unknown as RawItem[]).map((r) =>
      ({ seq: r.seq, role: r.role, provenance: r.provenance, content: JSON.parse(r.content), source: r.source, createdAt: r.created_at }));
  }
}
