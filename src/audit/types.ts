// What the rest of hardshell hands the audit log. Each room reports decisions and actions as
// one of these; the audit room (append, hash chain, verify) decides how they are kept.
// `alert` (a counter crossed its threshold) and `audit` (the log's own events: start, torn
// tail recovered, checkpoints) are always kept, whatever security.audit.events says.
export type AuditKind = 'auth' | 'message' | 'tool' | 'approval' | 'egress' | 'sandbox' | 'config' | 'policy' | 'alert' | 'audit';

export interface AuditRecord {
  kind: AuditKind;
  /** What happened, e.g. `decision`, `run`, `login_failed`. */
  action: string;
  agentId?: string;
  sessionId?: string;
  /** Anything else worth keeping; the audit room redacts it before writing. */
  [field: string]: unknown;
}

export type AuditSink = (record: AuditRecord) => void;

/** Kinds recorded whatever the configured filter says. */
export const ALWAYS_KEPT: ReadonlySet<string> = new Set(['alert', 'audit']);
