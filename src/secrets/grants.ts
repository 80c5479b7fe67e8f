// Grants: a secret reaches an exec command only where tools.exec.secrets names it, and only
// when the command refers to it ($NAME or ${NAME}). It is handed over as an environment
// variable of that one sandboxed process, and while it is there the process's egress is
// narrowed to the secret's own domains (with several secrets: the domains all of them allow).
// The model writes and sees `$NAME`; the value exists only inside the sandbox, and anything
// the process prints comes back through the redactor. Every use is audited.
import type { Config } from '../config/schema.ts';
import type { AuditSink } from '../audit/types.ts';
import { secretProvider } from './providers.ts';

export interface GrantResult {
  /** Environment variables to set in the sandboxed process: NAME → value. */
  env: Record<string, string>;
  /** The granted secrets, by name (the keys of env). */
  names: string[];
  /**
   * When names is not empty: the only domains the process may reach (intersect with the
   * sandbox's own allowlist; empty means no network at all). Null when nothing was granted
   * and egress stays as the sandbox configures it.
   */
  allowedDomains: string[] | null;
  /** Names the command refers to that are configured secrets but not granted to exec. */
  refused: string[];
  /** Granted names whose value could not be had, each with the reason (the command runs without them). */
  missing: { name: string; reason: string }[];
}

export interface GrantContext {
  config: Config;
  env: NodeJS.ProcessEnv;
  /** The state folder (for the encrypted store). */
  home: string;
  audit?: AuditSink;
  /** For the audit event. */
  agentId?: string;
  sessionId?: string;
  callId?: string;
}

/** The names a command refers to as shell variables: $NAME or ${NAME}. */
export function referencedNames(command: string): string[] {
  const found = new Set<string>();
  for (const m of command.matchAll(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:[:}]|[#%/^,~@-])|([A-Za-z_][A-Za-z0-9_]*))/g)) found.add(m[1] ?? m[2]);
  return [...found];
}

/** What an exec of `command` is given: the granted secrets it names, and the egress they allow. */
export function grantsFor(command: string, ctx: GrantContext): GrantResult {
  const grants = ctx.config.tools.exec.secrets ?? {};
  const result: GrantResult = { env: {}, names: [], allowedDomains: null, refused: [], missing: [] };
  const wanted = referencedNames(command);
  if (wanted.length === 0) return result;
  const provider = secretProvider(ctx.config, ctx.env, ctx.home);
  let known: Set<string> | null = null;
  let domains: string[] | null = null;
  for (const name of wanted) {
    const grant = grants[name];
    if (!grant) {
      // $HOME, $PATH, ...: not secrets. A configured secret that is not granted: say so.
      known ??= new Set(safeNames(provider));
      if (known.has(name)) result.refused.push(name);
      continue;
    }
    let value: string | undefined;
    try {
      value = provider.get(name);
    } catch (err) {
      result.missing.push({ name, reason: (err as Error).message });
      continue;
    }
    if (!value) {
      result.missing.push({ name, reason: `the secret "${name}" is not set: ${provider.whereToSet(name)}` });
      continue;
    }
    result.env[name] = value;
    result.names.push(name);
    const own = grant.allowedDomains.map((d) => d.toLowerCase());
    domains = domains === null ? own : domains.filter((d) => own.includes(d));
  }
  result.allowedDomains = domains;
  if (result.names.length > 0 || result.refused.length > 0) {
    ctx.audit?.({
      kind: 'sandbox', action: 'secret_grant', agentId: ctx.agentId, sessionId: ctx.sessionId, callId: ctx.callId, tool: 'exec',
      granted: result.names, refused: result.refused, missing: result.missing.map((m) => m.name), allowedDomains: result.allowedDomains,
    });
  }
  return result;
}

/** Narrows a sandbox's egress allowlist to what the granted secrets allow (exact names). */
export function narrowDomains(sandboxAllowed: readonly string[], granted: GrantResult): string[] {
  if (granted.allowedDomains === null) return [...sandboxAllowed];
  // The secret's own domains are the allowlist while it is present: the sandbox's wider list
  // (which might include a paste site) must not apply, and the grant opens only its domains.
  return [...granted.allowedDomains];
}

function safeNames(provider: ReturnType<typeof secretProvider>): string[] {
  try {
    return provider.names();
  } catch {
    return [];
  }
}
