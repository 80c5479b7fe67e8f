// What the checks look at, gathered once per audit and read only: the effective config
// (defaults + file + env), the raw file text with its key positions, file stats, the token
// store, the deployment files in the audited folder, and host facts where readable. Nothing
// here spawns a process or opens a connection; reads are cached so 120+ checks stay cheap.
import { existsSync, lstatSync, readFileSync, readdirSync, statSync, type Stats } from 'node:fs';
import { delimiter, dirname, join, relative, resolve, sep } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { pathToFileURL } from 'node:url';
import { loadConfig, type LoadedConfig } from '../config/load.ts';
import { configSchema, type Config } from '../config/schema.ts';
import { resolveHome, statePaths, type StatePaths } from '../config/paths.ts';
import { agentIds, effectiveAgent, type EffectiveAgent } from '../config/agents.ts';
import { scanPositions, type PositionMap } from '../config/positions.ts';
import { formatKeyPath, type KeyPath } from '../config/keypath.ts';
import { isIgnoredByGit } from './gitignore.ts';
import { parseCompose, type ComposeFile } from './compose.ts';
import { loadOpenClaw, readOpenClaw, type OpenClawInstall } from './openclaw.ts';

export interface AuditOptions {
  env?: NodeJS.ProcessEnv;
  /** The state folder (default: $HARDSHELL_HOME or ~/.hardshell). */
  home?: string;
  /** A config file elsewhere than the state folder. */
  file?: string;
  /** The folder whose deployment files (Dockerfile, compose, systemd units) are audited; default: cwd. */
  projectDir?: string;
  /** Host files are read under this root (default "/"): for a mounted image, or tests. */
  hostRoot?: string;
  /** The user id hardshell runs as (default: process.getuid()). */
  uid?: number;
  now?: Date;
  /** The address the gateway will listen on when it differs from gateway.bind (--bind). */
  bind?: string;
  /** Audit an OpenClaw install instead: its state folder (default ~/.openclaw). */
  openclaw?: string | true;
}

export interface StoreToken { name: string; scopes: string[]; createdAt: string; expiresAt: string | null }

/** Thrown by ctx.cfg() when the config did not load: the runner skips that check. */
export class NoConfig extends Error {}

export interface AuditContext {
  env: NodeJS.ProcessEnv;
  /** Set when auditing an OpenClaw install (its config read through the migration). */
  openclaw?: OpenClawInstall;
  paths: StatePaths;
  loaded: LoadedConfig | null;
  configError: Error | null;
  /** The effective config; throws NoConfig when it did not load. */
  cfg(): Config;
  rawText: string | null;
  /** The line of a canonical key path in the config file, when it is written there. */
  lineOf(path: KeyPath): number | undefined;
  /** True when the value at this canonical path came from `${VAR}` rather than the file. */
  isReference(path: KeyPath): boolean;
  agents(): EffectiveAgent[];
  bind(): string;
  projectDir: string;
  hostRoot: string;
  uid: number | undefined;
  now: Date;
  /** lstat, cached; null when missing or unreadable. */
  lstat(path: string): Stats | null;
  /** stat (following links), cached. */
  stat(path: string): Stats | null;
  /** A text file's content (first 1 MB), cached; null when missing or unreadable. */
  read(path: string): string | null;
  /** A host file, under hostRoot. */
  host(path: string): string;
  /** Files directly in a folder, [] when unreadable. */
  list(dir: string): string[];
  /** The executable named `bin` on PATH, if any. */
  which(bin: string): string | null;
  /** Tokens in the store (read only); null when there is no store or it cannot be read. */
  storeTokens(): StoreToken[] | null;
  /** The git work tree holding path, if any. */
  gitRoot(path: string): string | null;
  gitIgnored(path: string): boolean;
  /** True when git's index lists the file (it is committed or staged). */
  gitTracked(path: string): boolean;
  /** Deployment files found in projectDir. */
  dockerfiles(): string[];
  composeFiles(): ComposeFile[];
  systemdUnits(): string[];
}

