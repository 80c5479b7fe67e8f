// Tools and exec: what the model can run, where, and with whose approval.
import { matchesGlob } from 'node:path';
import type { Check, FindingDraft } from '../types.ts';
import type { AuditContext } from '../context.ts';
import type { EffectiveAgent } from '../../config/agents.ts';
import { MAIN_AGENT } from '../../config/agents.ts';
import { toolVerdict } from '../../policy/tools.ts';
import { at, isWildcard, dropWildcards } from './util.ts';
import { agentPath, perAgent } from './channels.ts';

const F = 'tools' as const;

/** Every tool name hardshell has or will have; what an agent is offered is policy's answer. */
export const KNOWN_TOOLS = ['read', 'write', 'edit', 'grep', 'find', 'exec', 'memory_search', 'memory_get', 'memory_write', 'web_fetch', 'web_search', 'browser', 'message', 'sessions_spawn'];

export function offers(ctx: AuditContext, agent: EffectiveAgent, tool: string): boolean {
  return toolVerdict(tool, ctx.cfg(), agent, KNOWN_TOOLS).offered;
}

/** Does this agent's exec run outside any sandbox? (mode off, or non-main for the main agent). */
export function unsandboxed(agent: EffectiveAgent): boolean {
  const mode = agent.sandbox?.mode ?? 'all';
  return mode === 'off' || (mode === 'non-main' && agent.id === MAIN_AGENT) || agent.sandbox?.provider === 'none';
}

const execPath: Array<string | number> = ['tools', 'exec'];

const INTERPRETERS = ['sh', 'bash', 'zsh', 'dash', 'ksh', 'fish', 'python', 'python3', 'python2', 'node', 'deno', 'bun', 'perl', 'ruby', 'php', 'lua', 'env', 'xargs', 'sudo', 'su', 'doas', 'eval', 'exec', 'awk', 'gawk', 'find', 'docker', 'podman', 'kubectl', 'ssh', 'nohup', 'timeout', 'nice', 'busybox', 'make', 'npx', 'npm'];
const NETWORK_TOOLS = ['curl', 'wget', 'nc', 'ncat', 'netcat', 'socat', 'scp', 'sftp', 'rsync', 'ftp', 'telnet', 'ssh'];

/**
 * A trustedFiles pattern that matches file names nobody chose, at the top or deep down, vouches
 * for every file there: "*" and "**" do, "notes/**" and "*.md" do not. Read as the runner reads
 * it: relative to the workspace, without a leading "./" or a trailing "/".
 */
function matchesAnyName(pattern: string): boolean {
  const p = pattern.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  return ['zq9x', 'zq9x.zq9x', 'zq9x/zq9x/zq9x.zq9x'].some((name) => matchesGlob(name, p));
}

const base = (cmd: string) => cmd.trim().split(/\s+/)[0].split('/').pop()!.toLowerCase();

