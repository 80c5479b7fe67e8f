// `hardshell bans list|lift`: the clients the gateway shut out after repeated failed
// authentication. A lift takes effect on a running gateway within a second.
import type { Command } from 'commander';
import { loadConfig } from '../config/load.ts';
import { openStore } from '../store/db.ts';
import { listBans, liftBan } from '../edge/bans.ts';
import { printJson, say, UserError } from './io.ts';

export function register(program: Command): void {
  const bans = program.command('bans').description('list and lift the bans the gateway placed on clients');

  bans.command('list')
    .description('banned clients (and past ones, whose strikes make their next ban longer)')
    .option('--all', 'include bans that have ended')
    .option('--json', 'as JSON')
    .action((opts: { all?: boolean; json?: boolean }) => withStore((store) => {
      const now = Date.now();
      const rows = listBans(store).filter((b) => opts.all || b.until > now)
        .map((b) => ({ ...b, until: new Date(b.until).toISOString(), active: b.until > now }));
      if (opts.json) return printJson(rows);
      if (rows.length === 0) return say(opts.all ? 'no client has ever been banned' : 'no client is banned now (--all shows past bans)');
      for (const b of rows) say(`${b.key}  ${b.active ? 'banned until' : 'was banned until'} ${b.until}  strikes ${b.strikes}  ${b.reason}`);
    }));

  bans.command('lift <address>')
    .description('lift the ban on an address (and on web pages from it) and forget its strikes')
    .action((address: string) => withStore((store) => {
      const lifted = liftBan(store, address.trim());
      if (lifted.length === 0) throw new UserError(`"${address}" is not banned; "hardshell bans list" shows who is`);
      say(`lifted: ${lifted.join(', ')}`);
    }));
}

function withStore(fn: (store: ReturnType<typeof openStore>) => void): void {
  const loaded = loadConfig();
  const store = openStore(loaded.paths.store);
  try {
    fn(store);
  } finally {
    store.close();
  }
}
