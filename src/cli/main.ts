// The `hardshell` command. Each subcommand lives in its own file and registers itself here.
import { Command } from 'commander';
import { UserError } from './io.ts';

/**
 * Every subcommand, by name; each lives in the file of that name and exports `register`.
 * Only the module of the command being run is loaded (all of them for help or a typo), so a
 * command does not pay for the start-up of every other one.
 */
export const COMMANDS = [
  'init', 'gateway', 'agent', 'chat', 'sessions', 'memory', 'config', 'secrets', 'audit',
  'approvals', 'policy', 'security', 'doctor', 'migrate', 'demo', 'channels', 'pairing',
  'token', 'bans', 'sandbox',
] as const;

// Sources run as .ts in a checkout and as compiled .js from dist/.
const EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

export async function buildProgram(argv: string[] = []): Promise<Command> {
  const program = new Command('hardshell')
    .description('A self-hosted AI agent gateway with its security controls built in and on by default.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help to see the options)');
  const args = argv.slice(2);
  const asked = args.find((a) => !a.startsWith('-'));
  const versionOnly = !asked && args.some((a) => a === '-V' || a === '--version');
  const names = versionOnly ? [] : COMMANDS.includes(asked as (typeof COMMANDS)[number]) ? [asked!] : COMMANDS;
  for (const name of names) {
    const { register } = await import(new URL(`./${name}${EXT}`, import.meta.url).href) as { register(program: Command): void };
    register(program);
  }
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await (await buildProgram(argv)).parseAsync(argv);
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
