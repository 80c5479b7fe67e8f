// The gateway's HTTP routes and the checks in front of them, in the order they apply:
// headers → body ceiling → the gate (IP rules, bans, rate limits, Origin, authentication;
// see gate.ts) → route. /healthz, /readyz, CORS preflights and the login skip authentication
// by name, not by route order.
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { ApiError, errorBody } from './errors.ts';
import { declaresTooMuch, tooLarge } from './body.ts';
import { allows, type Need } from './auth.ts';
import { chatCompletions } from './chat-completions.ts';
import { listSessions, SessionListCache, showSession } from './sessions-api.ts';
import { listApprovals, answerApproval } from './approvals-api.ts';
import { login, logout } from './browser-login.ts';
import { runChecks } from './health.ts';
import { CSRF_HEADER, type AuthNeed } from './gate.ts';
import type { EdgeContext, EdgeEnv } from './context.ts';
import { hookRoutes, mountHooks } from './hooks.ts';

/** API responses are JSON, never a page: nothing may load, run, frame or submit from them. */
const CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const NO_AUTH = new Set(['GET /healthz', 'HEAD /healthz', 'POST /v1/auth/login']);
const OPTIONAL_AUTH = new Set(['GET /readyz', 'HEAD /readyz']);

export function buildApp(edge: EdgeContext): Hono<EdgeEnv> {
  const app = new Hono<EdgeEnv>();

  app.use('*', securityHeaders(edge));
  app.use('*', async (c, next) => {
    // A declared oversized body is refused before anything else reads from the socket.
    if (declaresTooMuch(c.req.header('content-length'), edge.maxBodyBytes)) throw tooLarge(edge.maxBodyBytes);
    await next();
  });
  // Channel endpoints check the platforms' own signatures instead of a token (hooks.ts).
  const hooks = hookRoutes(edge.hooks ?? []);
  app.use('*', async (c, next) => {
    const route = `${c.req.method} ${c.req.path}`;
    const need: AuthNeed = c.req.method === 'OPTIONS' || NO_AUTH.has(route) || hooks.has(route) ? 'none' : OPTIONAL_AUTH.has(route) ? 'optional' : 'required';
    const admitted = edge.gate.admit(c.env.incoming, need);
    c.set('client', admitted.client);
    if (admitted.principal) c.set('principal', admitted.principal);
    await next();
  });

  // CORS preflight: answered only for origins listed in gateway.cors.origins.
  app.options('*', (c) => {
    const origin = edge.origins.corsOrigin(c.req.header('origin'));
    if (!origin) throw new ApiError(403, 'forbidden', 'cross-origin requests are not accepted: the origin is not in gateway.cors.origins');
    return c.body(null, 204, {
      'Access-Control-Allow-Methods': 'GET, POST',
      'Access-Control-Allow-Headers': `authorization, content-type, x-api-key, x-hardshell-session, ${CSRF_HEADER}`,
      'Access-Control-Max-Age': '600',
    });
  });

  // Liveness only: no version, no agent names, no auth.
  app.get('/healthz', (c) => c.json({ ok: true }));
  // Readiness: ok/not for anyone, the details only for an authenticated caller.
  app.get('/readyz', async (c) => {
    const report = await runChecks(edge.readiness);
    const body = c.get('principal') ? report : { ok: report.ok };
    return c.json(body, report.ok ? 200 : 503);
  });

  mountHooks(app, edge.hooks ?? []);
  app.post('/v1/auth/login', (c) => login(c, edge));
  app.post('/v1/auth/logout', (c) => logout(c, edge));

  app.post('/v1/chat/completions', (c) => {
    need(c, 'chat');
    return chatCompletions(c, edge);
  });
  const sessionList = new SessionListCache(edge.sessions);
  app.get('/v1/sessions', (c) => {
    need(c, 'read');
    return listSessions(c, sessionList);
  });
  app.get('/v1/sessions/:id', (c) => {
    need(c, 'read');
    return showSession(c, edge);
  });
  app.get('/v1/approvals', (c) => {
    needOperator(c);
    return listApprovals(c, edge);
  });
  app.post('/v1/approvals/:id', (c) => {
    needOperator(c);
    return answerApproval(c, edge);
  });

  app.notFound((c) => c.json(errorBody('not_found', `no such endpoint: ${c.req.method} ${c.req.path}`), 404));
  app.onError((err, c) => {
    if (err instanceof ApiError) return c.json(errorBody(err.type, err.message), err.status, err.headers);
    edge.log({ level: 'error', msg: 'request failed', method: c.req.method, path: c.req.path, error: err.message, stack: err.stack });
    return c.json(errorBody('server_error', 'something went wrong inside hardshell; the gateway log has the details'), 500);
  });
  return app;
}

function securityHeaders(edge: EdgeContext): MiddlewareHandler<EdgeEnv> {
  return async (c, next) => {
    await next();
    const h = c.res.headers;
    h.set('X-Content-Type-Options', 'nosniff');
    h.set('Referrer-Policy', 'no-referrer');
    h.set('X-Frame-Options', 'DENY');
    h.set('Cache-Control', 'no-store');
    h.set('Content-Security-Policy', CSP);
    h.set('Cross-Origin-Resource-Policy', 'same-origin');
    if (edge.tls) h.set('Strict-Transport-Security', 'max-age=31536000');
    const cors = edge.origins.corsOrigin(c.req.header('origin'));
    if (cors) {
      h.set('Access-Control-Allow-Origin', cors);
      h.append('Vary', 'Origin');
    }
  };
}

/** Approving runs commands: only an operator token may see or answer approval requests. */
function needOperator(c: Context<EdgeEnv>): void {
  const principal = c.get('principal');
  if (!principal.scopes.includes('operator')) {
    throw new ApiError(403, 'forbidden', `the token "${principal.name}" has scopes [${principal.scopes.join(', ')}], and approvals need "operator"`);
  }
}

function need(c: Context<EdgeEnv>, what: Need): void {
  const principal = c.get('principal');
  if (!allows(principal, what)) {
    throw new ApiError(403, 'forbidden', `the token "${principal.name}" has scopes [${principal.scopes.join(', ')}], and this endpoint needs "${what}" (or "operator")`);
  }
}
