// The state folder, the config file, the store and the .env file: modes and owners.
import type { Stats } from 'node:fs';
import type { Check, FindingDraft } from '../types.ts';
import type { AuditContext } from '../context.ts';
import { mode, octal } from './util.ts';

const F = 'fs' as const;

type Target = { path: string; want: number; what: string };

function targets(ctx: AuditContext, which: 'state' | 'config' | 'store' | 'env'): Target[] {
  const p = ctx.paths;
  switch (which) {
    case 'state': return [{ path: p.home, want: 0o700, what: 'the state folder' }];
    case 'config': return [{ path: p.config, want: 0o600, what: 'the configuration file' }];
    case 'store': return ['', '-wal', '-shm'].map((s) => ({ path: p.store + s, want: 0o600, what: 'the store' }));
    case 'env': return [{ path: p.envFile, want: 0o600, what: 'the .env file' }];
  }
}

/** A mode check over one kind of file; `bits` are the bits that must not be set. */
function modeCheck(id: string, which: 'state' | 'config' | 'store' | 'env', severity: Check['severity'], bits: number, title: string, why: string): Check {
  return {
    id, family: F, severity, title, why,
    fix: `chmod ${which === 'state' ? '700' : '600'} the file or folder named in the finding.`,
    run: (ctx) => targets(ctx, which).flatMap((t): FindingDraft[] => {
      const s: Stats | null = ctx.lstat(t.path);
      if (!s || s.isSymbolicLink() || !(s.mode & bits)) return [];
      return [{ message: `${t.path} (${t.what}) has mode ${octal(mode(s))}`, file: t.path, fix: `chmod ${octal(t.want)} ${t.path}`, action: { kind: 'chmod', path: t.path, mode: t.want } }];
    }),
  };
}

function ownerCheck(id: string, which: 'state' | 'config' | 'env', severity: Check['severity'], title: string): Check {
  return {
    id, family: F, severity, title,
    why: 'Whoever owns it can change hardshell\'s configuration or read its secrets, whatever the mode says.',
    fix: 'chown it to the user hardshell runs as.',
    run: (ctx) => targets(ctx, which).flatMap((t): FindingDraft[] => {
      const s = ctx.lstat(t.path);
      if (!s || ctx.uid === undefined || s.uid === ctx.uid || s.uid === 0) return [];
      return [{ message: `${t.path} (${t.what}) is owned by uid ${s.uid}, not ${ctx.uid} (the user running this audit)`, file: t.path, fix: `chown ${ctx.uid} ${t.path}` }];
    }),
  };
}

export const fsChecks: Check[] = [
  modeCheck('fs.state.world_writable', 'state', 'critical', 0o002, 'State folder writable by every user',
    'Anyone on the machine can replace the config, the store or the .env file and take over the gateway.'),
  modeCheck('fs.state.world_readable', 'state', 'high', 0o005, 'State folder open to every user',
    'Other users can list and read whatever inside it is not locked down itself.'),
  modeCheck('fs.state.group_readable', 'state', 'medium', 0o070, 'State folder open to the group',
    'Members of the group can reach the config, store and .env file.'),
  modeCheck('fs.config.world_writable', 'config', 'critical', 0o002, 'Config file writable by every user',
    'Anyone on the machine can switch off the sandbox, approvals or auth.'),
  modeCheck('fs.config.world_readable', 'config', 'high', 0o004, 'Config file readable by every user',
    'It describes your defences and may hold tokens or keys.'),
  modeCheck('fs.config.group_readable', 'config', 'medium', 0o070, 'Config file open to the group',
    'Group members can read it (or change it, if group-writable).'),
  modeCheck('fs.store.world_readable', 'store', 'high', 0o006, 'Store readable by every user',
    'The store holds every conversation, memory and token hash.'),
  modeCheck('fs.store.group_readable', 'store', 'medium', 0o060, 'Store open to the group',
    'Group members can read every conversation.'),
  modeCheck('fs.env.world_writable', 'env', 'critical', 0o002, '.env file writable by every user',
    'Anyone on the machine can change the gateway token or the sandbox switch in it.'),
  modeCheck('fs.env.world_readable', 'env', 'critical', 0o004, '.env file readable by every user',
    'Every user on the machine can read the keys and the gateway token in it (seed 001: chmod 600 .env). OpenClaw\'s audit does not flag this.'),
  modeCheck('fs.env.group_readable', 'env', 'medium', 0o070, '.env file open to the group',
    'Group members can read the keys in it; it should be mode 600.'),
  ownerCheck('fs.state.not_owned', 'state', 'high', 'State folder owned by another user'),
  ownerCheck('fs.config.not_owned', 'config', 'high', 'Config file owned by another user'),
  ownerCheck('fs.env.not_owned', 'env', 'medium', '.env file owned by another user'),
  {
    id: 'fs.config.symlink', family: F, severity: 'medium',
    title: 'Config file is a symbolic link',
    why: 'Whoever controls the link target controls hardshell; modes on the link say nothing.',
    fix: 'Replace the link with the file itself (mode 600).',
    run: (ctx) => {
      const s = ctx.lstat(ctx.paths.config);
      if (s?.isSymbolicLink()) return { message: `${ctx.paths.config} is a symbolic link`, file: ctx.paths.config };
    },
  },
  {
    id: 'fs.state.in_git_repo', family: F, severity: 'medium',
    title: 'State folder inside a git repository',
    why: 'The config, store and .env can be committed by accident.',
    fix: 'Move the state folder out (HARDSHELL_HOME), or git-ignore it entirely.',
    run: (ctx) => {
      const root = ctx.gitRoot(ctx.paths.config);
      if (root && ctx.stat(ctx.paths.home) && !ctx.gitIgnored(ctx.paths.config)) return { message: `${ctx.paths.home} is inside the git work tree ${root} and not ignored`, file: ctx.paths.home };
    },
  },
];
