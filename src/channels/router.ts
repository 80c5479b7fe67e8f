// Which agent answers a message, and in which session. Bindings map channel / account / chat
// to an agent, the most specific match winning; by default every sender has a session of
// their own (session.dmScope "per-sender"), so one person never sees another's history.
import type { Config } from '../config/schema.ts';
import { MAIN_AGENT, agentIds } from '../config/agents.ts';
import { ConfigError, type ConfigProblem } from '../config/errors.ts';
import type { InboundMessage } from './types.ts';

export function routeAgent(config: Config, message: Pick<InboundMessage, 'channel' | 'account' | 'chatId'>): string {
  let best: { agentId: string; score: number } | undefined;
  for (const binding of config.bindings) {
    const m = binding.match;
    if (m.channel !== message.channel) continue;
    if (m.account !== undefined && m.account !== message.account) continue;
    if (m.chat !== undefined && m.chat !== message.chatId && m.chat !== `${message.channel}:${message.chatId}`) continue;
    const score = (m.account !== undefined ? 1 : 0) + (m.chat !== undefined ? 2 : 0);
    if (!best || score > best.score) best = { agentId: binding.agentId, score };
  }
  return best?.agentId ?? MAIN_AGENT;
}

/** Bindings that name an agent the config does not define: the channels refuse to start. */
export function bindingProblems(config: Config, file: string): ConfigProblem[] {
  const known = agentIds(config);
  return config.bindings.flatMap((b, i) => known.includes(b.agentId) ? [] : [{
    file, keyPath: `bindings[${i}].agentId`,
    message: `bindings[${i}] sends ${b.match.channel} messages to the agent "${b.agentId}", which does not exist: the agents are ${known.join(', ')}`,
  }]);
}

export function assertBindings(config: Config, file: string): void {
  const problems = bindingProblems(config, file);
  if (problems.length > 0) throw new ConfigError(problems);
}

/** The session key for a message: `telegram:123` for a DM, with the chat added for groups. */
export function sessionKeyFor(config: Config, message: Pick<InboundMessage, 'channel' | 'sender' | 'chat' | 'chatId'>): string {
  const sender = message.sender.startsWith(`${message.channel}:`) ? message.sender : `${message.channel}:${message.sender}`;
  const shared = config.session.dmScope === 'shared';
  if (message.chat === 'group') {
    const group = `${message.channel}:group:${message.chatId}`;
    return shared ? group : `${group}/${sender}`;
  }
  return shared ? `${message.channel}:dm` : sender;
}
