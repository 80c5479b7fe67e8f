// Alerts: counters for failed logins, denied tool calls, egress denials, token spend and
// budgets reached, each over a time window. When a counter reaches its threshold, one warning
// goes to the log, one `alert` event to the audit log and one message to the owners' chats
// (when the gateway runs channels); it fires again only in a later window. The counters watch the audit stream, so whatever is
// audited is counted without each room knowing about alerts.
import type { AuditRecord, AuditSink } from '../audit/types.ts';

export type Counter = 'auth_failures' | 'denied_tool_calls' | 'egress_denials' | 'tokens' | 'budgets';

export interface Threshold { limit: number; windowMs: number }

export const DEFAULT_THRESHOLDS: Record<Counter, Threshold> = {
  auth_failures: { limit: 10, windowMs: 10 * 60_000 },
  denied_tool_calls: { limit: 20, windowMs: 10 * 60_000 },
  egress_denials: { limit: 20, windowMs: 10 * 60_000 },
  tokens: { limit: 2_000_000, windowMs: 60 * 60_000 },
  // A turn stopped by a budget: the owner hears of the first one of the day, not of each.
  budgets: { limit: 1, windowMs: 24 * 60 * 60_000 },
};

const DESCRIBE: Record<Counter, string> = {
  auth_failures: 'failed authentication attempts',
  denied_tool_calls: 'denied tool calls',
  egress_denials: 'refused outbound connections',
  tokens: 'model tokens spent',
  budgets: 'turns stopped by a budget (agents.*.budgets)',
};

export interface AlertDeps {
  log: (line: Record<string, unknown>) => void;
  audit?: AuditSink;
  thresholds?: Partial<Record<Counter, Threshold>>;
  now?: () => number;
}

export class Alerts {
  private readonly deps: AlertDeps;
  private readonly thresholds: Record<Counter, Threshold>;
  private readonly windows = new Map<Counter, { start: number; count: number; fired: boolean }>();
  private readonly now: () => number;
  private notify: ((text: string) => Promise<unknown>) | undefined;

  constructor(deps: AlertDeps) {
    this.deps = deps;
    this.thresholds = { ...DEFAULT_THRESHOLDS, ...deps.thresholds };
    this.now = deps.now ?? Date.now;
  }

  /** Where alerts also go as a chat message: the owners of the running channels (set by the gateway). */
  notifyWith(send: (text: string) => Promise<unknown>): void {
    this.notify = send;
  }

  /** Adds n to a counter; returns true when this crossed the threshold (and alerted). */
  count(counter: Counter, n = 1): boolean {
    const t = this.thresholds[counter];
    const now = this.now();
    let w = this.windows.get(counter);
    if (!w || now - w.start >= t.windowMs) {
      w = { start: now, count: 0, fired: false };
      this.windows.set(counter, w);
    }
    w.count += n;
    if (w.fired || w.count < t.limit) return false;
    w.fired = true;
    const msg = `alert: ${DESCRIBE[counter]}: ${w.count} in the last ${describeWindow(t.windowMs)} (threshold ${t.limit})`;
    this.deps.log({ level: 'warn', msg, alert: counter, count: w.count, limit: t.limit, windowMs: t.windowMs });
    this.deps.audit?.({ kind: 'alert', action: 'threshold_crossed', counter, count: w.count, limit: t.limit, windowMs: t.windowMs });
    this.notify?.(`hardshell ${msg}`).catch((err: unknown) => {
      this.deps.log({ level: 'warn', msg: `the alert could not be sent to the owners' chats: ${(err as Error)?.message ?? String(err)}` });
    });
    return true;
  }

  /** What an audit event means for the counters. */
  observe(record: AuditRecord): void {
    if (record.kind === 'auth' && /fail|refused|denied/.test(record.action)) this.count('auth_failures');
    else if (record.kind === 'policy' && record.action === 'decision' && record.decision === 'deny') this.count('denied_tool_calls');
    else if (record.kind === 'approval' && record.action === 'denied') this.count('denied_tool_calls');
    else if (record.kind === 'policy' && record.action === 'budget_reached') this.count('budgets');
    else if (record.kind === 'egress' && (record.decision === 'deny' || /deny|denied|refused|blocked/.test(record.action))) this.count('egress_denials');
  }

  /** An audit sink that counts, then passes the record on. */
  wrap(sink: AuditSink | undefined): AuditSink {
    return (record) => {
      sink?.(record);
      if (record.kind !== 'alert') this.observe(record);
    };
  }
}

/** A window as a person says it: "minute", "10 minutes", "hour", "24 hours". */
function describeWindow(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const [n, unit] = minutes % 60 === 0 ? [minutes / 60, 'hour'] : [minutes, 'minute'];
  return n === 1 ? unit : `${n} ${unit}s`;
}
