// Which tools an agent is offered, from the config's layers. Pure: no I/O.
// A tool that is not offered is also refused if the model calls it anyway (decide.ts).
import type { Config, AgentSettings } from '../config/schema.ts';

export type ToolProfile = 'minimal' | 'files' | 'standard' | 'full';

const MINIMAL = ['read', 'grep', 'find'];
const FILES = [...MINIMAL, 'write', 'edit'];
const STANDARD = [...FILES, 'exec', 'memory_search', 'memory_get', 'memory_write', 'web_fetch'];

/** The tools each profile names; `full` is every tool hardshell has. */
export function profileTools(profile: ToolProfile, available: readonly string[]): string[] {
  switch (profile) {
    case 'minimal': return MINIMAL;
    case 'files': return FILES;
    case 'standard': return STANDARD;
    case 'full': return [...available];
  }
}

export interface ToolGrant {
  tool: string;
  /** The config key that decided it (for `policy explain` and audit events). */
  rule: string;
}

export interface ToolVerdict {
  offered: boolean;
  rule: string;
}

/**
 * Decides, for one tool, whether this agent has it. Layers in order: profile, then every
 * allowlist (global, agent defaults, the agent's own) narrows, then any deny removes.
 * Deny always wins.
 */
export function toolVerdict(tool: string, config: Config, agent: AgentSettings, available: readonly string[]): ToolVerdict {
  if (!available.includes(tool)) return { offered: false, rule: 'unknown-tool' };
  const denies: Array<[string, string[] | undefined]> = [
    ['tools.deny', config.tools.deny],
    ['agents.tools.deny', agent.tools?.deny],
  ];
  for (const [rule, list] of denies) if (list?.includes(tool)) return { offered: false, rule };
  const allows: Array<[string, string[] | undefined]> = [
    ['tools.allow', config.tools.allow],
    ['agents.tools.allow', agent.tools?.allow],
  ];
  for (const [rule, list] of allows) if (list && !list.includes(tool)) return { offered: false, rule };
  const profile = agent.tools?.profile ?? config.tools.profile;
  const explicitlyAllowed = allows.some(([, list]) => list?.includes(tool));
  if (!explicitlyAllowed && !profileTools(profile, available).includes(tool)) {
    return { offered: false, rule: `tools.profile=${profile}` };
  }
  return { offered: true, rule: explicitlyAllowed ? 'tools.allow' : `tools.profile=${profile}` };
}

export function offeredTools(config: Config, agent: AgentSettings, available: readonly string[]): string[] {
  return available.filter((tool) => toolVerdict(tool, config, agent, available).offered);
}
