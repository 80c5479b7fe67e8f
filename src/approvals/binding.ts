// What an approval is bound to. The request is hashed over a canonical form of everything
// that decides what runs (agent, tool, arguments byte for byte, working folder, and for
// programs the resolved path and the hash of the file on disk), and checked again just
// before it runs: an approval cannot be replayed for anything else.
import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The resolved program and its content, when the sandbox can tell (see Binding.program). */
export interface ProgramIdentity {
  path: string;
  sha256: string;
}

export interface Binding {
  agentId: string;
  tool: string;
  args: unknown;
  workdir: string;
  /** For exec: the program the sandbox resolved and the hash of its file. */
  program?: ProgramIdentity;
  /** The call runs on the host, unsandboxed: an approval (or "always") for a sandboxed run never covers it, nor the reverse. */
  onHost?: boolean;
}

export function bindingHash(b: Binding): string {
  // onHost is hashed only when true, so the hashes (and "always" rules) of sandboxed calls stay as they were.
  return sha256(canonicalJson({ v: 1, agentId: b.agentId, tool: b.tool, args: b.args, workdir: b.workdir, program: b.program ?? null, ...(b.onHost ? { onHost: true } : {}) }));
}

/**
 * The key of an "always" rule, from a binding's hash: the same agent and tool, the exact same
 * arguments (the argv pattern is the argv itself: no wildcards), folder and program files.
 */
export function alwaysKey(hash: string): string {
  return `always:${hash}`;
}

/** Handed to the tool with an approved call; it checks it again immediately before running. */
export interface Ticket {
  approvalId: string;
  hash: string;
}

/**
 * The check at execution: the call about to run must hash to what was approved. The exec
 * tool calls this with the program path and file hash it resolved inside the sandbox, so a
 * binary replaced after approval does not run.
 */
export function verifyTicket(ticket: Ticket, actual: Binding): { ok: true } | { ok: false; reason: string } {
  const hash = bindingHash(actual);
  if (hash === ticket.hash) return { ok: true };
  return { ok: false, reason: `what is about to run differs from what was approved (approval ${ticket.approvalId}): the arguments, folder or program file changed; it was not run` };
}
