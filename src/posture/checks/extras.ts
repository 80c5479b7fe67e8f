// Skills, browser, budgets and backups: the smaller families.
import { join } from 'node:path';
import type { Check, FindingDraft } from '../types.ts';
import type { AuditContext } from '../context.ts';
import { at, isInside, isInternalHost, isSuffixWildcard, isWildcard, mode, octal, dropWildcards } from './util.ts';
import { agentPath, perAgent } from './channels.ts';

function skills(ctx: AuditContext): Array<[string, { network: boolean; filesystem: string }]> {
  return Object.entries(ctx.cfg().skills.permissions);
}

export const skillChecks: Check[] = [
  {
    id: 'skills.permissions.network_and_write', family: 'skills', severity: 'high',
    title: 'Skill may both write files and reach the network',
    why: 'Together they are everything a malicious skill needs: read your data, write a payload, send it out.',
    fix: 'Give the skill one of the two (seed 004: network false, filesystem "read").',
    run: (ctx) => skills(ctx).filter(([, p]) => p.network && p.filesystem === 'write')
      .map(([name]) => at(ctx, ['skills', 'permissions', name], `skill "${name}" has network true and filesystem "write"`)),
  },
  {
    id: 'skills.permissions.write', family: 'skills', severity: 'low',
    title: 'Skill may write files',
    why: 'A skill that writes can plant files the agent later trusts.',
    fix: 'Use filesystem "read" unless the skill must write.',
    run: (ctx) => skills(ctx).filter(([, p]) => !p.network && p.filesystem === 'write')
      .map(([name]) => at(ctx, ['skills', 'permissions', name, 'filesystem'], `skill "${name}" has filesystem "write"`)),
  },
  {
    id: 'skills.permissions.network', family: 'skills', severity: 'low',
    title: 'Skill may reach the network',
    why: 'Network access is how data leaves.',
    fix: 'Set network false unless the skill must call out.',
    run: (ctx) => skills(ctx).filter(([, p]) => p.network && p.filesystem !== 'write')
      .map(([name]) => at(ctx, ['skills', 'permissions', name, 'network'], `skill "${name}" has network true`)),
  },
  {
    id: 'skills.permissions.wildcard', family: 'skills', severity: 'medium',
    title: 'Permissions granted to every skill',
    why: 'A "*" entry gives every installed skill, including future ones, the same rights.',
    fix: 'Grant permissions per skill by name.',
    run: (ctx) => skills(ctx).filter(([name]) => isWildcard(name)).map(([name]) => at(ctx, ['skills', 'permissions', name], `skills.permissions has an entry "${name}"`)),
  },
  {
    id: 'skills.dir.world_writable', family: 'skills', severity: 'high',
    title: 'Skills folder writable by every user',
    why: 'Anyone on the machine can install a skill the agent will load.',
    fix: 'chmod 700 the skills folder.',
    run: (ctx) => [join(ctx.paths.home, 'skills'), ...new Set(ctx.agents().map((a) => join(a.workspace, 'skills')))].flatMap((d) => {
      const s = ctx.lstat(d);
      return s?.isDirectory() && (s.mode & 0o002) ? [{ message: `${d} has mode ${octal(mode(s))}`, file: d, fix: `chmod 700 ${d}`, action: { kind: 'chmod' as const, path: d, mode: 0o700 } }] : [];
    }),
  },
];

const bPath = ['browser', 'allowedDomains'];

