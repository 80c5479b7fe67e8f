// Where hardshell keeps its state. One folder, chosen by $HARDSHELL_HOME (default ~/.hardshell).
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

export interface StatePaths {
  home: string;
  config: string;
  store: string;
  workspace: string;
  /** The optional .env file beside the config (seed 25). */
  envFile: string;
}

export function resolveHome(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.HARDSHELL_HOME?.trim();
  return fromEnv ? resolve(expandTilde(fromEnv, env)) : join(userHome(env), '.hardshell');
}

export function statePaths(home: string): StatePaths {
  return {
    home,
    config: join(home, 'hardshell.json'),
    store: join(home, 'hardshell.db'),
    workspace: join(home, 'workspace'),
    envFile: join(home, '.env'),
  };
}

/** `~` and `~/x` mean the user's home folder; anything else is returned unchanged. */
export function expandTilde(path: string, env: NodeJS.ProcessEnv = process.env): string {
  if (path === '~') return userHome(env);
  if (path.startsWith('~/')) return join(userHome(env), path.slice(2));
  return path;
}

/** A configured path: `~` expanded, relative paths taken from the state folder. */
export function resolveConfigPath(path: string, home: string, env: NodeJS.ProcessEnv = process.env): string {
  const expanded = expandTilde(path, env);
  return isAbsolute(expanded) ? expanded : resolve(home, expanded);
}

function userHome(env: NodeJS.ProcessEnv): string {
  return env.HOME?.trim() || homedir();
}
