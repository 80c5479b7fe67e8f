// The credentials the config file grants (security.auth.tokens, and security.auth.key in
// apiKey mode), turned once at start into hashes the authenticator compares against. Plain
// values are hashed here and not kept; a value that cannot be resolved is skipped (fail
// closed) with a log line that names the key.
import type { Config } from '../config/schema.ts';
import { resolveSecretRefs } from '../secrets/refs.ts';
import { hashToken, type Scope } from './tokens.ts';

export type CredentialSource = 'store' | 'config' | 'apiKey';

export interface Credential {
  name: string;
  sha256: string;
  scopes: Scope[];
  /** Milliseconds since the epoch; null: never expires. */
  expiresAt: number | null;
  via: CredentialSource;
}

export interface CredentialContext {
  config: Config;
  /** Where `${secret:NAME}` references are looked up. */
  env: NodeJS.ProcessEnv;
  log: (line: Record<string, unknown>) => void;
}

/** Tokens written in the config belong to the owner: they may do everything. */
const OWNER_SCOPES: Scope[] = ['operator'];

export function configCredentials(ctx: CredentialContext): Credential[] {
  const auth = ctx.config.security.auth;
  const found: Credential[] = [];
  auth.tokens.forEach((entry, i) => {
    const where = `security.auth.tokens[${i}]`;
    if (typeof entry === 'string') {
      const value = usableValue(entry, where, ctx);
      if (value) found.push({ name: where, sha256: hashToken(value), scopes: OWNER_SCOPES, expiresAt: null, via: 'config' });
      return;
    }
    let sha256: string | undefined;
    if (entry.value !== undefined) {
      const value = usableValue(entry.value, `${where}.value`, ctx);
      if (value) sha256 = hashToken(value);
    } else if (entry.sha256 !== undefined) {
      sha256 = entry.sha256;
    } else {
      ctx.log({ level: 'warn', msg: `${where} ("${entry.name}") has neither "value" nor "sha256", so it grants nothing` });
    }
    if (!sha256) return;
    let expiresAt: number | null = null;
    if (entry.expires !== undefined) {
      expiresAt = Date.parse(entry.expires);
      if (Number.isNaN(expiresAt)) {
        ctx.log({ level: 'warn', msg: `${where}.expires ("${entry.expires}") is not a date (use ISO 8601, e.g. 2026-12-31T00:00:00Z); the token "${entry.name}" is not accepted until it is fixed` });
        return;
      }
    }
    found.push({ name: entry.name, sha256, scopes: entry.scopes ?? OWNER_SCOPES, expiresAt, via: 'config' });
  });

  if (auth.type === 'apiKey') {
    const value = auth.key === undefined ? undefined : usableValue(auth.key, 'security.auth.key', ctx);
    if (value) found.push({ name: 'security.auth.key', sha256: hashToken(value), scopes: OWNER_SCOPES, expiresAt: null, via: 'apiKey' });
    else if (auth.key === undefined) ctx.log({ level: 'warn', msg: 'security.auth.type is "apiKey" but security.auth.key is not set, so no API key is accepted' });
  }
  return found;
}

function usableValue(raw: string, where: string, ctx: CredentialContext): string | undefined {
  let value: string;
  try {
    // Also turns the `$${secret:...}` escape into its literal text.
    value = resolveSecretRefs(raw, ctx.config, ctx.env);
  } catch (err) {
    ctx.log({ level: 'warn', msg: `${where}: ${(err as Error).message}; until then this credential is not accepted` });
    return undefined;
  }
  if (value.trim() === '') {
    ctx.log({ level: 'warn', msg: `${where} is empty; it grants nothing` });
    return undefined;
  }
  return value;
}
