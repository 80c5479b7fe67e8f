// Approval requests and "always" rules in the store, so a request outlives a restart and is
// answered from another process (`hardshell approvals approve` while the gateway waits).
// Answering is one conditional UPDATE: the first answer wins, a late one changes nothing.
import { randomBytes } from 'node:crypto';
import type { Store } from '../store/db.ts';
import type { ApprovalChoice, ApprovalStatus, ApprovalView } from './types.ts';
import { sanitize } from './sanitize.ts';
import { alwaysKey } from './binding.ts';

export interface ApprovalRecord {
  id: string;
  createdAt: string;
  expiresAt: string;
  agentId: string;
  sessionId: string;
  toolCallId: string;
  tool: string;
  view: ApprovalView;
  hash: string;
  status: ApprovalStatus;
  choice: ApprovalChoice | null;
  answeredBy: string | null;
  answeredAt: string | null;
}

interface Row {
  id: string; created_at: string; expires_at: string; agent_id: string; session_id: string; tool_call_id: string; tool: string;
  view: string; hash: string; status: ApprovalStatus; choice: ApprovalChoice | null; answered_by: string | null; answered_at: string | null;
}

const fromRow = (r: Row): ApprovalRecord => ({
  id: r.id, createdAt: r.created_at, expiresAt: r.expires_at, agentId: r.agent_id, sessionId: r.session_id, toolCallId: r.tool_call_id,
  tool: r.tool, view: JSON.parse(r.view) as ApprovalView, hash: r.hash, status: r.status, choice: r.choice, answeredBy: r.answered_by, answeredAt: r.answered_at,
});

export interface NewApproval {
  agentId: string;
  sessionId: string;
  toolCallId: string;
  tool: string;
  view: ApprovalView;
  hash: string;
  expiresAt: Date;
}

export type AnswerResult =
  | { ok: true; record: ApprovalRecord }
  | { ok: false; reason: 'unknown' | 'answered' | 'expired'; record?: ApprovalRecord };

export class ApprovalStore {
  private readonly db: Store;
  private readonly stmts: ReturnType<typeof prepare>;

  constructor(db: Store) {
    this.db = db;
    this.stmts = prepare(db);
  }

  create(a: NewApproval, now = new Date()): ApprovalRecord {
    const id = randomBytes(6).toString('hex');
    this.stmts.insert.run(id, now.toISOString(), a.expiresAt.toISOString(), a.agentId, a.sessionId, a.toolCallId, a.tool, JSON.stringify(a.view), a.hash);
    return this.get(id)!;
  }

  get(id: string): ApprovalRecord | undefined {
    const row = this.stmts.get.get(id) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** Status only, for the waiting side's poll: one indexed read. */
  status(id: string): Pick<ApprovalRecord, 'status' | 'choice' | 'answeredBy' | 'hash'> | undefined {
    const r = this.stmts.status.get(id) as Pick<Row, 'status' | 'choice' | 'answered_by' | 'hash'> | undefined;
    return r ? { status: r.status, choice: r.choice, answeredBy: r.answered_by, hash: r.hash } : undefined;
  }

  list(filter: { status?: ApprovalStatus } = {}, now = new Date()): ApprovalRecord[] {
    this.expire(now);
    const rows = (filter.status ? this.stmts.listStatus.all(filter.status) : this.stmts.listAll.all()) as unknown as Row[];
    return rows.map(fromRow);
  }

  /** The person's answer; only a pending, unexpired request can be answered, and only once. */
  answer(id: string, choice: ApprovalChoice, by: string, now = new Date()): AnswerResult {
    this.expire(now);
    by = sanitize(by).slice(0, 200); // shown to people and the model: a token name must not carry escapes
    const status: ApprovalStatus = choice === 'deny' ? 'denied' : 'approved';
    const changed = this.stmts.answer.run(status, choice, by, now.toISOString(), id).changes;
    const record = this.get(id);
    if (!record) return { ok: false, reason: 'unknown' };
    if (Number(changed) === 0) return { ok: false, reason: record.status === 'expired' ? 'expired' : 'answered', record };
    if (choice === 'always') this.stmts.addRule.run(alwaysKey(record.hash), record.agentId, record.tool, JSON.stringify(record.view), now.toISOString(), by);
    return { ok: true, record };
  }

  /** Marks every pending request past its time as expired (no answer = no). */
  expire(now = new Date()): number {
    return Number(this.stmts.expire.run(now.toISOString()).changes);
  }

  /** Closes one request without an answer (the turn was cancelled or timed out). */
  abandon(id: string, now = new Date()): void {
    this.stmts.abandon.run(now.toISOString(), id);
  }

  hasRule(key: string): boolean {
    return this.stmts.hasRule.get(key) !== undefined;
  }

  rules(): Array<{ key: string; agentId: string; tool: string; view: ApprovalView; createdAt: string; createdBy: string }> {
    return (this.stmts.listRules.all() as Array<{ key: string; agent_id: string; tool: string; view: string; created_at: string; created_by: string }>)
      .map((r) => ({ key: r.key, agentId: r.agent_id, tool: r.tool, view: JSON.parse(r.view) as ApprovalView, createdAt: r.created_at, createdBy: r.created_by }));
  }

  removeRule(key: string): boolean {
    return Number(this.stmts.removeRule.run(key).changes) > 0;
  }
}

function prepare(db: Store) {
  return {
    insert: db.prepare('INSERT INTO approvals (id, created_at, expires_at, agent_id, session_id, tool_call_id, tool, view, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    get: db.prepare('SELECT * FROM approvals WHERE id = ?'),
    status: db.prepare('SELECT status, choice, answered_by, hash FROM approvals WHERE id = ?'),
    listAll: db.prepare('SELECT * FROM approvals ORDER BY created_at DESC LIMIT 200'),
    listStatus: db.prepare('SELECT * FROM approvals WHERE status = ? ORDER BY created_at DESC LIMIT 200'),
    answer: db.prepare("UPDATE approvals SET status = ?, choice = ?, answered_by = ?, answered_at = ? WHERE id = ? AND status = 'pending'"),
    expire: db.prepare("UPDATE approvals SET status = 'expired' WHERE status = 'pending' AND expires_at <= ?"),
    abandon: db.prepare("UPDATE approvals SET status = 'expired', answered_at = ? WHERE id = ? AND status = 'pending'"),
    addRule: db.prepare('INSERT OR REPLACE INTO approval_rules (key, agent_id, tool, view, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)'),
    hasRule: db.prepare('SELECT 1 AS x FROM approval_rules WHERE key = ?'),
    listRules: db.prepare('SELECT * FROM approval_rules ORDER BY created_at DESC'),
    removeRule: db.prepare('DELETE FROM approval_rules WHERE key = ?'),
  };
}
