// What the gateway's request handlers share, built once at start.
import type { Config } from '../config/schema.ts';
import type { AgentRunner } from '../agent/events.ts';
import type { Sessions } from '../sessions/store.ts';
import type { Authenticator, Principal } from './auth.ts';
import type { TurnTracker } from './turns.ts';
import type { HttpBindings } from '@hono/node-server';

export interface EdgeContext {
  config: Config;
  runner: AgentRunner;
  sessions: Sessions;
  auth: Authenticator;
  turns: TurnTracker;
  maxBodyBytes: number;
  log: (line: Record<string, unknown>) => void;
}

/** Hono's per-request variables. */
export interface EdgeEnv {
  Bindings: HttpBindings;
  Variables: { principal: Principal };
}
