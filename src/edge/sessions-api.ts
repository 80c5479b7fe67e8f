// GET /v1/sessions and GET /v1/sessions/:id: the stored conversations, read-only.
import type { Context } from 'hono';
import { ApiError } from './errors.ts';
import type { EdgeContext } from './context.ts';

const MAX_LIMIT = 1000;

export function listSessions(c: Context, edge: EdgeContext): Response {
  const raw = c.req.query('limit');
  let limit = 100;
  if (raw !== undefined) {
    limit = Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new ApiError(400, 'invalid_request_error', `"limit" must be a whole number from 1 to ${MAX_LIMIT}, got "${raw}"`);
    }
  }
  return c.json({ sessions: edge.sessions.list(limit) });
}

/** One session, by id (or by key), with its transcript. */
export function showSession(c: Context, edge: EdgeContext): Response {
  const id = c.req.param('id') ?? '';
  const session = edge.sessions.get(id);
  if (!session) throw new ApiError(404, 'not_found', `there is no session "${id}"; GET /v1/sessions lists them`);
  return c.json({ session, items: edge.sessions.items(session.id) });
}
