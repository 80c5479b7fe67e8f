// GET /v1/sessions and GET /v1/sessions/:id: the stored conversations, read-only.
import type { Context } from 'hono';
import { ApiError } from './errors.ts';
import type { EdgeContext } from './context.ts';
import type { Sessions } from '../sessions/store.ts';
import { storeChanges, type StoreChanges } from '../store/changes.ts';

const MAX_LIMIT = 1000;
/** How many different `limit`s keep their answer (each up to MAX_LIMIT sessions of JSON). */
const KEPT_LIMITS = 4;

/**
 * The list's JSON, made once and kept until the store changes. Every caller allowed to list
 * gets the same list, and it is asked for on every API call, while sessions change only when
 * a turn (in this process or another) writes: building it is a SELECT of up to `limit` rows
 * and a JSON.stringify each time, checking for a change is one question to SQLite.
 */
export class SessionListCache {
  private readonly sessions: Sessions;
  private readonly changes: StoreChanges;
  private version = '';
  private readonly bodies = new Map<number, string>();

  constructor(sessions: Sessions) {
    this.sessions = sessions;
    this.changes = storeChanges(sessions.database);
  }

  json(limit: number): string {
    const version = this.changes.version(); // before the read, never after: see version()
    if (version !== this.version) {
      this.bodies.clear();
      this.version = version;
    }
    let body = this.bodies.get(limit);
    if (body === undefined) {
      body = JSON.stringify({ sessions: this.sessions.list(limit) });
      if (this.bodies.size >= KEPT_LIMITS) this.bodies.delete(this.bodies.keys().next().value as number);
      this.bodies.set(limit, body);
    }
    return body;
  }
}

export function listSessions(c: Context, list: SessionListCache): Response {
  const raw = c.req.query('limit');
  let limit = 100;
  if (raw !== undefined) {
    limit = Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new ApiError(400, 'invalid_request_error', `"limit" must be a whole number from 1 to ${MAX_LIMIT}, got "${raw}"`);
    }
  }
  return c.body(list.json(limit), 200, { 'Content-Type': 'application/json' });
}

/** One session, by id (or by key), with its transcript. */
export function showSession(c: Context, edge: EdgeContext): Response {
  const id = c.req.param('id') ?? '';
  const session = edge.sessions.get(id);
  if (!session) throw new ApiError(404, 'not_found', `there is no session "${id}"; GET /v1/sessions lists them`);
  return c.json({ session, items: edge.sessions.items(session.id) });
}
