// Who may talk to an agent: a pure decision over one inbound message and the agent's
// settings. Nothing here does I/O; pairing state comes in as `approved`, so the same inputs
// always give the same answer. Anything not explicitly allowed is dropped (fail closed).
import type { AgentSettings } from '../config/schema.ts';
import type { InboundMessage } from './types.ts';
import type { TurnRequest } from '../agent/events.ts';
import { listed } from './identity.ts';

export type Provenance = 'owner' | 'user';

export type AccessDecision =
  | { action: 'accept'; provenance: Provenance; rule: string }
  | { action: 'drop'; reason: string; rule: string }
  | { action: 'pair'; rule: string };

export interface AccessInput {
  message: InboundMessage;
  /** The effective agent's dm and groups settings (defaults already merged). */
  agent: Pick<AgentSettings, 'dm' | 'groups'>;
  /** `channels.<name>.owner`: the owner's ids on this channel. */
  owners: readonly string[];
  /** Whether the owner approved this sender through pairing. */
  approved: boolean;
}

export const DEFAULT_DM_POLICY = 'pairing';
export const DEFAULT_GROUP_POLICY = 'disabled';

/**
 * What a non-owner's message may make the agent do: the agent's dm.tools or groups.tools,
 * which can only narrow its own tools. The owner is never narrowed here; with nothing set,
 * a non-owner's message still taints the session, so its side effects ask (the rule of two).
 */
export function senderNarrowing(agent: AgentSettings, message: Pick<InboundMessage, 'channel' | 'chat'>, provenance: 'owner' | 'user'): TurnRequest['trust'] {
  const rules = provenance === 'owner' ? undefined : message.chat === 'group' ? agent.groups?.tools : agent.dm?.tools;
  if (!rules) return undefined;
  return { label: `a non-owner in a ${message.channel} ${message.chat === 'group' ? 'group' : 'DM'}`, ...rules };
}

export function decideAccess(input: AccessInput): AccessDecision {
  const { message, agent, owners } = input;
  return message.chat === 'group' ? decideGroup(input) : decideDm(input, agent.dm?.policy ?? DEFAULT_DM_POLICY, listed(message.sender, owners));
}

function decideDm(input: AccessInput, policy: string, isOwner: boolean): AccessDecision {
  const allowFrom = input.agent.dm?.allowFrom;
  if (policy === 'disabled') return drop('direct messages are turned off (dm.policy = "disabled")', 'dm.policy');
  // The owner is named in the same file as the policy, so the owner never needs listing twice.
  if (isOwner) return { action: 'accept', provenance: 'owner', rule: `channels.${input.message.channel}.owner` };
  switch (policy) {
    case 'open':
      return { action: 'accept', provenance: 'user', rule: 'dm.policy = "open"' };
    case 'allowlist':
      // An empty list means nobody (seed 23): never "no list, so everyone".
      return listed(input.message.sender, allowFrom)
        ? { action: 'accept', provenance: 'user', rule: 'dm.allowFrom' }
        : drop(`${input.message.sender} is not in dm.allowFrom`, 'dm.allowFrom');
    case 'pairing':
      if (listed(input.message.sender, allowFrom)) return { action: 'accept', provenance: 'user', rule: 'dm.allowFrom' };
      if (input.approved) return { action: 'accept', provenance: 'user', rule: 'pairing' };
      return { action: 'pair', rule: 'dm.policy = "pairing"' };
    default:
      return drop(`unknown dm.policy "${policy}"`, 'dm.policy');
  }
}

function decideGroup(input: AccessInput): AccessDecision {
  const { message, agent, owners } = input;
  const policy = agent.groups?.policy ?? DEFAULT_GROUP_POLICY;
  if (policy !== 'allowlist') return drop('the agent does not answer in groups (groups.policy = "disabled")', 'groups.policy');
  // Groups may be listed as `<channel>:<chat id>` or as the bare id the platform uses (seed 10).
  const groups = agent.groups?.allowFrom;
  if (!listed(`${message.channel}:${message.chatId}`, groups) && !listed(message.chatId, groups)) return drop(`the group ${message.chatId} is not in groups.allowFrom`, 'groups.allowFrom');
  if ((agent.groups?.requireMention ?? true) && !message.mentionsAgent) return drop('the message does not mention the agent (groups.requireMention)', 'groups.requireMention');
  return listed(message.sender, owners)
    ? { action: 'accept', provenance: 'owner', rule: `channels.${message.channel}.owner` }
    : { action: 'accept', provenance: 'user', rule: 'groups.allowFrom' };
}

const drop = (reason: string, rule: string): AccessDecision => ({ action: 'drop', reason, rule });
