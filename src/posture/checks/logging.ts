// Logging and audit: is the audit log on and complete, logs at a safe level, files private.
import { dirname } from 'node:path';
import { AUDIT_KINDS } from '../../config/schema.ts';
import type { Check } from '../types.ts';
import { at, isInside, mode, octal } from './util.ts';

const F = 'logging' as const;

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
      const p = ctx.cfg().security.audit.path;
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
    id: 'logging.redact.tools_only', family: F, severity: 'info',
    title: 'Redaction covers tool logs only',
    why: 'logging.redactSensitive "tools" (seed 004) removes keys from tool-call logs; "all" also covers every other line.',
    fix: 'Set logging.redactSensitive to "all" for the strictest setting.',
    run: (ctx) => {
      if (ctx.cfg().logging.redactSensitive === 'tools' && ctx.lineOf(['logging', 'redactSensitive']) !== undefined) return at(ctx, ['logging', 'redactSensitive'], 'logging.redactSensitive is "tools"');
    },
  },
];
