// tools.elevated: tools that may run outside the sandbox. Listing a tool makes every call to it
// that policy does not deny ask a person, under this rule (decide.ts). For exec — the one tool
// for which "outside the sandbox" means something — a call asked about under this rule and
// approved runs on the host; for every other tool being listed only makes it ask. Pure: no I/O.
import type { Config, AgentSettings } from '../config/schema.ts';

/** The rule decide() gives an elevated call; the runner and the approval view key on it. */
export const ELEVATED_RULE = 'tools.elevated';

/**
 * Whether `tool` is elevated for this agent: tools.elevated names it, and so does every
 * narrower list present (agents.defaults.tools.elevated, agents.list[].tools.elevated). An
 * agent's list can only take away: the global list, empty by default, is the most there is.
 */
export function isElevated(tool: string, config: Config, agent: AgentSettings): boolean {
  const id = (agent as { id?: string }).id;
  const entry = id === undefined ? undefined : config.agents.list.find((a) => a.id === id);
  const lists = [config.tools.elevated, config.agents.defaults.tools?.elevated, entry?.tools?.elevated,
    // Settings handed in without an id (tests, explain on a bare agent) still count.
    id === undefined ? agent.tools?.elevated : undefined];
  return lists.every((list) => list === undefined || list.includes(tool));
}

/**
 * Whether a call asked about under `rule` runs on the host once a person approves it: only
 * exec, and only when its decision came from tools.elevated (which every exec call policy does
 * not deny gets, once exec is elevated for the agent). Any other call runs where it always does.
 */
export function runsOnHostWhenApproved(tool: string, rule: string): boolean {
  return tool === 'exec' && rule === ELEVATED_RULE;
}
