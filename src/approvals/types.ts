// A person in the loop. When policy says `ask`, the turn hands an ApprovalRequest to an
// Approver and waits; no approver, no answer in time, or any failure means no.
export interface ApprovalRequest {
  agentId: string;
  sessionId: string;
  toolCallId: string;
  tool: string;
  args: unknown;
  /** Why policy asks, and the rule that made it ask. */
  reason: string;
  rule: string;
}

export interface ApprovalAnswer {
  approved: boolean;
  /** Who answered (`cli`, `chat`, a token name, …), for the audit log. */
  by: string;
  /** A sentence for the model when not approved, e.g. "denied by the owner" or "timed out". */
  note?: string;
}

export type Approver = (request: ApprovalRequest, signal: AbortSignal) => Promise<ApprovalAnswer>;
