// Memory and bootstrap files: what goes into every prompt must not be writable by others or
// point outside the workspace; the workspace itself must not hold the keys to the house.
import { join, resolve } from 'node:path';
import { realpathSync } from 'node:fs';
import type { Check, FindingDraft } from '../types.ts';
import type { AuditContext } from '../context.ts';
import { isInside, mode, octal } from './util.ts';

const F = 'memory' as const;

/** Files loaded into every prompt (OpenClaw's names, which hardshell keeps). */
export const BOOTSTRAP_FILES = ['AGENTS.md', 'SOUL.md', 'MEMORY.md', 'TOOLS.md', 'USER.md', 'IDENTITY.md', 'HEARTBEAT.md', 'BOOTSTRAP.md'];

function workspaces(ctx: AuditContext): string[] {
  return [...new Set(ctx.agents().map((a) => a.workspace))];
}

function promptFiles(ctx: AuditContext): string[] {
  return workspaces(ctx).flatMap((ws) => [
    ...BOOTSTRAP_FILES.map((n) => join(ws, n)),
    ...ctx.list(join(ws, 'memory')).filter((n) => n.endsWith('.md')).map((n) => join(ws, 'memory', n)),
  ]).filter((p) => ctx.lstat(p));
}

function fileModeCheck(id: string, severity: Check['severity'], bit: number, title: string, why: string): Check {
  return {
    id, family: F, severity, title, why,
    fix: bit === 0o002 ? 'chmod o-w the file (640 or 600, as seed 003 suggests).' : 'chmod g-w the file.',
    run: (ctx) => promptFiles(ctx).flatMap((p): FindingDraft[] => {
      const s = ctx.lstat(p);
      if (!s?.isFile() || !(s.mode & bit)) return [];
      const want = mode(s) & ~bit & ~(bit === 0o002 ? 0o020 : 0);
      return [{ message: `${p} has mode ${octal(mode(s))}`, file: p, fix: `chmod ${octal(want)} ${p}`, action: { kind: 'chmod', path: p, mode: want } }];
    }),
  };
}

function realInside(p: string, dir: string): boolean {
  try {
    return isInside(realpathSync(p), realpathSync(dir));
  } catch {
    return false; // a dangling link points nowhere we can vouch for
  }
}

