// Approvals in the owner's own chat: a pending request is sent to the owners of every running
// channel that can reach them in private, and the owner answers with "/approve ID",
// "/approve ID always" or "/deny ID". Only an owner may answer (dispatch.ts checks who is
// writing), and only on a channel the request was sent to: an owner id on one platform says
// nothing about who holds an account with the same number on another.
import type { AuditSink } from '../audit/types.ts';
import type { ChannelAdapter, ChannelName, InboundMessage } from './types.ts';

/** The approvals room, as the gateway hands it in: answers a request as a person would from the CLI. */
export interface ApprovalAnswerPort {
  answer(id: string, choice: 'once' | 'always' | 'deny', by: string): { ok: true } | { ok: false; reason: string };
}

export interface PendingForChat {
  id: string;
  /** The request as a person reads it (the CLI's own rendering), already sanitised. */
  text: string;
  expiresAt: Date;
}

/** "/approve 3f9c2a1b7e00", "/approve 3f9c2a1b7e00 always", "/deny 3f9c2a1b7e00". */
export const APPROVAL_COMMAND = /^\/(approve|deny)\s+([0-9a-f]{12})(\s+always)?\s*$/i;

/** Requests are forgotten this long after they expire: enough for a late answer to get a clear reply. */
const KEEP_AFTER_EXPIRY_MS = 60 * 60_000;

export class ChatApprovals {
  private readonly sentOn = new Map<string, { channels: Set<ChannelName>; forgetAt: number }>();
  private readonly deps: {
    adapters: () => readonly ChannelAdapter[];
    port?: ApprovalAnswerPort;
    redact: (text: string) => string;
    audit?: AuditSink;
    now?: () => number;
  };

  constructor(deps: ChatApprovals['deps']) {
    this.deps = deps;
  }

  /** Sends the request to the owners in private; returns the channels it reached. */
  async request(pending: PendingForChat): Promise<ChannelName[]> {
    const now = this.deps.now?.() ?? Date.now();
    for (const [id, entry] of this.sentOn) if (entry.forgetAt < now) this.sentOn.delete(id);
    if (!this.deps.port) return [];
    const minutes = Math.max(1, Math.round((pending.expiresAt.getTime() - now) / 60_000));
    const text = this.deps.redact([
      `hardshell: a tool call waits for your approval (answer within ${minutes} min, or it is denied)`,
      pending.text,
      `Reply "/approve ${pending.id}" to allow it once, "/approve ${pending.id} always" for this exact call from now on, or "/deny ${pending.id}".`,
    ].join('\n'));
    const reached = new Set<ChannelName>();
    await Promise.all(this.deps.adapters().filter((a) => a.notifyOwners).map(async (adapter) => {
      try {
        await adapter.notifyOwners!(text);
        reached.add(adapter.name);
      } catch (err) {
        this.deps.audit?.({ kind: 'approval', action: 'chat_send_failed', approvalId: pending.id, channel: adapter.name, error: (err as Error)?.message ?? String(err) });
      }
    }));
    if (reached.size > 0) {
      this.sentOn.set(pending.id, { channels: reached, forgetAt: pending.expiresAt.getTime() + KEEP_AFTER_EXPIRY_MS });
      this.deps.audit?.({ kind: 'approval', action: 'sent_to_chat', approvalId: pending.id, channels: [...reached] });
    }
    return [...reached];
  }

  /** An owner's "/approve" or "/deny" (dispatch.ts has checked it is the owner); returns the reply. */
  answer(message: InboundMessage, verb: 'approve' | 'deny', id: string, always: boolean): string {
    id = id.toLowerCase();
    const sent = this.sentOn.get(id);
    if (!sent || !sent.channels.has(message.channel) || !this.deps.port) {
      this.deps.audit?.({ kind: 'approval', action: 'chat_answer_refused', approvalId: id, channel: message.channel, sender: message.sender });
      return sent
        ? `The request ${id} was not sent to you on ${message.channel}; answer it where it was sent (${[...sent.channels].join(', ')}) or with "hardshell approvals ${verb} ${id}".`
        : `There is no approval request ${id} waiting for an answer here; "hardshell approvals list" shows the pending ones.`;
    }
    const choice = verb === 'deny' ? 'deny' : always ? 'always' : 'once';
    const result = this.deps.port.answer(id, choice, `${message.sender} (${message.channel})`);
    if (!result.ok) return `Not answered: ${result.reason}.`;
    this.sentOn.delete(id);
    return choice === 'deny' ? `Denied: ${id}.` : choice === 'always' ? `Approved, and always for this exact call: ${id}.` : `Approved once: ${id}.`;
  }
}
