// The approver the runner calls on `ask`: it records a pending request in the store, then
// waits for the first answer from anywhere (the CLI in another process, the terminal chat's
// prompt, the HTTP/WebSocket API), polling the store. No answer in time means no; so does a
// cancelled turn. An "always" answer is kept as a rule bound to this exact call.
import type { AuditSink } from '../audit/types.ts';
import { alwaysKey, bindingHash, verifyTicket, type Binding, type ProgramIdentity, type Ticket } from './binding.ts';
import { sanitize, sanitizeDeep } from './sanitize.ts';
import type { ApprovalRecord, ApprovalStore } from './store.ts';
import type { ApprovalAnswer, ApprovalChoice, ApprovalRequest, ApprovalView, Approver } from './types.ts';

export const DEFAULT_POLL_MS = 200;

export interface ApproverOptions {
  store: ApprovalStore;
  /**
   * What the call will do and what an approval binds to. Handed in (policy's whatWillRun and
   * the agent's workspace), so this room does not depend on policy or config.
   */
  describe: (request: ApprovalRequest) => { view: Omit<ApprovalView, 'reason' | 'rule'>; binding: Binding };
  /** How long a request waits (tools.exec.approvalTimeout). */
  timeoutMs: number;
  pollMs?: number;
  /** An inline prompt beside the store (the terminal chat); whichever answers first wins. */
  prompt?: (record: ApprovalRecord, signal: AbortSignal) => Promise<ApprovalChoice | null>;
  /** Told of each new pending request (the gateway pushes it to WebSocket clients). */
  onPending?: (record: ApprovalRecord) => void;
  audit?: AuditSink;
  now?: () => Date;
  /**
   * The sandbox's hook: the program a call would start (resolved path and SHA-256 of the
   * file), made part of what is approved, so "always" covers that binary only and a file
   * replaced after approval fails the check at execution.
   */
  identify?: (request: ApprovalRequest) => ProgramIdentity | undefined;
}

export function createApprover(opts: ApproverOptions): Approver {
  const pollMs = opts.pollMs ?? DEFAULT_POLL_MS;
  const now = opts.now ?? (() => new Date());

  return async (request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalAnswer> => {
    const described = opts.describe(request);
    const { view: raw } = described;
    // Where the call runs is the runner's word (request.onHost), bound here whatever describe says.
    const identified = described.binding.program === undefined && opts.identify !== undefined;
    const binding: Binding = { ...described.binding, program: described.binding.program ?? opts.identify?.(request), onHost: request.onHost === true ? true : undefined };
    const view: ApprovalView = sanitizeDeep({ ...raw, reason: request.reason, rule: request.rule });
    const hash = bindingHash(binding);
    deepFreeze(request.args);
    if (opts.store.hasRule(alwaysKey(hash))) {
      return approved('always', { approvalId: 'always', hash }, 'approved earlier with "always" for this exact call');
    }
    const record = opts.store.create({
      agentId: request.agentId, sessionId: request.sessionId, toolCallId: request.toolCallId, tool: request.tool,
      view, hash, expiresAt: new Date(now().getTime() + opts.timeoutMs),
    }, now());
    opts.audit?.({ kind: 'approval', action: 'requested', agentId: request.agentId, sessionId: request.sessionId, approvalId: record.id, tool: request.tool, view });
    opts.onPending?.(record);

    const local = new AbortController();
    const stop = AbortSignal.any([signal, local.signal]);
    if (opts.prompt) {
      opts.prompt(record, stop).then((choice) => {
        if (choice) opts.store.answer(record.id, choice, 'chat', now());
      }, () => { /* a failed prompt is no answer */ });
    }
    try {
      return await waitForAnswer(record, hash);
    } finally {
      local.abort();
    }

    /** An approval carries the check for execution time: same call, same program file. */
    function approved(by: string, ticket: Ticket, note?: string): ApprovalAnswer {
      return {
        approved: true, by, ticket, ...(note ? { note } : {}),
        // Without `program` the arguments and folder are checked (the runner does, before any
        // tool); with it, the program file about to start must be the one approved too.
        // A program file bound through identify is looked up again now, so a binary replaced
        // since the approval fails the check (for a host run as for a sandboxed one).
        verify: (actual) => verifyTicket(ticket, {
          ...binding, args: actual.args,
          program: actual.program !== undefined ? (binding.program ? actual.program : undefined)
            : identified ? opts.identify!({ ...request, args: actual.args }) : binding.program,
        }),
      };
    }

    async function waitForAnswer(rec: ApprovalRecord, expected: string): Promise<ApprovalAnswer> {
      const deadline = new Date(rec.expiresAt).getTime();
      for (;;) {
        const s = opts.store.status(rec.id);
        if (!s) return { approved: false, by: 'nobody', note: 'the approval request disappeared from the store' };
        if (s.status === 'approved') {
          // The stored request must still be the one this call is: a row edited in the store
          // approves nothing.
          if (s.hash !== expected) return { approved: false, by: s.answeredBy ?? 'unknown', note: 'the approved request does not match this call' };
          return approved(s.answeredBy ?? 'unknown', { approvalId: rec.id, hash: expected });
        }
        if (s.status === 'denied') return { approved: false, by: s.answeredBy ?? 'unknown', note: `denied by ${sanitize(s.answeredBy ?? 'a person')}` };
        if (s.status === 'expired' || now().getTime() >= deadline) {
          opts.store.abandon(rec.id, now());
          return { approved: false, by: 'nobody', note: `no one answered within ${Math.round(opts.timeoutMs / 1000)} s (tools.exec.approvalTimeout)` };
        }
        if (signal.aborted) {
          opts.store.abandon(rec.id, now());
          return { approved: false, by: 'nobody', note: 'the turn ended before anyone answered' };
        }
        await sleep(Math.min(pollMs, Math.max(1, deadline - now().getTime())), signal);
      }
    }
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The approved arguments cannot be changed in this process between approval and run. */
function deepFreeze(value: unknown): void {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
}
