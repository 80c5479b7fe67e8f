// The agents a config defines, and the settings one of them runs with: agents.defaults
// with the agent's own agents.list[] entry laid over it. `main` always exists.
import type { AgentSettings, Config } from './schema.ts';
import { resolveConfigPath, statePaths } from './paths.ts';
import { ConfigError } from './errors.ts';

export const MAIN_AGENT = 'main';

export type EffectiveAgent = AgentSettings & { id: string; name?: string; model?: string; workspace: string };

export function agentIds(config: Config): string[] {
  return [...new Set([MAIN_AGENT, ...config.agents.list.map((a) => a.id)])];
}

/**
 * The settings agentId runs with. Nested settings (tools, sandbox, dm, groups) merge key by
 * key, so an agent that sets only `sandbox.mode` keeps the default `sandbox.scope`; lists
 * are replaced, not joined. The workspace defaults to the state folder's `workspace`.
 */
export function effectiveAgent(config: Config, agentId: string, home: string): EffectiveAgent {
  const entry = config.agents.list.find((a) => a.id === agentId);
  if (!entry && agentId !== MAIN_AGENT) {
    throw new ConfigError({
      file: '', keyPath: 'agents.list',
      message: `there is no agent "${agentId}": the agents are ${agentIds(config).join(', ')} (add it under agents.list in hardshell.json)`,
    });
  }
  const defaults = config.agents.defaults;
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(entry ?? {})) {
    if (value === undefined) continue;
    const base = merged[key];
    merged[key] = isObject(value) && isObject(base) ? { ...base, ...value } : value;
  }
  const settings = merged as AgentSettings & { name?: string };
  const workspace = settings.workspace ? resolveConfigPath(settings.workspace, home) : statePaths(home).workspace;
  return { ...settings, id: agentId, workspace };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
