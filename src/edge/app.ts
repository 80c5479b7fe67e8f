// The gateway's HTTP routes and the checks in front of them, in the order they apply:
// headers → body ceiling → (edge work adds here: IP rules, bans, rate limits, Origin) →
// authentication → route. Each check is one middleware so the edge work can slot in beside.
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { ApiError, errorBody } from './errors.ts';
import { declaresTooMuch, tooLarge } from './body.ts';
import { allows, type Need } from './auth.ts';
import { chatCompletions } from './chat-completions.ts';
import { listSessions, showSession } from './sessions-api.ts';
import type { EdgeContext, EdgeEnv } from './context.ts';

export function buildApp(edge: EdgeContext): Hono<EdgeEnv> {
  const app = new Hono<EdgeEnv>();

  app.use('*', securityHeaders);
  app.use('*', async (c, next) => {
    // A declared oversized body is refused before anything else reads from the socket.
    if (declaresTooMuch(c.req.header('content-length'), edge.maxBodyBytes)) throw tooLarge(edge.maxBodyBytes);
    await next();
  });

  // Liveness only: no version, no agent names, no auth.
  app.get('/healthz', (c) => c.json({ ok: true }));

  app.use('*', authenticate(edge));

  app.post('/v1/chat/completions', (c) => {
    need(c, 'chat');
    return chatCompletions(c, edge);
  });
  app.get('/v1/sessions', (c) => {
    need(c, 'read');
    return listSessions(c, edge);
  });
  app.get('/v1/sessions/:id', (c) => {
    need(c, 'read');
    return showSession(c, edge);
  });

  app.notFound((c) => c.json(errorBody('not_found', `no such endpoint: ${c.req.method} ${c.req.path}`), 404));
  app.onError((err, c) => {
    if (err instanceof ApiError) {
      const headers: Record<string, string> = err.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
      return c.json(errorBody(err.type, err.message), err.status, headers);
    }
    edge.log({ level: 'error', msg: 'request failed', method: c.req.method, path: c.req.path, error: err.message, stack: err.stack });
    return c.json(errorBody('server_error', 'something went wrong inside hardshell; the gateway log has the details'), 500);
  });
  return app;
}

const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  const h = c.res.headers;
  h.set('X-Content-Type-Options', 'nosniff');
  h.set('Referrer-Policy', 'no-referrer');
  h.set('X-Frame-Options', 'DENY');
  h.set('Cache-Control', 'no-store');
};

// Public paths skip authentication explicitly, not by route order.
const PUBLIC = new Set(['GET /healthz', 'HEAD /healthz']);

function authenticate(edge: EdgeContext): MiddlewareHandler<EdgeEnv> {
  return async (c, next) => {
    if (PUBLIC.has(`${c.req.method} ${c.req.path}`)) return next();
    const result = edge.auth.check({
      authorization: c.req.header('authorization'),
      apiKey: c.req.header('x-api-key'),
      url: c.req.url,
    });
    if (!result.ok) {
      // The edge work hooks brute-force counting and bans here.
      edge.log({ level: 'warn', msg: 'request refused: not authenticated', reason: result.reason, path: c.req.path, ip: c.env?.incoming?.socket?.remoteAddress });
      throw new ApiError(401, 'unauthorized', result.message);
    }
    c.set('principal', result.principal);
    await next();
  };
}

function need(c: Context<EdgeEnv>, what: Need): void {
  const principal = c.get('principal');
  if (!allows(principal, what)) {
    throw new ApiError(403, 'forbidden', `the token "${principal.name}" has scopes [${principal.scopes.join(', ')}], and this endpoint needs "${what}" (or "operator")`);
  }
}
