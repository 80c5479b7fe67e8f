// What the gateway's request handlers share, built once at start.
import type { Config } from '../config/schema.ts';
import type { AgentRunner } from '../agent/events.ts';
import type { Sessions } from '../sessions/store.ts';
import type { Store } from '../store/db.ts';
import type { Authenticator, Principal } from './auth.ts';
import type { TurnTracker } from './turns.ts';
import type { EdgeGate } from './gate.ts';
import type { OriginPolicy } from './origin.ts';
import type { BrowserSessions } from './browser-sessions.ts';
import type { ClientAddress } from './client.ts';
import type { ReadinessCheck } from './health.ts';
import type { HttpBindings } from '@hono/node-server';
import type { PublicHook } from './hooks.ts';
import type { ApprovalStore } from '../approvals/store.ts';

export interface EdgeContext {
  config: Config;
  runner: AgentRunner;
  sessions: Sessions;
  store: Store;
  auth: Authenticator;
  gate: EdgeGate;
  origins: OriginPolicy;
  browserSessions: BrowserSessions;
  turns: TurnTracker;
  /** True when the gateway serves HTTPS/WSS. */
  tls: boolean;
  maxBodyBytes: number;
  readiness: ReadinessCheck[];
  log: (line: Record<string, unknown>) => void;
  /** Pending approval requests, answered through /v1/approvals (operator scope). */
  approvals?: Pick<ApprovalStore, 'list' | 'answer'>;
  /** Endpoints chat platforms call, which authenticate by the platform's signature (hooks.ts). */
  hooks?: readonly PublicHook[];
}

/** Hono's per-request variables. */
export interface EdgeEnv {
  Bindings: HttpBindings;
  Variables: { principal: Principal; client: ClientAddress };
}