export function buildContext(opts: AuditOptions = {}): AuditContext {
  const env = opts.env ?? process.env;
  const home = opts.home ?? resolveHome(env);
  let loaded: LoadedConfig | null = null;
  let configError: Error | null = null;
  let openclaw: OpenClawInstall | undefined;
  let paths: StatePaths;
  if (opts.openclaw !== undefined) {
    openclaw = readOpenClaw(opts.openclaw === true ? undefined : opts.openclaw, env);
    const oc = loadOpenClaw(openclaw, env);
    ({ loaded, paths } = oc);
    configError = oc.error;
  } else {
    try {
      loaded = loadConfig({ env, home, file: opts.file });
    } catch (err) {
      configError = err as Error;
    }
    paths = loaded?.paths ?? fallbackPaths(home, opts.file);
  }
  const statCache = new Map<string, Stats | null>();
  const lstatCache = new Map<string, Stats | null>();
  const readCache = new Map<string, string | null>();
  const memo = <T>(fn: () => T): (() => T) => { let done = false; let v: T; return () => { if (!done) { v = fn(); done = true; } return v; }; };

  const read = (path: string): string | null => {
    if (readCache.has(path)) return readCache.get(path)!;
    let text: string | null = null;
    try {
      const s = statSync(path);
      if (s.isFile()) text = readFileSync(path, 'utf8').slice(0, 1024 * 1024);
    } catch { /* missing or unreadable: null */ }
    readCache.set(path, text);
    return text;
  };
  const rawText = read(paths.config);
  const positions = memo((): PositionMap => rawText ? scanPositions(rawText) : { at: () => undefined, duplicates: [] });
  const refs = new Set((loaded?.references ?? []).map((r) => formatKeyPath(r.path)));
  const projectDir = resolve(opts.projectDir ?? process.cwd());
  const hostRoot = opts.hostRoot ?? '/';
  const list = (dir: string): string[] => { try { return readdirSync(dir); } catch { return []; } };
  const gitRoot = (path: string): string | null => {
    for (let d = dirname(resolve(path)); ; d = dirname(d)) {
      if (existsSync(join(d, '.git'))) return d;
      if (dirname(d) === d) return null;
    }
  };
  const projectDirs = memo(() => [projectDir, join(projectDir, 'deploy'), join(projectDir, 'docker')]);
  const projectFiles = (match: (name: string) => boolean) => projectDirs().flatMap((d) => list(d).filter(match).map((n) => join(d, n)))
    .filter((p) => statSync(p, { throwIfNoEntry: false })?.isFile());

  const ctx: AuditContext = {
    env, paths, loaded, configError, rawText, openclaw,
    cfg: () => {
      if (!loaded) throw new NoConfig();
      return loaded.config;
    },
    lineOf: (path) => positions().at(path)?.line,
    isReference: (path) => refs.has(formatKeyPath(path)),
    agents: memo(() => {
      const config = ctx.cfg();
      return agentIds(config).map((id) => effectiveAgent(config, id, paths.home));
    }),
    bind: () => opts.bind ?? ctx.cfg().gateway.bind,
    projectDir, hostRoot,
    uid: opts.uid ?? (typeof process.getuid === 'function' ? process.getuid() : undefined),
    now: opts.now ?? new Date(),
    lstat: (path) => cached(lstatCache, path, () => lstatSync(path)),
    stat: (path) => cached(statCache, path, () => statSync(path)),
    read,
    host: (path) => join(hostRoot, path),
    list,
    which: (bin) => {
      for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
        const p = join(dir, bin);
        const s = ctx.stat(p);
        if (s?.isFile() && (s.mode & 0o111)) return p;
      }
      return null;
    },
    storeTokens: memo(() => readStoreTokens(paths.store)),
    gitRoot,
    gitIgnored: (path) => {
      const root = gitRoot(path);
      return root ? isIgnoredByGit(root, relative(root, resolve(path)).split(sep).join('/'), read) : false;
    },
    gitTracked: (path) => {
      const root = gitRoot(path);
      if (!root) return false;
      const index = readIndex(join(root, '.git', 'index'));
      if (!index) return false;
      const rel = relative(root, resolve(path)).split(sep).join('/');
      // Index entries store the path followed by a NUL; good enough to tell "listed" apart.
      return index.includes(Buffer.from(`${rel}\0`));
    },
    dockerfiles: memo(() => projectFiles((n) => /^(Dockerfile|Containerfile)(\..+)?$/.test(n) || n.endsWith('.Dockerfile'))),
    composeFiles: memo(() => projectFiles((n) => /^(docker-)?compose(\.[\w-]+)?\.ya?ml$/.test(n)).map((file) => parseCompose(file, read(file) ?? ''))),
    systemdUnits: memo(() => [
      ...projectFiles((n) => n.endsWith('.service')),
      ...['etc/systemd/system', 'lib/systemd/system', 'usr/lib/systemd/system']
        .flatMap((d) => list(join(hostRoot, d)).filter((n) => /^(hardshell|openclaw|clawdbot)[\w@.-]*\.service$/.test(n)).map((n) => join(hostRoot, d, n))),
    ]),
  };
  return ctx;
}

function cached(cache: Map<string, Stats | null>, path: string, fn: () => Stats): Stats | null {
  if (cache.has(path)) return cache.get(path)!;
  let s: Stats | null = null;
  try { s = fn(); } catch { s = null; }
  cache.set(path, s);
  return s;
}

function fallbackPaths(home: string, file?: string): StatePaths {
  const p = statePaths(home);
  if (file) {
    p.config = resolve(file);
    p.envFile = join(dirname(p.config), '.env');
  }
  return p;
}

function readIndex(file: string): Buffer | null {
  try {
    return readFileSync(file);
  } catch {
    return null;
  }
}

function readStoreTokens(file: string): StoreToken[] | null {
  if (!existsSync(file)) return null;
  let db: DatabaseSync | undefined;
  try {
    // With no -wal beside it nobody has the store open: read it as immutable, so the audit
    // creates no -shm file. While the gateway runs, read through its WAL like any reader.
    db = existsSync(`${file}-wal`) ? new DatabaseSync(file, { readOnly: true }) : new DatabaseSync(new URL(`${pathToFileURL(file).href}?immutable=1`), { readOnly: true });
    const rows = db.prepare('SELECT name, scopes, created_at, expires_at FROM tokens').all() as Array<Record<string, string | null>>;
    return rows.map((r) => ({ name: String(r.name), scopes: safeJson(r.scopes), createdAt: String(r.created_at), expiresAt: r.expires_at ?? null }));
  } catch {
    return null;
  } finally {
    db?.close();
  }
}

function safeJson(text: string | null): string[] {
  try {
    const v = JSON.parse(text ?? '[]');
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}

/** The defaults, for tier and preset reasoning when no file exists. */
export function defaultConfig(): Config {
  return configSchema.parse({});
}
