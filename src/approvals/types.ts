// A person in the loop. When policy says `ask`, the turn hands an ApprovalRequest to an
// Approver and waits; no approver, no answer in time, or any failure means no.
import type { ProgramIdentity, Ticket } from './binding.ts';

export interface ApprovalRequest {
  agentId: string;
  sessionId: string;
  toolCallId: string;
  tool: string;
  args: unknown;
  /** Why policy asks, and the rule that made it ask. */
  reason: string;
  rule: string;
  /** Once approved, the call runs on the host, unsandboxed (an elevated exec): shown, and part of the binding. */
  onHost?: boolean;
}

export interface ApprovalAnswer {
  approved: boolean;
  /** Who answered (`cli`, `chat`, a token name, …), for the audit log. */
  by: string;
  /** A sentence for the model when not approved, e.g. "denied by the owner" or "timed out". */
  note?: string;
  /** For an approved call: what it was approved as, for the check just before it runs. */
  ticket?: Ticket;
  /**
   * For an approved call: the check run immediately before it starts, with its arguments and
   * (from a tool that starts a program) the program it resolved, path and file hash. Anything
   * different from what was approved fails it, and the call must not run. Without `program`,
   * only the arguments and folder are compared.
   */
  verify?: (actual: { args: unknown; program?: ProgramIdentity }) => { ok: true } | { ok: false; reason: string };
}

export type Approver = (request: ApprovalRequest, signal: AbortSignal) => Promise<ApprovalAnswer>;

/** The answers a person can give. */
export type ApprovalChoice = 'once' | 'always' | 'deny';

export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired';

/** What the person is shown: exactly what will run, sanitised of escapes and invisible characters. */
export interface ApprovalView {
  tool: string;
  command: string;
  programs: Array<{ program: string; argv: string[]; via: string[] }>;
  workdir: string;
  env: string[];
  sandbox: string;
  network: string;
  reason: string;
  rule: string;
}
