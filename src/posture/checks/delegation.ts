// Tools that act beyond the conversation: `message` (the agent writes to a chat on its own) and
// `sessions_spawn` (it starts sub-agents). Neither is in a built-in profile below "full", so
// each is offered only because someone listed it or chose "full"; these checks say which line
// did, and whether the sub-agent limits were loosened past what a person can follow.
import type { Check, FindingDraft } from '../types.ts';
import type { AuditContext } from '../context.ts';
import type { EffectiveAgent } from '../../config/agents.ts';
import { toolVerdict } from '../../policy/tools.ts';
import { at } from './util.ts';
import { agentPath, perAgent } from './channels.ts';
import { KNOWN_TOOLS } from './tools.ts';

const F = 'tools' as const;

/** Whether the agent is offered `tool`, and the config line that offers it (for the finding's key). */
function offeredBy(ctx: AuditContext, a: EffectiveAgent, tool: string): { rule: string; path: Array<string | number> } | undefined {
  const v = toolVerdict(tool, ctx.cfg(), a, KNOWN_TOOLS);
  if (!v.offered) return undefined;
  if (v.rule.startsWith('tools.profile=')) {
    return { rule: `tools.profile "${v.rule.slice('tools.profile='.length)}"`, path: a.tools?.profile ? agentPath(ctx, a, 'tools', 'profile') : ['tools', 'profile'] };
  }
  const list = ctx.cfg().agents.list;
  const i = list.findIndex((e) => e.id === a.id);
  const allow = v.rule === 'tools.allow' ? ctx.cfg().tools.allow
    : v.rule === 'agents.defaults.tools.allow' ? ctx.cfg().agents.defaults.tools?.allow : list[i]?.tools?.allow;
  const base = v.rule === 'tools.allow' ? ['tools', 'allow'] : v.rule === 'agents.defaults.tools.allow' ? ['agents', 'defaults', 'tools', 'allow'] : ['agents', 'list', i, 'tools', 'allow'];
  const index = allow?.indexOf(tool) ?? -1;
  return { rule: v.rule, path: index >= 0 ? [...base, index] : base };
}

/** Sub-agents are on for this agent: sessions_spawn offered and maxDepth not 0. */
function spawns(ctx: AuditContext, a: EffectiveAgent): boolean {
  return a.subagents?.maxDepth !== 0 && offeredBy(ctx, a, 'sessions_spawn') !== undefined;
}

/** A sub-agent limit set above `over`, reported only where sub-agents can be started at all. */
function limitCheck(id: string, key: 'maxDepth' | 'maxChildrenPerSession' | 'maxConcurrent', over: number, title: string, why: string, fix: string): Check {
  return {
    id, family: F, severity: 'low', title, why, fix,
    run: (ctx) => perAgent(ctx, (a): FindingDraft | undefined => {
      const value = a.subagents?.[key];
      return value !== undefined && value > over && spawns(ctx, a)
        ? at(ctx, agentPath(ctx, a, 'subagents', key), `agent "${a.id}" may start sub-agents with subagents.${key} ${value} (more than ${over})`) : undefined;
    }),
  };
}

export const delegationChecks: Check[] = [
  {
    id: 'tools.message.offered', family: F, severity: 'low',
    title: 'The agent can send chat messages on its own',
    why: 'message writes to the owner\'s chats and the chats listed in dm.allowFrom and groups.allowFrom, in the bot\'s name, outside the reply to the current conversation. After untrusted content it needs a person (the rule of two), but every listed chat is a place a tricked agent can write to.',
    fix: 'Remove "message" from tools.allow (or leave the "full" profile) unless the agent must send on its own; keep dm.allowFrom and groups.allowFrom to the chats it should reach.',
    run: (ctx) => perAgent(ctx, (a) => {
      const by = offeredBy(ctx, a, 'message');
      return by ? at(ctx, by.path, `agent "${a.id}" is offered message (by ${by.rule})`) : undefined;
    }),
  },
  {
    id: 'tools.message.no_channel', family: F, severity: 'info',
    title: 'message is offered but no chat channel can send',
    why: 'Safe: with no Telegram, Slack or Discord channel enabled, every message call is refused; listed so the refusals are not a surprise.',
    fix: 'Enable a channel (channels.<name>.enabled) when the agent should send, or remove "message" from its tools.',
    run: (ctx) => {
      const c = ctx.cfg().channels;
      if (c.telegram.enabled || c.slack.enabled || c.discord.enabled) return;
      return perAgent(ctx, (a) => {
        const by = offeredBy(ctx, a, 'message');
        return by ? at(ctx, by.path, `agent "${a.id}" is offered message, and no telegram, slack or discord channel is enabled`) : undefined;
      });
    },
  },
  {
    id: 'tools.subagents.offered', family: F, severity: 'low',
    title: 'The agent can start sub-agents',
    why: 'Each sessions_spawn runs another model turn (spending budget) in a copy of the workspace. A child never has more tools than its parent and carries its taint, but a prompt-injected parent can still fan its work out to children.',
    fix: 'Remove "sessions_spawn" from tools.allow (or leave the "full" profile) unless the agent delegates; or set agents.defaults.subagents.maxDepth to 0.',
    run: (ctx) => perAgent(ctx, (a) => {
      const by = spawns(ctx, a) ? offeredBy(ctx, a, 'sessions_spawn') : undefined;
      return by ? at(ctx, by.path, `agent "${a.id}" is offered sessions_spawn (by ${by.rule})`) : undefined;
    }),
  },
  limitCheck('tools.subagents.depth_high', 'maxDepth', 3, 'Sub-agents may nest deeply',
    'Every level multiplies the turns (and the spending) one request can set off, and a chain of children is hard to follow in the audit log.',
    'Keep subagents.maxDepth at 2 (the default) or lower.'),
  limitCheck('tools.subagents.children_high', 'maxChildrenPerSession', 20, 'One session may start many sub-agents',
    'A loop of spawns in one session spends budget and disk (each child copies the workspace) long before anyone notices.',
    'Keep subagents.maxChildrenPerSession at 5 (the default) or a little more.'),
  limitCheck('tools.subagents.concurrency_high', 'maxConcurrent', 4, 'Many sub-agents may run at once',
    'Each running child is a model turn and a sandbox of its own; many at once multiply a runaway and starve the gateway.',
    'Keep subagents.maxConcurrent at 2 (the default) to 4.'),
];
