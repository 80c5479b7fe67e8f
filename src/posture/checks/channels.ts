// Channels: who may send the agent direct messages and in which groups it answers.
import type { Check, FindingDraft } from '../types.ts';
import type { AuditContext } from '../context.ts';
import type { EffectiveAgent } from '../../config/agents.ts';
import { at, isWildcard, dropWildcards } from './util.ts';
import { toolVerdict } from '../../policy/tools.ts';
import { KNOWN_TOOLS } from './tools.ts';

const F = 'channels' as const;

/** The config path of an agent's own setting, or the defaults' when it inherits it. */
function agentPath(ctx: AuditContext, agent: EffectiveAgent, ...rest: string[]): Array<string | number> {
  const list = ctx.cfg().agents.list;
  const i = list.findIndex((a) => a.id === agent.id);
  let own: unknown = i >= 0 ? list[i] : undefined;
  for (const k of rest) own = (own as Record<string, unknown> | undefined)?.[k];
  return own !== undefined ? ['agents', 'list', i, ...rest] : ['agents', 'defaults', ...rest];
}

function perAgent(ctx: AuditContext, test: (a: EffectiveAgent) => FindingDraft | undefined): FindingDraft[] {
  const seen = new Set<string>();
  return ctx.agents().flatMap((a) => {
    const f = test(a);
    if (!f || seen.has(`${f.key}|${f.message}`)) return [];
    seen.add(`${f.key}|${f.message}`);
    return [f];
  });
}

/** Tools that act beyond answering: what a non-owner should not get by default. */
const REACHING_TOOLS = ['exec', 'message', 'browser', 'sessions_spawn'];

/** Where non-owners can talk to this agent on a running channel: 'dm', 'groups', or neither. */
function nonOwnerDoors(ctx: AuditContext, a: EffectiveAgent): Array<'dm' | 'groups'> {
  const on = Object.values(ctx.cfg().channels).some((c) => c.enabled);
  if (!on) return [];
  const dm = a.dm?.policy ?? 'pairing';
  const doors: Array<'dm' | 'groups'> = [];
  if (dm === 'open' || dm === 'pairing' || (dm === 'allowlist' && (a.dm?.allowFrom ?? []).length > 0)) doors.push('dm');
  if (a.groups?.policy === 'allowlist' && (a.groups.allowFrom ?? []).length > 0) doors.push('groups');
  return doors;
}

/** A "*" in the agent's dm or groups allowFrom, with the --fix that drops it. */
function wildcardIn(ctx: AuditContext, a: EffectiveAgent, door: 'dm' | 'groups'): FindingDraft | undefined {
  const list = (door === 'dm' ? a.dm?.allowFrom : a.groups?.allowFrom) ?? [];
  const path = agentPath(ctx, a, door, 'allowFrom');
  return list.some(isWildcard) ? at(ctx, path, `agent "${a.id}": ${door}.allowFrom contains "*"`, dropWildcards(ctx, path, list)) : undefined;
}

