// The memory ledger: every memory entry an agent writes, with where the session's untrusted
// content came from; the fingerprints of the bootstrap files (AGENTS.md, SOUL.md, MEMORY.md)
// as hardshell last accepted them; and of the files the agent wrote from a clean session. Both live in the store, outside the workspace,
// so the agent cannot rewrite them with its file tools.
import type { StatementSync } from 'node:sqlite';
import type { Store } from '../store/db.ts';

export type MemoryStatus = 'written' | 'quarantined' | 'approved' | 'rejected';

export interface MemoryEntry {
  id: number;
  agentId: string;
  sessionId: string;
  file: string;
  content: string;
  /** The untrusted source that tainted the session when the entry was written; null if clean. */
  taintedBy: string | null;
  status: MemoryStatus;
  createdAt: string;
  decidedAt: string | null;
}

interface RawEntry { id: number; agent_id: string; session_id: string; file: string; content: string; tainted_by: string | null; status: MemoryStatus; created_at: string; decided_at: string | null }

const toEntry = (r: RawEntry): MemoryEntry => ({
  id: r.id, agentId: r.agent_id, sessionId: r.session_id, file: r.file, content: r.content,
  taintedBy: r.tainted_by, status: r.status, createdAt: r.created_at, decidedAt: r.decided_at,
});

export class MemoryLedger {
  private readonly insert: StatementSync;
  private readonly byStatus: StatementSync;
  private readonly byId: StatementSync;
  private readonly decide: StatementSync;
  private readonly fingerprint: StatementSync;
  private readonly setFingerprint: StatementSync;
  private readonly written: StatementSync;
  private readonly setWritten: StatementSync;
  private readonly dropWritten: StatementSync;

  constructor(db: Store) {
    this.insert = db.prepare('INSERT INTO memory_entries (agent_id, session_id, file, content, tainted_by, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.byStatus = db.prepare('SELECT * FROM memory_entries WHERE status = ? ORDER BY id');
    this.byId = db.prepare('SELECT * FROM memory_entries WHERE id = ?');
    this.decide = db.prepare('UPDATE memory_entries SET status = ?, decided_at = ? WHERE id = ? AND status = \'quarantined\'');
    this.written = db.prepare('SELECT sha256 FROM written_files WHERE workspace = ? AND file = ?');
    this.setWritten = db.prepare(`INSERT INTO written_files (workspace, file, sha256, written_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (workspace, file) DO UPDATE SET sha256 = excluded.sha256, written_at = excluded.written_at`);
    this.dropWritten = db.prepare('DELETE FROM written_files WHERE workspace = ? AND file = ?');
    this.fingerprint = db.prepare('SELECT sha256 FROM bootstrap_files WHERE workspace = ? AND file = ?');
    this.setFingerprint = db.prepare(`INSERT INTO bootstrap_files (workspace, file, sha256, accepted_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (workspace, file) DO UPDATE SET sha256 = excluded.sha256, accepted_at = excluded.accepted_at`);
  }

  add(entry: { agentId: string; sessionId: string; file: string; content: string; taintedBy: string | null }): MemoryEntry {
    const status: MemoryStatus = entry.taintedBy ? 'quarantined' : 'written';
    const now = new Date().toISOString();
    const { lastInsertRowid } = this.insert.run(entry.agentId, entry.sessionId, entry.file, entry.content, entry.taintedBy, status, now);
    return this.get(Number(lastInsertRowid))!;
  }

  get(id: number): MemoryEntry | undefined {
    const row = this.byId.get(id) as RawEntry | undefined;
    return row && toEntry(row);
  }

  quarantined(): MemoryEntry[] {
    return (this.byStatus.all('quarantined') as unknown as RawEntry[]).map(toEntry);
  }

  /** Settles a quarantined entry; false when there is no such entry waiting. */
  settle(id: number, status: 'approved' | 'rejected'): boolean {
    return this.decide.run(status, new Date().toISOString(), id).changes === 1;
  }

  /** The SHA-256 hardshell last accepted for a bootstrap file, or null if it never has. */
  acceptedHash(workspace: string, file: string): string | null {
    return (this.fingerprint.get(workspace, file) as { sha256: string } | undefined)?.sha256 ?? null;
  }

  accept(workspace: string, file: string, sha256: string): void {
    this.setFingerprint.run(workspace, file, sha256, new Date().toISOString());
  }

  /** The SHA-256 of what a clean session last wrote to a workspace file, or null. */
  writtenHash(workspace: string, file: string): string | null {
    return (this.written.get(workspace, file) as { sha256: string } | undefined)?.sha256 ?? null;
  }

  /** A clean session wrote this content (sha256), or, with null, a tainted one wrote something. */
  wroteFile(workspace: string, file: string, sha256: string | null): void {
    if (sha256 === null) this.dropWritten.run(workspace, file);
    else this.setWritten.run(workspace, file, sha256, new Date().toISOString());
  }
}