export const memoryChecks: Check[] = [
  fileModeCheck('memory.bootstrap.world_writable', 'high', 0o002, 'Prompt file writable by every user',
    'AGENTS.md, SOUL.md, MEMORY.md and memory/*.md go into every prompt: whoever can write them steers the agent (memory poisoning, seed 003).'),
  fileModeCheck('memory.bootstrap.group_writable', 'medium', 0o020, 'Prompt file writable by the group',
    'Group members can rewrite what the agent reads as its own instructions.'),
  {
    id: 'memory.bootstrap.symlink_outside', family: F, severity: 'high',
    title: 'Prompt file links outside the workspace',
    why: 'A link lets a file elsewhere (possibly someone else\'s) become the agent\'s instructions, and writes to it land outside the workspace.',
    fix: 'Replace the link with a real file inside the workspace.',
    run: (ctx) => workspaces(ctx).flatMap((ws) => promptFiles(ctx).filter((p) => isInside(p, ws) && ctx.lstat(p)?.isSymbolicLink() && !realInside(p, ws))
      .map((p) => ({ message: `${p} is a symbolic link to somewhere outside ${ws}`, file: p }))),
  },
  {
    id: 'memory.bootstrap.not_owned', family: F, severity: 'medium',
    title: 'Prompt file owned by another user',
    why: 'Its owner can change the agent\'s instructions.',
    fix: 'chown the file to the user hardshell runs as.',
    run: (ctx) => promptFiles(ctx).flatMap((p) => {
      const s = ctx.lstat(p);
      return s && ctx.uid !== undefined && s.uid !== ctx.uid && s.uid !== 0 ? [{ message: `${p} is owned by uid ${s.uid}`, file: p }] : [];
    }),
  },
  {
    id: 'memory.dir.world_writable', family: F, severity: 'high',
    title: 'Memory folder writable by every user',
    why: 'Anyone can add a memory file that the agent recalls as its own.',
    fix: 'chmod 700 the memory folder.',
    run: (ctx) => workspaces(ctx).flatMap((ws) => {
      const d = join(ws, 'memory');
      const s = ctx.lstat(d);
      return s?.isDirectory() && (s.mode & 0o002) ? [{ message: `${d} has mode ${octal(mode(s))}`, file: d, fix: `chmod 700 ${d}`, action: { kind: 'chmod' as const, path: d, mode: 0o700 } }] : [];
    }),
  },
  {
    id: 'memory.workspace.world_writable', family: F, severity: 'high',
    title: 'Workspace writable by every user',
    why: 'Anyone on the machine can plant AGENTS.md or scripts the agent will trust and run.',
    fix: 'chmod 700 the workspace.',
    run: (ctx) => workspaces(ctx).flatMap((ws) => {
      const s = ctx.lstat(ws);
      return s?.isDirectory() && (s.mode & 0o002) ? [{ message: `${ws} has mode ${octal(mode(s))}`, file: ws, fix: `chmod 700 ${ws}`, action: { kind: 'chmod' as const, path: ws, mode: 0o700 } }] : [];
    }),
  },
  {
    id: 'memory.workspace.too_open', family: F, severity: 'medium',
    title: 'Workspace readable by other users',
    why: 'The workspace holds the agent\'s memory and your files.',
    fix: 'chmod 700 the workspace.',
    run: (ctx) => workspaces(ctx).flatMap((ws) => {
      const s = ctx.lstat(ws);
      return s?.isDirectory() && (s.mode & 0o077) && !(s.mode & 0o002) ? [{ message: `${ws} has mode ${octal(mode(s))}`, file: ws, fix: `chmod 700 ${ws}`, action: { kind: 'chmod' as const, path: ws, mode: 0o700 } }] : [];
    }),
  },
  {
    id: 'memory.workspace.contains_state', family: F, severity: 'critical',
    title: 'Workspace contains hardshell\'s own state',
    why: 'The agent could read the .env file and the store, and rewrite its own config (turning off its sandbox).',
    fix: 'Point the workspace at a folder that does not contain the state folder (default: <state>/workspace).',
    run: (ctx) => ctx.agents().flatMap((a) => isInside(ctx.paths.config, a.workspace) || isInside(ctx.paths.home, a.workspace)
      ? [{ message: `agent "${a.id}": the workspace ${a.workspace} contains ${ctx.paths.home}`, file: ctx.paths.config, key: 'agents.defaults.workspace' }] : []),
  },
  {
    id: 'memory.workspace.too_broad', family: F, severity: 'high',
    title: 'Workspace is your home folder or the file system root',
    why: 'The agent would see ~/.ssh, browser profiles and every other credential on the account.',
    fix: 'Give the agent a dedicated folder as workspace.',
    run: (ctx) => {
      const home = resolve(ctx.env.HOME ?? '/nonexistent');
      return ctx.agents().flatMap((a) => resolve(a.workspace) === home || resolve(a.workspace) === '/' || ['/etc', '/root', '/home', '/var', '/usr'].includes(resolve(a.workspace))
        ? [{ message: `agent "${a.id}": the workspace is ${a.workspace}`, file: ctx.paths.config, key: 'agents.defaults.workspace' }] : []);
    },
  },
  {
    id: 'memory.workspace.credentials_dir', family: F, severity: 'high',
    title: 'Credential folders inside the workspace',
    why: '.ssh, .aws, .gnupg, .kube or .docker inside the workspace are readable by the agent.',
    fix: 'Move them out of the workspace.',
    run: (ctx) => workspaces(ctx).flatMap((ws) => ['.ssh', '.aws', '.gnupg', '.kube', '.docker', '.config/gcloud', '.azure'].map((d) => join(ws, d))
      .filter((p) => ctx.lstat(p)?.isDirectory()).map((p) => ({ message: `${p} is inside the workspace`, file: p }))),
  },
];
