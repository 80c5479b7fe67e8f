// Logging and audit: is the audit log on and complete, logs at a safe level, files private.
import { dirname, join } from 'node:path';
import { verifyAuditLog } from '../../audit/verify.ts';
import type { AuditContext } from '../context.ts';
import { AUDIT_KINDS } from '../../config/schema.ts';
import type { Check } from '../types.ts';
import { at, isInside, mode, octal } from './util.ts';

const F = 'logging' as const;

/** Larger logs are verified by `hardshell audit verify` (or --deep), not on every audit. */
const VERIFY_LIMIT = 8 * 1024 * 1024;

function auditLogPath(ctx: AuditContext): string {
  return ctx.cfg().security.audit.path ?? join(ctx.paths.home, 'audit.log');
}

export const loggingChecks: Check[] = [
  {
    id: 'logging.audit.disabled', family: F, severity: 'high',
    title: 'Audit log is off',
    why: 'Without it there is no record of who authenticated, which tools ran and what was approved: nothing to investigate with, and tampering goes unseen.',
    fix: 'Set security.audit.enabled to true (the default).',
    run: (ctx) => {
      if (!ctx.cfg().security.audit.enabled) {
        return at(ctx, ['security', 'audit', 'enabled'], 'security.audit.enabled is false', { action: { kind: 'config-set', file: ctx.paths.config, keyPath: ['security', 'audit', 'enabled'], value: true } });
      }
    },
  },
  {
    id: 'logging.audit.events_partial', family: F, severity: 'medium',
    title: 'Audit log records only some kinds of event',
    why: 'Events left out (approvals, egress, sandbox runs, policy decisions) leave gaps exactly where an incident needs answers.',
    fix: `Remove security.audit.events to record every kind (${AUDIT_KINDS.join(', ')}).`,
    run: (ctx) => {
      const a = ctx.cfg().security.audit;
      const missing = AUDIT_KINDS.filter((k) => !a.events.includes(k));
      if (a.enabled && missing.length > 0) return at(ctx, ['security', 'audit', 'events'], `security.audit.events leaves out ${missing.join(', ')}`);
    },
  },
  {
    id: 'logging.level.debug', family: F, severity: 'medium',
    title: 'Debug logging in use',
    why: 'Debug and trace logs carry request bodies and tool arguments, where secrets turn up (seed 000: never debug in production).',
    fix: 'Set logging.level to "info".',
    run: (ctx) => {
      const level = ctx.cfg().logging.level;
      if (level === 'debug' || level === 'trace') {
        return at(ctx, ['logging', 'level'], `logging.level is "${level}"`, { action: { kind: 'config-set', file: ctx.paths.config, keyPath: ['logging', 'level'], value: 'info' } });
      }
    },
  },
  {
    id: 'logging.level.quiet', family: F, severity: 'low',
    title: 'Warnings are not logged',
    why: 'At "error" or "fatal", failed logins and refused tool calls (warnings) leave no log line to alert on.',
    fix: 'Set logging.level to "info" or "warn".',
    run: (ctx) => {
      const level = ctx.cfg().logging.level;
      if (level === 'error' || level === 'fatal') return at(ctx, ['logging', 'level'], `logging.level is "${level}"`);
    },
  },
  {
    id: 'logging.retention.short', family: F, severity: 'low',
    title: 'Logs kept less than a week',
    why: 'Incidents are often noticed days later; short retention erases the evidence.',
    fix: 'Set logging.retention.days to 30 (the default).',
    run: (ctx) => {
      const d = ctx.cfg().logging.retention.days;
      if (d < 7) return at(ctx, ['logging', 'retention', 'days'], `logging.retention.days is ${d}`);
    },
  },
  {
    id: 'logging.retention.long', family: F, severity: 'low',
    title: 'Logs kept more than a year',
    why: 'Logs hold personal data from conversations; keeping them long widens what a breach exposes.',
    fix: 'Keep logs 30–90 days unless a regulation says otherwise.',
    run: (ctx) => {
      const d = ctx.cfg().logging.retention.days;
      if (d > 365) return at(ctx, ['logging', 'retention', 'days'], `logging.retention.days is ${d}`);
    },
  },
  {
    id: 'logging.audit.path_in_workspace', family: F, severity: 'high',
    title: 'Audit log inside the agent\'s workspace',
    why: 'The agent can read and rewrite its own audit trail with file tools.',
    fix: 'Point security.audit.path outside every workspace (or remove it: the audit log then lives in the store).',
    run: (ctx) => {
      const p = ctx.cfg().security.audit.path;
      const a = p ? ctx.agents().find((x) => isInside(p, x.workspace)) : undefined;
      if (p && a) return at(ctx, ['security', 'audit', 'path'], `security.audit.path ${p} is inside the workspace of agent "${a.id}"`);
    },
  },
  {
    id: 'logging.file.in_workspace', family: F, severity: 'high',
    title: 'Log file inside the agent\'s workspace',
    why: 'The agent can read logs (which may hold other users\' messages) and forge entries.',
    fix: 'Point logging.file outside every workspace.',
    run: (ctx) => {
      const p = ctx.cfg().logging.file;
      const a = p ? ctx.agents().find((x) => isInside(p, x.workspace)) : undefined;
      if (p && a) return at(ctx, ['logging', 'file'], `logging.file ${p} is inside the workspace of agent "${a.id}"`);
    },
  },
  {
    id: 'logging.audit.file_permissions', family: F, severity: 'medium',
    title: 'Audit log file readable by other users',
    why: 'The audit log names users, tools and hosts; others should not read or change it.',
    fix: 'chmod 600 the audit log.',
    run: (ctx) => {
      const p = auditLogPath(ctx);
      const s = p ? ctx.lstat(p) : null;
      if (p && s?.isFile() && (s.mode & 0o077)) return { message: `${p} has mode ${octal(mode(s))}`, file: p, fix: `chmod 600 ${p}`, action: { kind: 'chmod', path: p, mode: 0o600 } };
    },
  },
  {
    id: 'logging.file.permissions', family: F, severity: 'medium',
    title: 'Log file readable by other users',
    why: 'Logs carry conversation snippets and host names.',
    fix: 'chmod 600 the log file.',
    run: (ctx) => {
      const p = ctx.cfg().logging.file;
      const s = p ? ctx.lstat(p) : null;
      if (p && s?.isFile() && (s.mode & 0o077)) return { message: `${p} has mode ${octal(mode(s))}`, file: p, fix: `chmod 600 ${p}`, action: { kind: 'chmod', path: p, mode: 0o600 } };
    },
  },
  {
    id: 'logging.audit.dir_world_writable', family: F, severity: 'high',
    title: 'Audit log in a folder every user can write',
    why: 'Anyone can delete or replace the log file (the folder decides that, not the file\'s mode).',
    fix: 'Keep the audit log in a folder only you can write, e.g. the state folder.',
    run: (ctx) => {
      const p = ctx.cfg().security.audit.path;
      const s = p ? ctx.stat(dirname(p)) : null;
      if (p && s && (s.mode & 0o002) && !(s.mode & 0o1000)) return at(ctx, ['security', 'audit', 'path'], `${dirname(p)} (holding ${p}) is writable by every user`);
    },
  },
  {
    id: 'logging.audit.chain_broken', family: F, severity: 'high',
    title: 'Audit log does not verify',
    why: 'An event was edited, removed, reordered or inserted, or the log was cut short: someone may be hiding what happened.',
    fix: 'Run hardshell audit verify for the line and event; keep the file as evidence, and check the host for intrusion.',
    run: (ctx) => {
      const path = auditLogPath(ctx);
      const s = ctx.stat(path);
      if (!s?.isFile() || s.size > VERIFY_LIMIT) return;
      const r = verifyAuditLog(path, ctx.paths.home);
      if (!r.ok) return r.problems.slice(0, 3).map((p) => ({ message: `${p.line ? `line ${p.line}: ` : ''}${p.message}`, file: path, line: p.line || undefined }));
    },
  },
  {
    id: 'logging.audit.too_large_to_verify', family: F, severity: 'info',
    title: 'Audit log not verified here (large)',
    why: 'Logs over 8 MB are left to hardshell audit verify so the audit stays fast.',
    fix: 'Run hardshell audit verify.',
    run: (ctx) => {
      const path = auditLogPath(ctx);
      const s = ctx.stat(path);
      if (s?.isFile() && s.size > VERIFY_LIMIT) return { message: `${path} is ${(s.size / 1024 / 1024).toFixed(0)} MB`, file: path };
    },
  },
  {
    id: 'logging.audit.key_permissions', family: F, severity: 'high',
    title: 'Audit key readable by other users',
    why: 'Whoever reads the key can sign a forged audit log that verifies.',
    fix: 'chmod 700 the keys folder and 600 the key.',
    run: (ctx) => {
      const dir = join(ctx.paths.home, 'keys');
      return [dir, ...ctx.list(dir).map((n) => join(dir, n))].flatMap((p) => {
        const s = ctx.lstat(p);
        const want = s?.isDirectory() ? 0o700 : 0o600;
        return s && !s.isSymbolicLink() && (s.mode & 0o077) ? [{ message: `${p} has mode ${octal(mode(s))}`, file: p, fix: `chmod ${octal(want)} ${p}`, action: { kind: 'chmod' as const, path: p, mode: want } }] : [];
      });
    },
  },
  {
    id: 'logging.redact.tools_only', family: F, severity: 'info',
    title: 'Redaction covers tool logs only',
    why: 'logging.redactSensitive "tools" (seed 004) removes keys from tool-call logs; "all" also covers every other line.',
    fix: 'Set logging.redactSensitive to "all" for the strictest setting.',
    run: (ctx) => {
      if (ctx.cfg().logging.redactSensitive === 'tools' && ctx.lineOf(['logging', 'redactSensitive']) !== undefined) return at(ctx, ['logging', 'redactSensitive'], 'logging.redactSensitive is "tools"');
    },
  },
];