export const toolChecks: Check[] = [
  {
    id: 'tools.exec.host_auto', family: F, severity: 'critical',
    title: 'Shell commands run on the host with no approval',
    why: 'The model is untrusted: with exec "auto" and no sandbox, one prompt injection runs any command as you, on this machine.',
    fix: 'Set tools.exec.security to "ask" (the default), and agents.defaults.sandbox.mode to "all".',
    run: (ctx) => {
      if (ctx.cfg().tools.exec.security !== 'auto') return;
      return perAgent(ctx, (a) => offers(ctx, a, 'exec') && unsandboxed(a)
        ? at(ctx, [...execPath, 'security'], `agent "${a.id}" is offered exec with tools.exec.security "auto" and its sandbox mode is "${a.sandbox?.mode ?? 'all'}"${a.sandbox?.provider === 'none' ? ' (provider "none")' : ''}`) : undefined);
    },
  },
  {
    id: 'tools.exec.host_unsandboxed', family: F, severity: 'high',
    title: 'Shell commands run on the host, outside any sandbox',
    why: 'An approved or allowlisted command still runs with your full permissions on the host; a sandbox limits what a mistake or a trick can reach.',
    fix: 'Set agents.defaults.sandbox.mode to "all", or deny exec to agents that run unsandboxed (tools.deny: ["exec"]).',
    run: (ctx) => {
      const sec = ctx.cfg().tools.exec.security;
      if (sec === 'deny' || sec === 'auto') return;
      return perAgent(ctx, (a) => offers(ctx, a, 'exec') && unsandboxed(a)
        ? at(ctx, agentPath(ctx, a, 'sandbox', 'mode'), `agent "${a.id}" is offered exec (tools.exec.security "${sec}") and runs unsandboxed (sandbox mode "${a.sandbox?.mode ?? 'all'}"${a.sandbox?.provider === 'none' ? ', provider "none"' : ''})`) : undefined);
    },
  },
  {
    id: 'tools.exec.auto', family: F, severity: 'high',
    title: 'Shell commands run without approval',
    why: 'Seed 004: "auto" is convenient but risky; a prompt injection can run commands (inside the sandbox) with nobody seeing them.',
    fix: 'Set tools.exec.security to "ask", or to "allowlist" with tools.exec.allowedCommands.',
    run: (ctx) => {
      if (ctx.cfg().tools.exec.security === 'auto' && !ctx.agents().some((a) => offers(ctx, a, 'exec') && unsandboxed(a))) {
        return at(ctx, [...execPath, 'security'], 'tools.exec.security is "auto"');
      }
    },
  },
  {
    id: 'tools.elevated.nonempty', family: F, severity: 'high',
    title: 'Tools allowed to run outside the sandbox',
    why: 'Every call to a tool in tools.elevated asks a person, and an exec command approved under that rule runs on the host, unsandboxed, with the rights of the user the gateway runs as (other tools listed there only ask); seed 23 keeps it empty.',
    fix: 'Set tools.elevated to [] (or narrow it per agent with agents.list[].tools.elevated: []).',
    run: (ctx) => {
      const e = ctx.cfg().tools.elevated;
      if (e.length === 0) return;
      const how = e.includes('exec') ? 'it includes exec, so every command a person approves under it runs on the host, unsandboxed, as the gateway\'s user'
        : 'every call to these tools asks a person; none of them runs outside the sandbox (only exec would)';
      return at(ctx, ['tools', 'elevated'], `tools.elevated is ${JSON.stringify(e)}: ${how}`);
    },
  },
  {
    id: 'tools.profile.full', family: F, severity: 'medium',
    title: 'Agents get every tool',
    why: 'The "full" profile offers every tool, including ones the agent does not need; least privilege says offer only what it uses.',
    fix: 'Use tools.profile "standard" or "files", and add single tools with tools.allow.',
    run: (ctx) => {
      const out: FindingDraft[] = [];
      if (ctx.cfg().tools.profile === 'full') out.push(at(ctx, ['tools', 'profile'], 'tools.profile is "full"'));
      for (const a of ctx.agents()) if (a.tools?.profile === 'full') out.push(at(ctx, agentPath(ctx, a, 'tools', 'profile'), `agent "${a.id}": tools.profile is "full"`));
      return out;
    },
  },
  {
    id: 'tools.exec.denylist_only', family: F, severity: 'medium',
    title: 'Command deny list without allowlist mode',
    why: 'A deny list is easy to walk around (other names, paths, interpreters); only an allowlist fails closed.',
    fix: 'Set tools.exec.security to "allowlist" with tools.exec.allowedCommands, or keep "ask" and read each command.',
    run: (ctx) => {
      const ex = ctx.cfg().tools.exec;
      if (ex.deniedCommands.length > 0 && ex.security !== 'allowlist' && ex.security !== 'deny') {
        return at(ctx, [...execPath, 'deniedCommands'], `tools.exec.deniedCommands is set but tools.exec.security is "${ex.security}"`);
      }
    },
  },
  {
    id: 'tools.exec.allowlist_interpreter', family: F, severity: 'high',
    title: 'Exec allowlist contains an interpreter or launcher',
    why: 'Allowing sh, python, env, xargs, find, sudo and the like allows every command, because they run other commands.',
    fix: 'Remove interpreters and launchers from tools.exec.allowedCommands; allow the specific programs instead.',
    run: (ctx) => ctx.cfg().tools.exec.allowedCommands.flatMap((c, i) => INTERPRETERS.includes(base(c))
      ? [at(ctx, [...execPath, 'allowedCommands', i], `tools.exec.allowedCommands contains "${c}", which can run any other command`)] : []),
  },
  {
    id: 'tools.exec.allowlist_wildcard', family: F, severity: 'medium',
    title: 'Exec allowlist has a wildcard entry, which allows no command',
    why: 'Commands are matched by their exact program name: an entry with "*" matches no program, so it allows nothing (fail closed). If "every command" was meant, that is what hardshell will not do.',
    fix: 'List the commands the agent needs by name (git, ls, …).',
    run: (ctx) => ctx.cfg().tools.exec.allowedCommands.flatMap((c, i, all) => isWildcard(c) || c.includes('*')
      ? [at(ctx, [...execPath, 'allowedCommands', i], `tools.exec.allowedCommands contains "${c}"`, dropWildcards(ctx, [[...execPath, 'allowedCommands'], ['exec', 'allowedCommands']], all, (e) => isWildcard(e) || e.includes('*')))] : []),
  },
  {
    id: 'tools.exec.allowlist_network', family: F, severity: 'medium',
    title: 'Exec allowlist contains network tools',
    why: 'curl, wget, nc and friends are the usual way to send stolen data out.',
    fix: 'Remove them, and give the agent web_fetch with an allowlist instead.',
    run: (ctx) => ctx.cfg().tools.exec.allowedCommands.flatMap((c, i) => NETWORK_TOOLS.includes(base(c)) && !INTERPRETERS.includes(base(c))
      ? [at(ctx, [...execPath, 'allowedCommands', i], `tools.exec.allowedCommands contains "${c}"`)] : []),
  },
  {
    id: 'tools.exec.allow_deny_overlap', family: F, severity: 'low',
    title: 'A command is both allowed and denied',
    why: 'Deny wins, but the contradiction shows the lists are not what someone meant.',
    fix: 'Remove the command from one of the two lists.',
    run: (ctx) => {
      const ex = ctx.cfg().tools.exec;
      const denied = new Set(ex.deniedCommands.map(base));
      const both = ex.allowedCommands.filter((c) => denied.has(base(c)));
      if (both.length > 0) return at(ctx, [...execPath, 'allowedCommands'], `${both.join(', ')} ${both.length === 1 ? 'is' : 'are'} in both tools.exec.allowedCommands and deniedCommands`);
    },
  },
  {
    id: 'tools.exec.approval_timeout_long', family: F, severity: 'low',
    title: 'Approvals wait more than an hour',
    why: 'A long wait lets a stale request be approved by someone who no longer remembers the context.',
    fix: 'Keep tools.exec.approvalTimeout at a few minutes (default 300000 ms).',
    run: (ctx) => {
      const t = ctx.cfg().tools.exec.approvalTimeout;
      if (t > 3_600_000) return at(ctx, [...execPath, 'approvalTimeout'], `tools.exec.approvalTimeout is ${t} ms`);
    },
  },
  {
    id: 'tools.injection.off', family: F, severity: 'high',
    title: 'Untrusted content can trigger side effects without a person',
    why: 'With security.injection.mode "off", a web page or file the agent read can make it write, run or send things (the rule of two is off).',
    fix: 'Set security.injection.mode to "ask" (the default) or "deny".',
    run: (ctx) => {
      if (ctx.cfg().security.injection.mode === 'off') {
        return at(ctx, ['security', 'injection', 'mode'], 'security.injection.mode is "off"', { action: { kind: 'config-set', file: ctx.paths.config, keyPath: ['security', 'injection', 'mode'], value: 'ask' } });
      }
    },
  },
  {
    id: 'tools.injection.trusted_files_wildcard', family: F, severity: 'high',
    title: 'Every workspace file counts as the owner\'s own words',
    why: 'trustedFiles names the files whose text is the owner\'s, not untrusted content. A pattern that matches any file name ("*", "**") vouches for downloaded pages, mail and whatever a tool wrote too, so their hidden instructions can trigger side effects without a person (the rule of two stops seeing them).',
    fix: 'List only the files and folders you write yourself, e.g. trustedFiles: ["notes/**", "TODO.md"].',
    run: (ctx) => perAgent(ctx, (a) => {
      const broad = (a.trustedFiles ?? []).filter(matchesAnyName);
      return broad.length > 0 ? at(ctx, agentPath(ctx, a, 'trustedFiles'), `agent "${a.id}": trustedFiles ${JSON.stringify(broad)} ${broad.length === 1 ? 'matches' : 'match'} any file name`) : undefined;
    }),
  },
  {
    id: 'tools.injection.deny', family: F, severity: 'info',
    title: 'Side effects after untrusted content are refused, not asked',
    why: 'Safe (the strict preset): with security.injection.mode "deny", once a session holds a web page, a mail or a file nobody vouched for, writes, commands and messages are refused without asking; listed so that the refusals are not a surprise.',
    fix: 'Set security.injection.mode to "ask" to be asked instead.',
    run: (ctx) => {
      if (ctx.cfg().security.injection.mode === 'deny') return at(ctx, ['security', 'injection', 'mode'], 'security.injection.mode is "deny"');
    },
  },
  {
    id: 'tools.exec.allowlist_empty', family: F, severity: 'info',
    title: 'Exec allowlist mode with no commands: nothing runs',
    why: 'Safe; listed so that refused commands are not a surprise.',
    fix: 'Add the commands the agent needs to tools.exec.allowedCommands.',
    run: (ctx) => {
      const ex = ctx.cfg().tools.exec;
      if (ex.security === 'allowlist' && ex.allowedCommands.length === 0) return at(ctx, [...execPath, 'security'], 'tools.exec.security is "allowlist" and tools.exec.allowedCommands is empty');
    },
  },
];
