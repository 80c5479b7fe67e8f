// Everything a command needs to run turns, opened from the state folder, and closed again.
import { mkdirSync } from 'node:fs';
import { loadConfig, type LoadedConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { openStore, type Store } from '../store/db.ts';
import { Sessions } from '../sessions/store.ts';
import { UsageLedger } from '../sessions/usage.ts';
import { MemoryLedger } from '../sessions/memory.ts';
import { TokenStore } from '../edge/tokens.ts';
import { createAgentRunner } from '../agent/runner.ts';
import type { AgentRunner } from '../agent/events.ts';

export interface Runtime {
  loaded: LoadedConfig;
  config: Config;
  home: string;
  store: Store;
  sessions: Sessions;
  tokens: TokenStore;
  runner: AgentRunner;
  close(): void;
}

export function openRuntime(env: NodeJS.ProcessEnv = process.env): Runtime {
  const loaded = loadConfig({ env });
  const { paths, config } = loaded;
  mkdirSync(paths.home, { recursive: true, mode: 0o700 });
  const store = openStore(paths.store);
  const sessions = new Sessions(store);
  const runner = createAgentRunner({ config, home: paths.home, env: loaded.env, sessions, usage: new UsageLedger(store), memory: new MemoryLedger(store) });
  return {
    loaded, config, home: paths.home, store, sessions, tokens: new TokenStore(store), runner,
    close: () => store.close(),
  };
}
