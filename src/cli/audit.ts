// `hardshell audit verify|tail|query`: check the audit log's chain and signatures, and read it.
import type { Command } from 'commander';
import { loadConfig } from '../config/load.ts';
import { verifyAuditLog } from '../audit/verify.ts';
import { followAuditLog, lastEvents, parseSince, queryAuditLog, type AuditEvent, type AuditFilter } from '../audit/query.ts';
import { auditLogPath } from './runtime.ts';
import { printJson, say, UserError } from './io.ts';

export function register(program: Command): void {
  const audit = program.command('audit').description('check and read the tamper-evident audit log');

  audit.command('verify')
    .description('check every event\'s chain hash, the signed checkpoints and the signed head; say where anything was changed')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const { path, home } = where();
      const r = verifyAuditLog(path, home);
      if (opts.json) printJson(r);
      else if (r.ok) say(`ok: ${path}: ${r.events} events, ${r.checkpoints} signed checkpoints, the chain is whole${r.headChecked ? ' and reaches the signed head' : ''}`);
      else {
        say(`NOT OK: ${path} was changed after it was written:`);
        for (const p of r.problems) say(`  ${p.line > 0 ? `line ${p.line}: ` : ''}${p.message}`);
      }
      if (!r.ok) process.exitCode = 1;
    });

  audit.command('tail')
    .description('show the last events; -f keeps printing new ones')
    .option('-n, --lines <n>', 'how many', (v) => positiveInt(v), 20)
    .option('-f, --follow', 'keep printing events as they are written (Ctrl-C stops)')
    .option('--kind <kinds>', 'only these kinds (comma-separated)')
    .option('--agent <id>', 'only this agent')
    .option('--json', 'one JSON object per line')
    .action(async (opts: { lines: number; follow?: boolean; kind?: string; agent?: string; json?: boolean }) => {
      const { path } = where();
      const filter = filterFrom(opts);
      for (const e of await lastEvents(path, opts.lines, filter)) print(e, opts.json);
      if (!opts.follow) return;
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      process.once('SIGTERM', () => stop.abort());
      await followAuditLog(path, (e) => print(e, opts.json), stop.signal, filter);
    });

  audit.command('query')
    .description('events by kind, time and agent, oldest first')
    .option('--kind <kinds>', 'auth, message, tool, approval, egress, sandbox, config, policy, alert, audit (comma-separated)')
    .option('--since <when>', 'an ISO date or time, or a duration back from now: 30m, 2h, 7d')
    .option('--agent <id>', 'only this agent')
    .option('--limit <n>', 'at most this many (the most recent)', (v) => positiveInt(v))
    .option('--json', 'print a JSON array')
    .action(async (opts: { kind?: string; since?: string; agent?: string; limit?: number; json?: boolean }) => {
      const { path } = where();
      const filter = filterFrom(opts);
      const events: AuditEvent[] = [];
      for await (const e of queryAuditLog(path, filter)) {
        events.push(e);
        if (opts.limit && events.length > opts.limit) events.shift();
      }
      if (opts.json) return printJson(events);
      if (events.length === 0) return say('no matching events');
      for (const e of events) print(e, false);
    });
}

function where(): { path: string; home: string } {
  const loaded = loadConfig();
  return { path: auditLogPath(loaded.config, loaded.paths.home, loaded.env), home: loaded.paths.home };
}

function filterFrom(opts: { kind?: string; since?: string; agent?: string }): AuditFilter {
  const filter: AuditFilter = {};
  if (opts.kind) filter.kinds = opts.kind.split(',').map((k) => k.trim()).filter(Boolean);
  if (opts.agent) filter.agentId = opts.agent;
  if (opts.since) {
    const since = parseSince(opts.since);
    if (!since) throw new UserError(`--since "${opts.since}" is not a time: use an ISO date (2026-11-01), a time (2026-11-01T10:00:00Z) or a duration (30m, 2h, 7d)`);
    filter.since = since;
  }
  return filter;
}

function print(e: AuditEvent, json?: boolean): void {
  if (json) return say(JSON.stringify(e));
  const { seq, time, kind, action, agentId, ...rest } = e;
  const fields = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
  say(`${time} #${seq} ${kind}/${action}${agentId ? ` agent=${agentId}` : ''}${fields ? ' ' + fields : ''}`);
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`expected a whole number of at least 1, got "${v}"`);
  return n;
}