export const browserChecks: Check[] = [
  {
    id: 'browser.domains.wildcard', family: 'browser', severity: 'medium',
    title: 'Browser allowlist has a "*" entry, which matches no site',
    why: 'hardshell does not read "*" as "everything": it matches nothing, so this entry opens nothing (fail closed). If "everything" was meant, that is what hardshell will not do. Seed 004: a browser that could go anywhere reaches internal services and pages carrying prompt injections.',
    fix: 'Replace it with the domains the browser needs in browser.allowedDomains.',
    run: (ctx) => ctx.cfg().browser.mode === 'off' ? [] : ctx.cfg().browser.allowedDomains.flatMap((d, i, all) => isWildcard(d) ? [at(ctx, [...bPath, i], `browser.allowedDomains contains "${d}"`, dropWildcards(ctx, bPath, all))] : []),
  },
  {
    id: 'browser.domains.suffix_wildcard', family: 'browser', severity: 'high',
    title: 'Browser allowlist covers a whole top-level domain',
    why: '"*.com" is almost the whole web.',
    fix: 'Use full host names.',
    run: (ctx) => ctx.cfg().browser.mode === 'off' ? [] : ctx.cfg().browser.allowedDomains.flatMap((d, i) => isSuffixWildcard(d) && !isInternalHost(d) ? [at(ctx, [...bPath, i], `browser.allowedDomains contains "${d}"`)] : []),
  },
  {
    id: 'browser.domains.internal', family: 'browser', severity: 'high',
    title: 'Browser may open internal hosts',
    why: 'Admin panels and metadata services on the host or its network trust local requests.',
    fix: 'Remove internal hosts from browser.allowedDomains; add "*://admin.*" and "*://internal.*" to browser.blockPatterns.',
    run: (ctx) => ctx.cfg().browser.mode === 'off' ? [] : ctx.cfg().browser.allowedDomains.flatMap((d, i) => isInternalHost(d) ? [at(ctx, [...bPath, i], `browser.allowedDomains contains the internal host "${d}"`)] : []),
  },
  {
    id: 'browser.no_sandbox', family: 'browser', severity: 'high',
    title: 'Browser on while the sandbox is off',
    why: 'browser.mode "sandboxed" needs the bubblewrap sandbox: with sandbox mode "off", provider "none", or a docker/podman provider, that agent\'s browser refuses to start (it never runs on the host or in a container), so the setting does not do what it says.',
    fix: 'Turn the sandbox on (sandbox.mode "all") with provider "auto" or "bwrap", or set browser.mode to "off".',
    run: (ctx) => {
      if (ctx.cfg().browser.mode === 'off') return;
      return perAgent(ctx, (a) => {
        const p = a.sandbox?.provider;
        const why = a.sandbox?.mode === 'off' ? 'mode "off"' : p === 'none' || p === 'docker' || p === 'podman' ? `provider "${p}"` : null;
        return why ? at(ctx, ['browser', 'mode'], `browser.mode is "sandboxed" but agent "${a.id}" has sandbox ${why}`) : undefined;
      });
    },
  },
  {
    id: 'browser.no_domains', family: 'browser', severity: 'info',
    title: 'Browser on with no allowed domains: no browsing',
    why: 'Safe (seed 23): the browser opens nothing until domains are listed.',
    fix: 'List domains in browser.allowedDomains when the agent needs to browse.',
    run: (ctx) => {
      const b = ctx.cfg().browser;
      if (b.mode === 'sandboxed' && b.allowedDomains.length === 0) return at(ctx, ['browser', 'allowedDomains'], 'browser.mode is "sandboxed" and browser.allowedDomains is empty');
    },
  },
];

export const budgetChecks: Check[] = [
  {
    id: 'budgets.none', family: 'budgets', severity: 'medium',
    title: 'No daily spending limit',
    why: 'A runaway loop can burn hundreds in hours (seed 000); a daily token or cost budget stops it.',
    fix: 'Set agents.defaults.budgets.maxTokensPerDay or maxCostPerDay (with models.prices).',
    run: (ctx) => perAgent(ctx, (a) => !a.budgets?.maxTokensPerDay && !a.budgets?.maxCostPerDay
      ? at(ctx, agentPath(ctx, a, 'budgets'), `agent "${a.id}" has no maxTokensPerDay and no maxCostPerDay`) : undefined),
  },
  {
    id: 'budgets.turn.none', family: 'budgets', severity: 'low',
    title: 'No per-turn token limit',
    why: 'One turn can spend a whole day\'s budget before anything stops it.',
    fix: 'Set agents.defaults.budgets.maxTokensPerTurn.',
    run: (ctx) => perAgent(ctx, (a) => !a.budgets?.maxTokensPerTurn ? at(ctx, agentPath(ctx, a, 'budgets'), `agent "${a.id}" has no maxTokensPerTurn`) : undefined),
  },
  {
    id: 'budgets.steps.high', family: 'budgets', severity: 'low',
    title: 'Many tool steps allowed per turn',
    why: 'More than 100 steps in one turn is usually a loop, not work.',
    fix: 'Lower maxSteps (e.g. 25).',
    run: (ctx) => perAgent(ctx, (a) => (a.maxSteps ?? 0) > 100 ? at(ctx, agentPath(ctx, a, 'maxSteps'), `agent "${a.id}": maxSteps is ${a.maxSteps}`) : undefined),
  },
  {
    id: 'budgets.timeout.long', family: 'budgets', severity: 'low',
    title: 'Turns may run for more than an hour',
    why: 'A stuck turn holds resources and keeps spending.',
    fix: 'Lower turnTimeoutMs (e.g. 600000).',
    run: (ctx) => perAgent(ctx, (a) => (a.turnTimeoutMs ?? 0) > 3_600_000 ? at(ctx, agentPath(ctx, a, 'turnTimeoutMs'), `agent "${a.id}": turnTimeoutMs is ${a.turnTimeoutMs}`) : undefined),
  },
  {
    id: 'budgets.concurrency.high', family: 'budgets', severity: 'low',
    title: 'Many concurrent turns allowed',
    why: 'Each turn spends; many at once multiply a runaway.',
    fix: 'Lower budgets.maxConcurrentTurns (e.g. 4).',
    run: (ctx) => perAgent(ctx, (a) => (a.budgets?.maxConcurrentTurns ?? 0) > 50 ? at(ctx, agentPath(ctx, a, 'budgets', 'maxConcurrentTurns'), `agent "${a.id}": maxConcurrentTurns is ${a.budgets!.maxConcurrentTurns}`) : undefined),
  },
  {
    id: 'budgets.cost.no_prices', family: 'budgets', severity: 'medium',
    title: 'Cost budget without a price for the model',
    why: 'Without models.prices for the model, cost cannot be counted, so maxCostPerDay never triggers.',
    fix: 'Add models.prices["<provider>/<model>"] = { input, output } (USD per million tokens).',
    run: (ctx) => perAgent(ctx, (a) => a.budgets?.maxCostPerDay && a.model && !ctx.cfg().models.prices[a.model]
      ? at(ctx, agentPath(ctx, a, 'budgets', 'maxCostPerDay'), `agent "${a.id}" has maxCostPerDay but models.prices has no entry for "${a.model}"`) : undefined),
  },
  {
    id: 'budgets.repeat.high', family: 'budgets', severity: 'low',
    title: 'Loop detection is loose',
    why: 'Allowing the same call with the same arguments more than 20 times lets a loop spend a lot before it stops.',
    fix: 'Lower budgets.maxRepeatedCalls (e.g. 5).',
    run: (ctx) => perAgent(ctx, (a) => (a.budgets?.maxRepeatedCalls ?? 0) > 20 ? at(ctx, agentPath(ctx, a, 'budgets', 'maxRepeatedCalls'), `agent "${a.id}": maxRepeatedCalls is ${a.budgets!.maxRepeatedCalls}`) : undefined),
  },
];

