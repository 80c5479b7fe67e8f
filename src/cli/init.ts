// `hardshell init`: makes the state folder (0700), hardshell.json with the commented secure
// defaults (0600), the workspace (0700), the store, and the owner's gateway token, which is
// printed once and stored only as a hash. It only ever adds what is missing: a second run
// changes nothing, and an existing config is never overwritten.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import type { Command } from 'commander';
import { resolveHome, statePaths, type StatePaths } from '../config/paths.ts';
import { defaultConfigText } from '../config/template.ts';
import { loadConfig } from '../config/load.ts';
import { openStore } from '../store/db.ts';
import { TokenStore } from '../edge/tokens.ts';
import { printJson, say, UserError } from './io.ts';
import { isPreset, presetConfigText, PRESETS, PRESET_TIER, type Preset } from '../posture/presets.ts';

export const OWNER_TOKEN = 'owner';

export interface InitResult {
  home: string;
  config: string;
  workspace: string;
  /** The new gateway token; present only on the run that made it. */
  token?: string;
  /** What this run made: any of "home", "config", "workspace", "store", "token". */
  created: string[];
  /** Things found that a person should fix (too-open modes). */
  warnings: string[];
}

export function register(program: Command): void {
  program.command('init')
    .description('set up the state folder: config with the secure defaults, workspace, store and a gateway token')
    .option('--json', 'print JSON: {home, config, workspace, token?, created}')
    .option('--preset <name>', `write the config for one of seed 003's tiers: ${PRESETS.map((p) => `${p} (${PRESET_TIER[p]})`).join(', ')}`)
    .action((opts: { json?: boolean; preset?: string }) => {
      if (opts.preset !== undefined && !isPreset(opts.preset)) throw new UserError(`--preset takes ${PRESETS.join(', ')}; got "${opts.preset}"`);
      const result = initStateFolder(process.env, { preset: opts.preset as Preset | undefined });
      if (opts.json) {
        const { warnings: _, ...out } = result;
        printJson(out);
      } else {
        report(result);
      }
      for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
    });
}

export function initStateFolder(env: NodeJS.ProcessEnv, opts: { preset?: Preset } = {}): InitResult {
  const paths = statePaths(resolveHome(env));
  const created: string[] = [];
  const warnings: string[] = [];
  if (makeDir(paths.home, 'state folder')) created.push('home');
  else warnIfOpen(paths.home, 0o700, warnings);
  if (makeFile(paths.config, opts.preset ? presetConfigText(opts.preset) : defaultConfigText())) created.push('config');
  else {
    warnIfOpen(paths.config, 0o600, warnings);
    if (opts.preset) warnings.push(`--preset ${opts.preset} was not applied: ${paths.config} already exists and is never overwritten`);
  }
  if (makeDir(paths.workspace, 'workspace')) created.push('workspace');
  const token = ensureStoreAndToken(paths, created);
  checkConfig(paths, env, warnings);
  return { home: paths.home, config: paths.config, workspace: paths.workspace, ...(token ? { token } : {}), created, warnings };
}

/** Makes a folder with mode 0700 (whatever the umask); false if it was already there. */
function makeDir(path: string, what: string): boolean {
  if (existsSync(path)) {
    if (!statSync(path).isDirectory()) throw new UserError(`${path} exists but is not a folder; move it away so hardshell can make its ${what} there`);
    return false;
  }
  mkdirSync(path, { recursive: true, mode: 0o700 });
  chmodSync(path, 0o700);
  return true;
}

/** Writes a new file with mode 0600; never touches one that exists. */
function makeFile(path: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new UserError(`cannot create ${path}: ${(err as Error).message}`);
  }
  try {
    chmodSync(path, 0o600);
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

function ensureStoreAndToken(paths: StatePaths, created: string[]): string | undefined {
  const storeExisted = existsSync(paths.store);
  const db = openStore(paths.store);
  try {
    if (!storeExisted) created.push('store');
    const tokens = new TokenStore(db);
    if (tokens.has(OWNER_TOKEN)) return undefined;
    const token = tokens.create(OWNER_TOKEN, ['operator']);
    created.push('token');
    return token;
  } finally {
    db.close();
  }
}

function warnIfOpen(path: string, wanted: number, warnings: string[]): void {
  const mode = statSync(path).mode & 0o777;
  if (mode & 0o077) {
    warnings.push(`${path} can be read by other users (mode ${mode.toString(8)}); run: chmod ${wanted.toString(8)} ${path}`);
  }
}

/** An existing config is kept as it is, but its owner should hear if it does not load. */
function checkConfig(paths: StatePaths, env: NodeJS.ProcessEnv, warnings: string[]): void {
  try {
    loadConfig({ env, home: paths.home });
  } catch (err) {
    warnings.push(`the existing configuration has problems (it was not changed); run "hardshell config validate":\n${(err as Error).message}`);
  }
}

const LABELS: Record<string, (r: InitResult) => string> = {
  home: (r) => `${r.home} (the state folder, mode 700)`,
  config: (r) => `${r.config} (the configuration with the secure defaults, mode 600)`,
  workspace: (r) => `${r.workspace} (the agent's workspace, mode 700)`,
  store: (r) => `${statePaths(r.home).store} (the store)`,
};

function report(r: InitResult): void {
  const made = r.created.filter((c) => c in LABELS);
  if (r.created.length === 0) {
    say(`hardshell is already set up at ${r.home}; nothing changed.`);
    return;
  }
  say(r.created.includes('home') ? `Set up hardshell in ${r.home}:` : `hardshell was partly set up at ${r.home}; added what was missing:`);
  for (const c of made) say(`  created ${LABELS[c](r)}`);
  if (!r.created.includes('config')) say(`  kept    ${r.config} (an existing configuration is never overwritten)`);
  if (r.token) {
    say('');
    say(`Gateway token (owner, operator scope): ${r.token}`);
    say('Keep it now, somewhere safe: it is shown only this once. hardshell stores only its hash, so it cannot show it again.');
    say('Clients send it as the header "Authorization: Bearer <token>".');
  }
}
