// Where an agent may send a message on its own (the `message` tool): only to chats the access
// policy already lists for that agent — the channel's owner, dm.allowFrom, groups.allowFrom.
// Paired senders, open DMs and anything the model makes up are refused: pairing lets someone
// talk to the agent, it does not let the agent reach out to them. Pure: config in, decision
// out; the rule of two (a tainted session needs a person first) is policy's part.
import type { Config, ChannelName } from '../config/schema.ts';
import { CHANNEL_NAMES } from '../config/schema.ts';
import { effectiveAgent } from '../config/agents.ts';
import { listed, normaliseId } from './identity.ts';

export type TargetDecision =
  | { ok: true; channel: ChannelName; chatId: string; rule: string }
  | { ok: false; reason: string };

/** Decides whether agentId may send to `to` (e.g. `telegram:12345`, `slack:C0123`). */
export function decideTarget(config: Config, agentId: string, home: string, to: string): TargetDecision {
  const target = normaliseId(to);
  const colon = target.indexOf(':');
  const channel = target.slice(0, colon) as ChannelName;
  const id = target.slice(colon + 1);
  if (colon <= 0 || !CHANNEL_NAMES.includes(channel) || id === '') {
    return { ok: false, reason: `"${to}" is not a chat: write <channel>:<id>, e.g. telegram:12345 (channels: ${CHANNEL_NAMES.join(', ')})` };
  }
  if (!config.channels[channel].enabled) return { ok: false, reason: `the ${channel} channel is not enabled (channels.${channel}.enabled)` };
  if (channel === 'webhook') return { ok: false, reason: 'the webhook channel only answers the requests it receives; it cannot send on its own' };
  const agent = effectiveAgent(config, agentId, home);
  // People: the owner always; dm.allowFrom unless DMs are off.
  const people: Array<[string, readonly string[] | undefined]> = [
    [`channels.${channel}.owner`, config.channels[channel].owner],
    ['dm.allowFrom', agent.dm?.policy === 'disabled' ? [] : agent.dm?.allowFrom],
  ];
  for (const [rule, list] of people) {
    if (listed(target, list)) return toPerson(channel, id, rule, to);
  }
  // Chats: listed as `<channel>:<id>` or as the bare id, the two forms access.ts accepts.
  const groups = agent.groups?.policy === 'allowlist' ? agent.groups.allowFrom ?? [] : [];
  const bare = groups.filter((entry) => !normaliseId(entry).includes(':'));
  if (listed(target, groups) || listed(id, bare)) return { ok: true, channel, chatId: id, rule: 'groups.allowFrom' };
  return { ok: false, reason: `${to} is not a chat the access policy lists for the agent "${agentId}": it may send only to channels.${channel}.owner, dm.allowFrom and groups.allowFrom (a paired sender is not enough)` };
}

/** A listed person's private chat, where hardshell can reach it without asking the platform first. */
function toPerson(channel: ChannelName, id: string, rule: string, to: string): TargetDecision {
  // A Telegram user's private chat with the bot has the user's id.
  if (channel === 'telegram' && /^\d+$/.test(id)) return { ok: true, channel, chatId: id, rule };
  const how = channel === 'slack' ? 'Slack\'s conversations.open' : channel === 'discord' ? 'Discord\'s POST /users/@me/channels' : 'a private chat id';
  return { ok: false, reason: `${to} is listed (${rule}), but hardshell cannot open a private ${channel} chat on its own yet (that needs ${how}); list a channel in groups.allowFrom to send there instead` };
}
