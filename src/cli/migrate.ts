// `hardshell migrate openclaw [PATH]`: converts an OpenClaw config to hardshell's and lists
// what it could not carry over. Prints the result; --write saves it as the state folder's
// hardshell.json (mode 600), never over an existing one. Tokens are never carried over.
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { resolveHome, statePaths } from '../config/paths.ts';
import { printJson, say, UserError } from './io.ts';

export function register(program: Command): void {
  const migrate = program.command('migrate').description('bring settings over from another agent gateway');
  migrate.command('openclaw [folder]')
    .description('convert an OpenClaw config (default ~/.openclaw/openclaw.json) to hardshell\'s, listing what cannot be carried over')
    .option('--write', 'save it as hardshell.json in the state folder (never overwrites one)')
    .option('--json', 'print {config, carried, notCarried} as JSON')
    .action(async (folder: string | undefined, opts: { write?: boolean; json?: boolean }) => {
      const { readOpenClaw } = await import('../posture/openclaw.ts');
      const { parseConfigText } = await import('../config/load.ts');
      const install = readOpenClaw(folder, process.env);
      if (!install.conversion) throw new UserError(install.error?.message ?? 'nothing to migrate');
      const c = install.conversion;
      const text = `// Migrated from ${install.file} by hardshell migrate openclaw.\n// Not carried over (see below when it ran): ${c.notCarried.length} setting(s). Check with: hardshell security audit\n${JSON.stringify(c.config, null, 2)}\n`;
      // Fails loudly, naming the key, if the conversion is wrong; ${VAR}s are checked when the config is used.
      const vars = Object.fromEntries([...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => [m[1], 'set']));
      parseConfigText(text, 'migrated config', vars);
      let written: string | undefined;
      if (opts.write) {
        const paths = statePaths(resolveHome(process.env));
        if (existsSync(paths.config)) throw new UserError(`${paths.config} already exists and is never overwritten: move it away first, or copy what you need from "hardshell migrate openclaw" by hand`);
        mkdirSync(paths.home, { recursive: true, mode: 0o700 });
        writeFileSync(paths.config, text, { mode: 0o600, flag: 'wx' });
        chmodSync(paths.config, 0o600);
        written = paths.config;
      }
      if (opts.json) {
        printJson({ from: install.file, ...(written ? { written } : {}), ...c });
        return;
      }
      if (!written) process.stdout.write(text);
      say('');
      say(`Carried over from ${install.file}:`);
      for (const line of c.carried) say(`  ✓ ${line}`);
      say(c.notCarried.length ? 'Not carried over:' : 'Everything was carried over.');
      for (const n of c.notCarried) say(`  ✗ ${n.key}: ${n.why}`);
      if (written) say(`Wrote ${written} (mode 600). Next: hardshell init (makes the gateway token), then hardshell security audit.`);
    });
}
