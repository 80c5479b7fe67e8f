// Sandbox: is it on, for which agents, with which backend, and is that backend here.
import { MAIN_AGENT } from '../../config/agents.ts';
import type { Check } from '../types.ts';
import type { AuditContext } from '../context.ts';
import { at, isInternalHost, isWildcard, dropWildcards } from './util.ts';
import { agentPath, perAgent } from './channels.ts';

const F = 'sandbox' as const;

function dockerPresent(ctx: AuditContext): boolean {
  return Boolean(ctx.which('docker')) || Boolean(ctx.stat(ctx.host('var/run/docker.sock')));
}
function podmanPresent(ctx: AuditContext): boolean {
  return Boolean(ctx.which('podman'));
}
/** Where the sandbox room looks for bwrap: the usual folders, then PATH. */
function bwrapPresent(ctx: AuditContext): boolean {
  return ['usr/bin', 'usr/local/bin', 'bin'].some((d) => ctx.stat(ctx.host(`${d}/bwrap`))?.isFile()) || Boolean(ctx.which('bwrap'));
}

export const sandboxChecks: Check[] = [
  {
    id: 'sandbox.mode.off', family: F, severity: 'high',
    title: 'Sandbox is off',
    why: 'Every command and browser session of this agent runs directly on the host with your permissions.',
    fix: 'Set agents.defaults.sandbox.mode to "all" (the default), or remove the line that turns it off (HARDSHELL_SANDBOX=false too).',
    run: (ctx) => perAgent(ctx, (a) => a.sandbox?.mode === 'off'
      ? at(ctx, agentPath(ctx, a, 'sandbox', 'mode'), `agent "${a.id}": sandbox.mode is "off"`) : undefined),
  },
  {
    id: 'sandbox.mode.non_main', family: F, severity: 'medium',
    title: 'The main agent runs unsandboxed',
    why: 'Mode "non-main" sandboxes sub-agents and background tasks only; your main conversation agent still runs tools on the host (seed 004).',
    fix: 'Set agents.defaults.sandbox.mode to "all" to sandbox the main agent too.',
    run: (ctx) => perAgent(ctx, (a) => a.id === MAIN_AGENT && a.sandbox?.mode === 'non-main'
      ? at(ctx, agentPath(ctx, a, 'sandbox', 'mode'), 'sandbox.mode is "non-main": the main agent is not sandboxed') : undefined),
  },
  {
    id: 'sandbox.provider.none', family: F, severity: 'high',
    title: 'Sandbox provider is "none"',
    why: 'Provider "none" means no isolation at all, whatever the mode says.',
    fix: 'Set sandbox.provider to "auto" (bubblewrap, else docker/podman), or to a backend installed here.',
    run: (ctx) => perAgent(ctx, (a) => a.sandbox?.provider === 'none'
      ? at(ctx, agentPath(ctx, a, 'sandbox', 'provider'), `agent "${a.id}": sandbox.provider is "none"`) : undefined),
  },
  {
    id: 'sandbox.provider.docker_unavailable', family: F, severity: 'high',
    title: 'Sandbox provider docker is not installed',
    why: 'Sandboxed tools will refuse to run (never a silent fallback to the host, seed 002), so the agent cannot work as configured.',
    fix: 'Install docker, or set sandbox.provider to "auto" / "bwrap".',
    run: (ctx) => {
      if (dockerPresent(ctx)) return;
      return perAgent(ctx, (a) => a.sandbox?.provider === 'docker' && a.sandbox?.mode !== 'off'
        ? at(ctx, agentPath(ctx, a, 'sandbox', 'provider'), `agent "${a.id}": sandbox.provider is "docker" but neither a docker command on PATH nor /var/run/docker.sock exists`) : undefined);
    },
  },
  {
    id: 'sandbox.provider.podman_unavailable', family: F, severity: 'high',
    title: 'Sandbox provider podman is not installed',
    why: 'Sandboxed tools will refuse to run.',
    fix: 'Install podman, or set sandbox.provider to "auto".',
    run: (ctx) => {
      if (podmanPresent(ctx)) return;
      return perAgent(ctx, (a) => a.sandbox?.provider === 'podman' && a.sandbox?.mode !== 'off'
        ? at(ctx, agentPath(ctx, a, 'sandbox', 'provider'), `agent "${a.id}": sandbox.provider is "podman" but there is no podman command on PATH`) : undefined);
    },
  },
  {
    id: 'sandbox.provider.bwrap_unavailable', family: F, severity: 'high',
    title: 'No sandbox backend found',
    why: 'bubblewrap (the default backend) is not installed and no container runtime was found, so sandboxed tools will refuse to run.',
    fix: 'Install bubblewrap (apt install bubblewrap / dnf install bubblewrap), or docker/podman.',
    run: (ctx) => {
      if (bwrapPresent(ctx)) return;
      return perAgent(ctx, (a) => {
        const p = a.sandbox?.provider ?? 'auto';
        const missing = p === 'bwrap' || (p === 'auto' && !dockerPresent(ctx) && !podmanPresent(ctx));
        return missing && a.sandbox?.mode !== 'off'
          ? at(ctx, agentPath(ctx, a, 'sandbox', 'provider'), `agent "${a.id}": sandbox.provider is "${p}" and no bwrap command is on PATH`) : undefined;
      });
    },
  },
  {
    id: 'sandbox.userns.disabled', family: F, severity: 'medium',
    title: 'Unprivileged user namespaces are disabled',
    why: 'bubblewrap needs user namespaces; with them off, sandboxed tools refuse to run.',
    fix: 'sysctl -w kernel.unprivileged_userns_clone=1 (and user.max_user_namespaces > 0), or use docker/podman.',
    run: (ctx) => {
      const clone = ctx.read(ctx.host('proc/sys/kernel/unprivileged_userns_clone'))?.trim();
      const max = ctx.read(ctx.host('proc/sys/user/max_user_namespaces'))?.trim();
      const uses = ctx.agents().some((a) => ['auto', 'bwrap'].includes(a.sandbox?.provider ?? 'auto') && a.sandbox?.mode !== 'off');
      if (uses && (clone === '0' || max === '0')) return { message: clone === '0' ? 'kernel.unprivileged_userns_clone is 0' : 'user.max_user_namespaces is 0', file: ctx.host(clone === '0' ? 'proc/sys/kernel/unprivileged_userns_clone' : 'proc/sys/user/max_user_namespaces') };
    },
  },
  {
    id: 'sandbox.workspace.rw_non_main', family: F, severity: 'medium',
    title: 'Sandboxed sub-agents can write the workspace',
    why: 'With workspaceAccess "rw", a sub-agent working on untrusted content can plant files (AGENTS.md, scripts) the main agent later trusts.',
    fix: 'Set sandbox.workspaceAccess to "ro" (writes land in a layer that is thrown away) or "none".',
    run: (ctx) => perAgent(ctx, (a) => a.sandbox?.workspaceAccess === 'rw' && (a.sandbox?.mode === 'non-main' || a.id !== MAIN_AGENT)
      ? at(ctx, agentPath(ctx, a, 'sandbox', 'workspaceAccess'), `agent "${a.id}": sandbox.workspaceAccess is "rw"`) : undefined),
  },
  {
    id: 'sandbox.network.wildcard', family: F, severity: 'medium',
    title: 'Sandbox allowlist has a "*" entry, which matches no host',
    why: 'hardshell does not read "*" as "everything": it matches nothing, so this entry opens nothing (fail closed). If "everything" was meant, that is what hardshell will not do. Sandboxed code that could reach any host could send your data anywhere.',
    fix: 'List only the hosts sandboxed code needs, or leave the list empty (no network).',
    run: (ctx) => perAgent(ctx, (a) => {
      const list = a.sandbox?.network?.allowedDomains ?? [];
      const path = agentPath(ctx, a, 'sandbox', 'network', 'allowedDomains');
      return list.some(isWildcard) ? at(ctx, path, `agent "${a.id}": sandbox.network.allowedDomains contains "*"`, dropWildcards(ctx, path, list)) : undefined;
    }),
  },
  {
    id: 'sandbox.network.internal_host', family: F, severity: 'high',
    title: 'Sandbox may reach internal hosts',
    why: 'Localhost, private ranges and cloud metadata let sandboxed code reach services that trust the host (SSRF).',
    fix: 'Remove internal hosts from sandbox.network.allowedDomains.',
    run: (ctx) => perAgent(ctx, (a) => {
      const bad = (a.sandbox?.network?.allowedDomains ?? []).filter(isInternalHost);
      return bad.length ? at(ctx, agentPath(ctx, a, 'sandbox', 'network', 'allowedDomains'), `agent "${a.id}": sandbox.network.allowedDomains contains ${bad.map((b) => `"${b}"`).join(', ')}`) : undefined;
    }),
  },
  {
    id: 'sandbox.network.enabled', family: F, severity: 'low',
    title: 'Sandboxed code has network access',
    why: 'By default the sandbox has no network; every allowed host is a way out for data.',
    fix: 'Keep sandbox.network.allowedDomains as short as you can.',
    run: (ctx) => perAgent(ctx, (a) => {
      const d = a.sandbox?.network?.allowedDomains ?? [];
      return d.length > 0 && !d.some(isWildcard) ? at(ctx, agentPath(ctx, a, 'sandbox', 'network', 'allowedDomains'), `agent "${a.id}": sandboxed code may reach ${d.join(', ')}`) : undefined;
    }),
  },
  {
    id: 'sandbox.scope.agent', family: F, severity: 'low',
    title: 'One sandbox shared by all of an agent\'s sessions',
    why: 'With scope "agent", what one conversation leaves in the sandbox is there for the next (seed 004 uses one per session).',
    fix: 'Set sandbox.scope to "session" or "invocation".',
    run: (ctx) => perAgent(ctx, (a) => a.sandbox?.scope === 'agent'
      ? at(ctx, agentPath(ctx, a, 'sandbox', 'scope'), `agent "${a.id}": sandbox.scope is "agent"`) : undefined),
  },
];
