// The contract every tool implements. Tools never decide whether they may run (policy does);
// they validate their own arguments, because the model that wrote them is untrusted.
import type { ApprovalAnswer } from '../approvals/types.ts';
import type { z } from 'zod';
import type { WebFetchPort } from './web-fetch.ts';
import type { BrowserPort } from './browser-session.ts';
import type { ResolvedSandbox } from '../sandbox/settings.ts';
import type { RunResult } from '../sandbox/types.ts';

export interface ToolContext {
  /** Absolute, real path of the agent's workspace: every file a tool touches lies inside it. */
  workspace: string;
  agentId: string;
  sessionId: string;
  signal: AbortSignal;
  /** For the memory tools: where entries are recorded (the turn provides it). */
  memory?: MemoryPort;
  /** For message: the running chat channels (the gateway provides it; absent = no channel runs here). */
  message?: MessagePort;
  /** For web_fetch: its allowlist and audit sink (the turn provides it; absent = nothing is reachable). */
  webFetch?: WebFetchPort;
  /** For browser: the session's sandboxed browser and its rules (the turn provides it; absent = off). */
  browser?: BrowserPort;
  /** For exec: the agent's sandbox settings (execSandboxFor in tools/exec.ts). Absent: the secure defaults. */
  sandbox?: ResolvedSandbox;
  /** For exec: told of each finished run (backend, exit, limits hit), for the sandbox/run audit event. */
  sandboxRan?: (result: RunResult) => void;
  /** For exec: secrets policy granted to this command (tools.exec.secrets), set in its environment. */
  grantedEnv?: Record<string, string>;
  /** Removes known secrets from text; tools that cut their output apply it first, so no cut splits a secret. */
  redact?: (text: string) => string;
  /**
   * For a call a person approved: a tool that starts a program calls verify({args, program})
   * with the program it resolved (path and SHA-256 of the file) immediately before starting
   * it; not ok means what would run is not what was approved, and it must not run.
   */
  approval?: { verify: NonNullable<ApprovalAnswer['verify']> };
  /** For the file tools: which files hold what a clean session wrote (the turn provides it). */
  files?: FilePort;
  /** For sessions_spawn: runs a child turn with narrowed rights (the turn provides it). */
  subagents?: SubagentPort;
}

/** What sessions_spawn asks of the turn: one child run, never with more than the parent has. */
export interface SpawnRequest {
  task: string;
  /** `require`: refuse unless the child's commands would run in a working sandbox. */
  sandbox: 'require' | 'inherit';
  /** `delete`: the child's workspace copy and transcript are removed when it ends. */
  cleanup: 'delete' | 'keep';
  /** Tools asked for; the child gets only those the parent also has. Absent: the parent's. */
  tools?: string[];
  label?: string;
  timeoutMs?: number;
}

export interface SpawnResult {
  sessionKey: string;
  reply: string;
  stopReason: string;
  error?: string;
  steps: number;
  tools: string[];
  /** The untrusted content the child's session held at its end (inherited or its own), if any. */
  taintedBy: string | null;
  kept: boolean;
}

export interface SubagentPort {
  spawn(request: SpawnRequest, signal: AbortSignal): Promise<SpawnResult>;
}

/**
 * Provenance of workspace files: write and edit report what they wrote; read and grep ask
 * whether a file's text is vouched for — the owner lists it in trustedFiles, or it is exactly
 * what a session holding no untrusted content wrote — and then it is not untrusted.
 */
export interface FilePort {
  /**
   * `path` is workspace-relative as safe-fs names it. `before`: for an edit, the text it changed;
   * content kept from a file that was not vouched for keeps it untrusted.
   */
  wrote(path: string, content: string, before?: string): void;
  /** Whether this file could be vouched for at all (a cheap check before reading it whole). */
  mayVouch(path: string): boolean;
  vouchedFor(path: string, text: string): boolean;
}

/** What the memory tools need from hardshell, beyond the workspace files. */
export interface MemoryPort {
  /** Records an entry with the session's provenance; a quarantined one must not be written to the file. */
  record(file: string, content: string): { id: number; status: 'written' | 'quarantined'; taintedBy: string | null };
  /** hardshell wrote this file itself: remember its fingerprint, so the change is not held back. */
  wrote(file: string, content: string): void;
  /** Whether hardshell wrote (or the owner accepted) the file exactly as it is now. */
  vouchedFor(file: string, content: string): boolean;
  /** True when the text holds a secret: such an entry is refused. */
  containsSecret(text: string): boolean;
}

/** What the message tool needs: the chat channels' outbox (channels/manager.ts sendAs). */
export interface MessagePort {
  /**
   * Sends text to `<channel>:<id>` as agentId, if the access policy lists that chat for the
   * agent; a refusal resolves with its reason, a platform failure rejects.
   */
  send(agentId: string, to: string, text: string): Promise<{ ok: true; rule: string } | { ok: false; reason: string }>;
}

export interface ToolResult {
  /** false when the tool ran but failed; the text then says why, for the model to read. */
  ok: boolean;
  /** What the model is shown. */
  output: string;
  /** For this run only: the output is untrusted content from this source (see ToolDef.untrustedSource). */
  untrusted?: string;
  /** For this run only: the content is vouched for (e.g. a file a clean session wrote), so not untrusted. */
  trusted?: boolean;
}

export interface ToolDef<Schema extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  /** zod schema of the arguments; also turned into the JSON Schema the model is offered. */
  input: Schema;
  /** Whether a call changes state or talks to the outside world (read by the rule of two). */
  sideEffect: boolean;
  /** For tools where it depends on the call: overrides `sideEffect` for these (validated) arguments. */
  sideEffectOf?(args: z.output<Schema>): boolean;
  /**
   * Where the content this call returns comes from, when it is not the tool's own words:
   * `file:<path>` for file contents, `web:<url>` for pages, `tool:<name>` for program output.
   * Such output is untrusted: it may carry instructions written by an attacker. Tools whose
   * output is only their own report (`wrote 12 bytes`) leave this out.
   */
  untrustedSource?(args: z.output<Schema>): string;
  run(args: z.output<Schema>, ctx: ToolContext): Promise<ToolResult>;
}

/** A failure the model (and the user) should read as a plain sentence, not a stack trace. */
export class ToolError extends Error {
  override name = 'ToolError';
}
