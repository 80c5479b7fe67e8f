// POST /v1/auth/login turns a token into the web page's session cookie; POST /v1/auth/logout
// ends it. The token travels once, in the body of a same-origin POST, never in a URL.
import type { Context } from 'hono';
import { z } from 'zod';
import { readJsonLimited } from './body.ts';
import { parseOrThrow } from './validate.ts';
import { readCookie, setCookieHeader, SESSION_TTL_MS } from './browser-sessions.ts';
import type { EdgeContext, EdgeEnv } from './context.ts';

const loginSchema = z.strictObject({ token: z.string().min(1).max(4096) });

export async function login(c: Context<EdgeEnv>, edge: EdgeContext): Promise<Response> {
  const body = parseOrThrow(loginSchema, await readJsonLimited(c.req.raw, 16 * 1024), 'the login request is not valid');
  const { principal, hash } = edge.gate.login(c.get('client'), body.token);
  const { cookie, csrf } = edge.browserSessions.create(principal, hash);
  c.header('Set-Cookie', setCookieHeader(edge.gate.sessionCookie, cookie, edge.tls, SESSION_TTL_MS / 1000));
  return c.json({ name: principal.name, scopes: principal.scopes, csrfToken: csrf, expiresInSeconds: SESSION_TTL_MS / 1000 });
}

export function logout(c: Context<EdgeEnv>, edge: EdgeContext): Response {
  const cookie = readCookie(c.req.header('cookie'), edge.gate.sessionCookie);
  if (cookie) edge.browserSessions.delete(cookie);
  c.header('Set-Cookie', setCookieHeader(edge.gate.sessionCookie, '', edge.tls, 0));
  return c.json({ ok: true });
}
