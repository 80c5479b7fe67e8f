// The `hardshell` command. Each subcommand lives in its own file and registers itself here.
import { Command } from 'commander';
import { UserError } from './io.ts';
import { register as agent } from './agent.ts';
import { register as chat } from './chat.ts';
import { register as config } from './config.ts';
import { register as gateway } from './gateway.ts';
import { register as init } from './init.ts';
import { register as memory } from './memory.ts';
import { register as sessions } from './sessions.ts';
import { register as security } from './security.ts';
import { register as doctor } from './doctor.ts';
import { register as migrate } from './migrate.ts';
import { register as approvals } from './approvals.ts';
import { register as policy } from './policy.ts';
import { register as secrets } from './secrets.ts';
import { register as audit } from './audit.ts';
import { register as channels } from './channels.ts';
import { register as pairing } from './pairing.ts';
import { register as token } from './token.ts';
import { register as bans } from './bans.ts';

export function buildProgram(): Command {
  const program = new Command('hardshell')
    .description('A self-hosted AI agent gateway with its security controls built in and on by default.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help to see the options)');
  for (const register of [init, gateway, agent, chat, sessions, memory, config, secrets, audit, approvals, policy, security, doctor, migrate, channels, pairing, token, bans]) register(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    process.exitCode = reportError(err);
  }
}

/** Prints an error for a person and returns the exit code. Stack traces only on request. */
export function reportError(err: unknown): number {
  const e = err as Error & { exitCode?: number; code?: string };
  if (e?.code?.startsWith?.('commander.')) return e.exitCode ?? 1; // commander already printed it
  const known = err instanceof UserError || ['ConfigError', 'GatewayStartError'].includes(e?.name);
  process.stderr.write(`hardshell: ${e?.message ?? String(err)}\n`);
  if (!known) {
    process.stderr.write('This looks like a bug in hardshell. Run again with HARDSHELL_DEBUG=1 to see the details.\n');
  }
  if (process.env.HARDSHELL_DEBUG && e?.stack) process.stderr.write(e.stack + '\n');
  return e?.exitCode ?? 1;
}
