// `hardshell config path|validate|get`: where the configuration is, whether it loads (and how
// its seed spellings were read), and what the effective settings are. `get` never prints a
// secret: values from `${VAR}` show as that reference, credentials as "(set)".
import type { Command } from 'commander';
import { resolveHome, statePaths } from '../config/paths.ts';
import { loadConfig, type AliasNote } from '../config/load.ts';
import { ConfigError } from '../config/errors.ts';
import { displayConfig } from '../config/display.ts';
import { schemaAt, keysAt } from '../config/describe.ts';
import { closest, formatKeyPath, getAt, isPlainObject, parseKeyPath } from '../config/keypath.ts';
import { printJson, say, UserError } from './io.ts';

export function register(program: Command): void {
  const config = program.command('config').description('show and check the configuration (hardshell.json)');

  config.command('path')
    .description('print where the configuration file is (it may not exist yet)')
    .action(() => say(statePaths(resolveHome(process.env)).config));

  config.command('validate')
    .description('check the configuration; print each seed spelling that was read as a canonical key')
    .option('--json', 'print JSON: {ok, file, exists, aliases} or {ok: false, file, errors}')
    .action((opts: { json?: boolean }) => {
      let loaded;
      try {
        loaded = loadConfig();
      } catch (err) {
        if (!(err instanceof ConfigError) || !opts.json) throw err;
        printJson({ ok: false, file: statePaths(resolveHome(process.env)).config, errors: err.problems });
        process.exitCode = 1;
        return;
      }
      const { paths, exists, aliases } = loaded;
      if (opts.json) return printJson({ ok: true, file: paths.config, exists, aliases });
      say(exists ? `ok: ${paths.config}` : `ok: there is no ${paths.config}, so the secure defaults apply (run "hardshell init" to write them out)`);
      for (const note of aliases) say(`note: ${note.from} is read as ${note.to} (${where(note, paths.config)})`);
    });

  config.command('get')
    .description('print the effective configuration, or one key such as gateway.port')
    .argument('[key]', 'a key path: gateway.port, tools.exec, agents.list[0].id')
    .option('--json', 'print JSON')
    .action((key: string | undefined, opts: { json?: boolean }) => {
      const shown = displayConfig(loadConfig());
      if (key === undefined) return printJson(shown);
      const path = parseKeyPath(key);
      if (!path) throw new UserError(`"${key}" is not a key path; write it like gateway.port or agents.list[0].id`);
      let value = getAt(shown, path);
      if (value === undefined) {
        if (!schemaAt(path)) throw new UserError(`there is no key "${key}" in the configuration${suggest(shown, path)}`);
        value = null;
      }
      if (opts.json || (typeof value === 'object' && value !== null)) return printJson(value);
      say(value === null ? '(not set)' : String(value));
    });
}

function where(note: AliasNote, configFile: string): string {
  if (note.file === configFile) return note.line === undefined ? 'in hardshell.json' : `line ${note.line}`;
  if (note.file === 'environment') return 'from the environment';
  return note.line === undefined ? note.file : `${note.file} line ${note.line}`;
}

/** " (did you mean "gateway.port"?)" from the deepest part of the path that exists. */
function suggest(shown: Record<string, unknown>, path: (string | number)[]): string {
  let depth = 0;
  while (depth < path.length && getAt(shown, path.slice(0, depth + 1)) !== undefined) depth++;
  const parent = path.slice(0, depth);
  const wrong = path[depth];
  if (typeof wrong !== 'string') return '';
  const node = getAt(shown, parent);
  const keys = [...new Set([...(isPlainObject(node) ? Object.keys(node) : []), ...keysAt(parent)])];
  const guess = closest(wrong, keys);
  return guess ? ` (did you mean "${formatKeyPath([...parent, guess])}"?)` : keys.length ? ` (the keys${parent.length ? ` of ${formatKeyPath(parent)}` : ''} are: ${keys.join(', ')})` : '';
}