/** Copies of the state: hardshell's backups folder, and *.bak* files beside the config. */
function backupFiles(ctx: AuditContext): string[] {
  const dir = join(ctx.paths.home, 'backups');
  return [
    ...ctx.list(dir).map((n) => join(dir, n)),
    ...ctx.list(ctx.paths.home).filter((n) => /\.(bak|backup|old|orig)(-[\w.:-]+)?$/i.test(n) || /\.bak-/.test(n)).map((n) => join(ctx.paths.home, n)),
  ].filter((p) => ctx.lstat(p)?.isFile());
}

export const backupChecks: Check[] = [
  {
    id: 'backups.none', family: 'backups', severity: 'low',
    title: 'No backups found',
    why: 'Seed 003\'s standard tier keeps automated backups; without them a bad edit or disk loss is final.',
    fix: 'Back up the state folder regularly (encrypted, seed 000), into <state>/backups or elsewhere.',
    run: (ctx) => {
      if (ctx.loaded?.exists && backupFiles(ctx).length === 0 && !ctx.lstat(join(ctx.paths.home, 'backups'))) return { message: `no ${join(ctx.paths.home, 'backups')} folder and no *.bak files in ${ctx.paths.home}`, file: ctx.paths.home };
    },
  },
  {
    id: 'backups.world_readable', family: 'backups', severity: 'high',
    title: 'Backup readable by every user',
    why: 'A backup holds the same secrets and conversations as the original.',
    fix: 'chmod 600 each backup file.',
    run: (ctx) => backupFiles(ctx).flatMap((p): FindingDraft[] => {
      const s = ctx.lstat(p)!;
      return s.mode & 0o004 ? [{ message: `${p} has mode ${octal(mode(s))}`, file: p, fix: `chmod 600 ${p}`, action: { kind: 'chmod', path: p, mode: 0o600 } }] : [];
    }),
  },
  {
    id: 'backups.group_readable', family: 'backups', severity: 'medium',
    title: 'Backup readable by the group',
    why: 'Group members can read the secrets in it.',
    fix: 'chmod 600 each backup file.',
    run: (ctx) => backupFiles(ctx).flatMap((p): FindingDraft[] => {
      const s = ctx.lstat(p)!;
      return s.mode & 0o070 && !(s.mode & 0o004) ? [{ message: `${p} has mode ${octal(mode(s))}`, file: p, fix: `chmod 600 ${p}`, action: { kind: 'chmod', path: p, mode: 0o600 } }] : [];
    }),
  },
  {
    id: 'backups.dir.permissions', family: 'backups', severity: 'medium',
    title: 'Backups folder open to other users',
    why: 'Others can list, read or swap backups.',
    fix: 'chmod 700 the backups folder.',
    run: (ctx) => {
      const d = join(ctx.paths.home, 'backups');
      const s = ctx.lstat(d);
      if (s?.isDirectory() && (s.mode & 0o077)) return { message: `${d} has mode ${octal(mode(s))}`, file: d, fix: `chmod 700 ${d}`, action: { kind: 'chmod', path: d, mode: 0o700 } };
    },
  },
  {
    id: 'backups.in_workspace', family: 'backups', severity: 'high',
    title: 'A copy of hardshell\'s state is inside the workspace',
    why: 'The agent can read the copied config, store or .env.',
    fix: 'Move the copy out of the workspace.',
    run: (ctx) => [...new Set(ctx.agents().map((a) => a.workspace))].flatMap((ws) => ctx.list(ws)
      .filter((n) => /^(hardshell\.(json|db)|\.env)[.-](bak|backup|old|orig|copy)/i.test(n) || /^hardshell\.db$/.test(n))
      .map((n) => join(ws, n)).filter((p) => isInside(p, ws)).map((p) => ({ message: `${p} is a copy of hardshell's state inside the workspace`, file: p }))),
  },
];
