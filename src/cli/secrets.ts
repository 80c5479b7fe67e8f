// `hardshell secrets set|list|rm|rotate`: the encrypted local secret store. Values are read
// from stdin only, never from the command line (where they would land in shell history and
// the process list), and `list` shows names and dates, never values.
import type { Command } from 'commander';
import { loadConfig } from '../config/load.ts';
import { SecretStore } from '../secrets/store.ts';
import { secretProvider } from '../secrets/providers.ts';
import { SECRET_NAME } from '../secrets/names.ts';
import { printJson, say, UserError } from './io.ts';

export function register(program: Command): void {
  const secrets = program.command('secrets').description('keep secrets in the encrypted local store (values are read from stdin)');

  secrets.command('set')
    .description('add or replace a secret; the value is read from stdin (e.g. printf %s "$VALUE" | hardshell secrets set NAME)')
    .argument('<name>', 'the secret\'s name, used in config as ${secret:NAME}')
    .action(async (name: string) => {
      const { store, provider } = open(name);
      const existed = store.set(name, await readValue(name));
      say(`${existed ? 'replaced' : 'stored'} the secret ${name} in ${store.file}`);
      if (provider !== 'store') say(`note: secrets.provider is "${provider}", so hardshell reads secrets from there; set secrets.provider to "store" to use this one`);
    });

  secrets.command('rotate')
    .description('replace an existing secret with a new value from stdin')
    .argument('<name>', 'the secret\'s name')
    .action(async (name: string) => {
      const { store } = open(name);
      if (!store.list().some((s) => s.name === name)) throw new UserError(`there is no secret "${name}" in the store to rotate; add it with "hardshell secrets set ${name}"`);
      store.set(name, await readValue(name));
      say(`rotated the secret ${name}; restart the gateway so it uses the new value`);
    });

  secrets.command('rm')
    .description('remove a secret from the store')
    .argument('<name>', 'the secret\'s name')
    .action((name: string) => {
      const { store } = open(name);
      if (!store.remove(name)) throw new UserError(`there is no secret "${name}" in the store; "hardshell secrets list" shows them`);
      say(`removed the secret ${name}`);
    });

  secrets.command('list')
    .description('list secret names (never values) from the configured provider, with dates for the store')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const loaded = loadConfig();
      const kind = loaded.config.secrets.provider;
      const rows = kind === 'store'
        ? new SecretStore(loaded.paths.home, loaded.env).list()
        : secretProvider(loaded.config, loaded.env, loaded.paths.home).names().map((name) => ({ name }));
      if (opts.json) return printJson({ provider: kind, secrets: rows });
      if (rows.length === 0) return say(`no secrets (provider: ${kind})`);
      for (const r of rows) {
        const dated = r as { created?: string; updated?: string };
        say(dated.created ? `${r.name.padEnd(28)} created ${dated.created}  updated ${dated.updated}` : r.name);
      }
    });
}

function open(name: string): { store: SecretStore; provider: string } {
  if (!SECRET_NAME.test(name)) throw new UserError(`"${name}" is not a valid secret name: use letters, digits and _ only`);
  const loaded = loadConfig();
  return { store: new SecretStore(loaded.paths.home, loaded.env), provider: loaded.config.secrets.provider };
}

async function readValue(name: string): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write(`value for ${name} (end with Ctrl-D; it is not echoed anywhere else):\n`);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const value = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (!value) throw new UserError(`no value arrived on stdin for ${name}: pipe it in, e.g. printf %s "$VALUE" | hardshell secrets set ${name}`);
  return value;
}
