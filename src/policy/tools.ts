// Which tools an agent is offered, from the config's layers. Pure: no I/O.
// A tool that is not offered is also refused if the model calls it anyway (decide.ts).
import type { Config, AgentSettings } from '../config/schema.ts';
import type { TrustNarrowing } from './decision.ts';

export type ToolProfile = 'minimal' | 'files' | 'standard' | 'full';

const MINIMAL = ['read', 'grep', 'find'];
const FILES = [...MINIMAL, 'write', 'edit'];
// browser is offered only while browser.mode is "sandboxed" (toolVerdict).
const STANDARD = [...FILES, 'exec', 'memory_search', 'memory_get', 'memory_write', 'web_fetch', 'browser'];

/** The rule that withholds the browser while browser.mode is "off". */
export const BROWSER_OFF_RULE = 'browser.mode=off';

/** The tools each profile names; `full` is every tool hardshell has. */
export function profileTools(profile: ToolProfile, available: readonly string[]): readonly string[] {
  switch (profile) {
    case 'minimal': return MINIMAL;
    case 'files': return FILES;
    case 'standard': return STANDARD;
    case 'full': return available;
  }
}

export interface ToolVerdict {
  offered: boolean;
  /** The config key that decided it (for `policy explain` and audit events). */
  rule: string;
}

type Layer = readonly [rule: string, list: readonly string[] | undefined];

/**
 * The layers in order, each with the config key it comes from: global, agent defaults, the
 * agent's own entry, then trust narrowing. effectiveAgent() replaces lists rather than joining
 * them, so the layers are read from the config itself: an agent's own `deny` cannot undo the
 * defaults' `deny`.
 */
function layers(config: Config, agent: AgentSettings, trust: TrustNarrowing | undefined, which: 'allow' | 'deny'): Layer[] {
  const id = (agent as { id?: string }).id;
  const entry = id === undefined ? undefined : config.agents.list.find((a) => a.id === id);
  const out: Layer[] = [
    [`tools.${which}`, config.tools[which]],
    [`agents.defaults.tools.${which}`, config.agents.defaults.tools?.[which]],
    [`agents.list[${id}].tools.${which}`, entry?.tools?.[which]],
    // Settings handed in without an id (tests, explain on a bare agent) still count.
    ['agents.tools.' + which, id === undefined ? agent.tools?.[which] : undefined],
    [`trust.${which}`, trust?.[which]],
  ];
  return out.filter(([, list]) => list !== undefined);
}

/**
 * Decides, for one tool, whether this agent has it. Any deny removes it (deny always wins);
 * every allow list present must name it; and unless one does, the profile must include it.
 */
export function toolVerdict(tool: string, config: Config, agent: AgentSettings, available: readonly string[], trust?: TrustNarrowing): ToolVerdict {
  if (!available.includes(tool)) return { offered: false, rule: 'unknown-tool' };
  if (tool === 'browser' && config.browser.mode !== 'sandboxed') return { offered: false, rule: BROWSER_OFF_RULE };
  for (const [rule, list] of layers(config, agent, trust, 'deny')) if (list!.includes(tool)) return { offered: false, rule };
  const allows = layers(config, agent, trust, 'allow');
  for (const [rule, list] of allows) if (!list!.includes(tool)) return { offered: false, rule };
  const profile = agent.tools?.profile ?? config.tools.profile;
  if (allows.length === 0 || allows.every(([rule]) => rule === 'trust.allow')) {
    if (!profileTools(profile, available).includes(tool)) return { offered: false, rule: `tools.profile=${profile}` };
    return { offered: true, rule: `tools.profile=${profile}` };
  }
  return { offered: true, rule: allows[allows.length - 1][0] };
}

export function offeredTools(config: Config, agent: AgentSettings, available: readonly string[], trust?: TrustNarrowing): string[] {
  return available.filter((tool) => toolVerdict(tool, config, agent, available, trust).offered);
}
