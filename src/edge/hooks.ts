// Endpoints that chat platforms call (Telegram webhook, Slack Events API, signed webhooks).
// The platforms cannot hold a gateway token, so these skip the token check and authenticate
// each request by the platform's own signature instead; IP rules, bans, rate limits and body
// limits still apply. Only exact POST paths under /hooks/ can be registered.
import type { Hono } from 'hono';
import type { EdgeEnv } from './context.ts';

export interface PublicHook {
  method: 'POST';
  /** An exact path under /hooks/. */
  path: string;
  handle(request: Request): Promise<Response>;
}

/** `POST /hooks/...` for each hook, checked: these are the routes that need no token. */
export function hookRoutes(hooks: readonly PublicHook[]): Set<string> {
  const keys = new Set<string>();
  for (const hook of hooks) {
    if (hook.method !== 'POST' || !/^\/hooks\/[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/.test(hook.path)) {
      throw new Error(`a channel endpoint must be POST to a plain path under /hooks/, got ${hook.method} "${hook.path}"`);
    }
    const key = `${hook.method} ${hook.path}`;
    if (keys.has(key)) throw new Error(`two channel endpoints want ${key}`);
    keys.add(key);
  }
  return keys;
}

/** Registers the hooks' routes; call after the gate middleware so it runs in front of them. */
export function mountHooks(app: Hono<EdgeEnv>, hooks: readonly PublicHook[]): void {
  for (const hook of hooks) app.post(hook.path, (c) => hook.handle(c.req.raw));
}