export const channelChecks: Check[] = [
  {
    id: 'channels.senders.reaching_tools', family: F, severity: 'low',
    title: 'People other than the owner can make the agent use tools that reach out',
    why: 'A non-owner\'s message is untrusted, so each side effect it leads to asks you first (the rule of two); still, every tool it can trigger is a question you will be asked, and a yes given in a hurry. dm.tools and groups.tools take tools away from non-owners only.',
    fix: 'Narrow what others may make the agent do: e.g. agents.defaults.dm.tools: { deny: ["exec", "message", "browser", "sessions_spawn"] } (and groups.tools likewise).',
    run: (ctx) => perAgent(ctx, (a) => {
      for (const door of nonOwnerDoors(ctx, a)) {
        const rules = door === 'dm' ? a.dm?.tools : a.groups?.tools;
        const trust = rules ? { label: door, ...rules } : undefined;
        const reach = REACHING_TOOLS.filter((t) => toolVerdict(t, ctx.cfg(), a, KNOWN_TOOLS, trust).offered && !(t === 'exec' && rules?.exec === 'deny'));
        if (reach.length > 0) {
          return at(ctx, agentPath(ctx, a, door, 'tools'), `agent "${a.id}": non-owners in ${door === 'dm' ? 'direct messages' : 'groups'} can make it use ${reach.join(', ')}`);
        }
      }
      return undefined;
    }),
  },
  {
    id: 'channels.dm.open', family: F, severity: 'high',
    title: 'Anyone may send the agent direct messages',
    why: 'With dm.policy "open", any stranger who finds the bot can give it instructions (seed 004: lock down DM policies).',
    fix: 'Set dm.policy to "pairing" (new senders need your approval) or "allowlist" with dm.allowFrom.',
    run: (ctx) => perAgent(ctx, (a) => a.dm?.policy === 'open'
      ? at(ctx, agentPath(ctx, a, 'dm', 'policy'), `agent "${a.id}": dm.policy is "open"`) : undefined),
  },
  {
    id: 'channels.dm.wildcard', family: F, severity: 'medium',
    title: 'DM allowlist has a "*" entry, which admits nobody',
    why: 'Senders are matched by their exact id: "*" matches no sender, so it admits nobody (fail closed). If "everyone" was meant, that is dm.policy "open", which anyone could then use to instruct the agent.',
    fix: 'Replace "*" with the senders who may write (e.g. "telegram:123456789").',
    run: (ctx) => perAgent(ctx, (a) => wildcardIn(ctx, a, 'dm')),
  },
  {
    id: 'channels.groups.wildcard', family: F, severity: 'medium',
    title: 'Group allowlist has a "*" entry, which matches no group',
    why: 'Groups are matched by their exact id: "*" matches none (fail closed). An agent that answered in any group it is added to could be instructed by anyone there.',
    fix: 'List the group ids the agent may answer in.',
    run: (ctx) => perAgent(ctx, (a) => wildcardIn(ctx, a, 'groups')),
  },
  {
    id: 'channels.groups.no_mention', family: F, severity: 'low',
    title: 'Agent answers every group message',
    why: 'Without requireMention, every message in a group reaches the model, which widens who can inject instructions.',
    fix: 'Set groups.requireMention to true.',
    run: (ctx) => perAgent(ctx, (a) => a.groups?.requireMention === false && a.groups?.policy !== 'disabled'
      ? at(ctx, agentPath(ctx, a, 'groups', 'requireMention'), `agent "${a.id}": groups.requireMention is false`) : undefined),
  },
  {
    id: 'channels.dm.empty_allowlist', family: F, severity: 'info',
    title: 'DM allowlist is empty: nobody may send direct messages',
    why: 'This is safe (seed 23: an empty whitelist means nobody); listed so it is not a surprise.',
    fix: 'Add senders to dm.allowFrom when someone should be able to write.',
    run: (ctx) => perAgent(ctx, (a) => a.dm?.policy === 'allowlist' && (a.dm.allowFrom ?? []).length === 0
      ? at(ctx, agentPath(ctx, a, 'dm'), `agent "${a.id}": dm.policy is "allowlist" and dm.allowFrom is empty`) : undefined),
  },
  {
    id: 'channels.session.shared_dm_scope', family: F, severity: 'medium',
    title: 'All direct-message senders share one session',
    why: 'With session.dmScope "shared", one sender sees what others told the agent, and one can poison the context for all.',
    fix: 'Set session.dmScope to "per-sender" (the default).',
    run: (ctx) => {
      if (ctx.cfg().session.dmScope === 'shared') return at(ctx, ['session', 'dmScope'], 'session.dmScope is "shared"');
    },
  },
  {
    id: 'channels.dm.allowlist_large', family: F, severity: 'low',
    title: 'Very long DM allowlist',
    why: 'More than 50 allowed senders is hard to review; each one can instruct the agent.',
    fix: 'Prune dm.allowFrom, or give this audience its own agent with fewer tools.',
    run: (ctx) => perAgent(ctx, (a) => (a.dm?.allowFrom ?? []).length > 50
      ? at(ctx, agentPath(ctx, a, 'dm', 'allowFrom'), `agent "${a.id}": dm.allowFrom lists ${a.dm!.allowFrom!.length} senders`) : undefined),
  },
];

export { agentPath, perAgent };
