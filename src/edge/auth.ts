// Who is calling: a bearer token (from the token store or the config) or, in apiKey mode,
// the configured key. The presented value is hashed once and compared in constant time with
// every known hash, so neither the answer's timing nor its content says which one was close.
import { hashToken, sameDigest, type Scope, type TokenStore } from './tokens.ts';
import type { Credential, CredentialSource } from './credentials.ts';

export interface Principal {
  name: string;
  scopes: readonly Scope[];
  via: CredentialSource;
}

export interface PresentedCredentials {
  authorization?: string | null;
  /** The X-API-Key header; consulted only in apiKey mode. */
  apiKey?: string | null;
  /** The request target (path and query), to spot a token put in the URL. */
  url?: string;
}

export type AuthFailure = 'missing' | 'malformed' | 'invalid' | 'query';

export type AuthResult = { ok: true; principal: Principal; hash: string } | { ok: false; reason: AuthFailure; message: string };

const MESSAGES: Record<AuthFailure, string> = {
  missing: 'this endpoint needs a gateway token: send it as "Authorization: Bearer <token>" ("hardshell init" makes one)',
  malformed: 'the Authorization header must read "Bearer <token>"',
  invalid: 'the token was not accepted: it is unknown, revoked or expired',
  query: 'tokens are not accepted in the URL query string, where they end up in logs and browser history; send "Authorization: Bearer <token>" instead',
};

/** Query parameters that look like someone put a credential in the URL. */
const QUERY_CREDENTIAL = /[?&](?:token|access_token|api_key|apikey|api-key|key|auth|authorization|bearer)=/i;

export class Authenticator {
  /** The config's credentials, their hashes turned into bytes once. */
  private readonly configured: Array<Credential & { digest: Buffer }>;
  private readonly tokens: TokenStore;
  private readonly acceptApiKeyHeader: boolean;

  constructor(configured: Credential[], tokens: TokenStore, acceptApiKeyHeader: boolean) {
    this.configured = configured.map((c) => ({ ...c, digest: Buffer.from(c.sha256, 'hex') }));
    this.tokens = tokens;
    this.acceptApiKeyHeader = acceptApiKeyHeader;
  }

  check(presented: PresentedCredentials, now = Date.now()): AuthResult {
    let value: string | undefined;
    const header = presented.authorization;
    if (header) {
      const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
      if (!m) return fail('malformed');
      value = m[1];
    } else if (this.acceptApiKeyHeader && presented.apiKey) {
      value = presented.apiKey.trim();
    }
    if (!value) return fail(presented.url && QUERY_CREDENTIAL.test(presented.url) ? 'query' : 'missing');

    const hash = hashToken(value);
    const match = this.byHash(hash, now);
    return match ? { ok: true, principal: match, hash } : fail('invalid');
  }

  /** The principal a token hash stands for right now (revoked or expired: undefined). */
  byHash(hash: string, now = Date.now()): Principal | undefined {
    const presented = Buffer.from(hash, 'hex');
    let match: Principal | undefined;
    // Every hash is compared, match or not, so the time taken does not depend on where (or
    // whether) the presented token is in the list.
    for (const c of this.configured) {
      if (sameDigest(presented, c.digest) && (c.expiresAt === null || c.expiresAt > now) && !match) {
        match = { name: c.name, scopes: c.scopes, via: c.via };
      }
    }
    for (const t of this.tokens.authRecords()) {
      // An unreadable expiry date is NaN, and NaN > now is false: it counts as expired.
      if (sameDigest(presented, t.digest) && t.expiresMs > now && !match) {
        match = { name: t.name, scopes: t.scopes, via: 'store' };
      }
    }
    return match;
  }
}

function fail(reason: AuthFailure): AuthResult {
  return { ok: false, reason, message: MESSAGES[reason] };
}

/** What each kind of request needs. `operator` may do everything; `chat` includes `read`. */
export type Need = 'read' | 'chat';

export function allows(principal: Principal, need: Need): boolean {
  const s = principal.scopes;
  if (s.includes('operator')) return true;
  if (need === 'chat') return s.includes('chat');
  return s.includes('chat') || s.includes('read');
}
