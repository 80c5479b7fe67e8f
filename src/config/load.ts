// Loading hardshell.json: read (JSON5), fill `${VAR}` from the environment and the .env file
// beside it, rewrite seed spellings onto canonical keys, validate against the schema. Every
// problem found is reported at once, each naming the file, the line and the key path.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import JSON5 from 'json5';
import type { z } from 'zod';
import { configSchema, type Config } from './schema.ts';
import { resolveHome, statePaths, expandTilde, type StatePaths } from './paths.ts';
import { ConfigError, type ConfigProblem } from './errors.ts';
import { scanPositions, type PositionMap } from './positions.ts';
import { interpolate, type Reference } from './interpolate.ts';
import { applyEnvAliases, applyFileAliases, type AliasNote, type EnvSource, type Move } from './aliases.ts';
import { parseDotEnv } from './dotenv.ts';
import { describeSchema, keysAt, schemaAt } from './describe.ts';
import { closest, formatKeyPath, getAt, isPlainObject, startsWith, type KeyPath } from './keypath.ts';

export type { AliasNote } from './aliases.ts';
export type { Reference } from './interpolate.ts';

export interface LoadedConfig {
  config: Config;
  paths: StatePaths;
  /** Whether hardshell.json exists (when not, config is the defaults). */
  exists: boolean;
  /** Seed spellings that were read as canonical keys, for `config validate`. */
  aliases: AliasNote[];
  /** The environment with the .env file's values under it: use this, not process.env. */
  env: NodeJS.ProcessEnv;
  /** Values that came from `${VAR}`, by canonical key path: shown as this text, never as the value. */
  references: Reference[];
}

export interface ParsedConfig {
  config: Config;
  aliases: AliasNote[];
  references: Reference[];
}

export function loadConfig(opts: { env?: NodeJS.ProcessEnv; home?: string; file?: string } = {}): LoadedConfig {
  const baseEnv = opts.env ?? process.env;
  const home = opts.home ?? resolveHome(baseEnv);
  const paths = statePaths(home);
  if (opts.file) {
    paths.config = resolve(opts.file);
    paths.envFile = join(dirname(paths.config), '.env');
  }
  const dotenv = readDotEnvFile(paths.envFile);
  // The real environment wins over the file.
  const env: NodeJS.ProcessEnv = { ...dotenv.values, ...baseEnv };
  const sourceOf: EnvSource = (name) =>
    baseEnv[name] === undefined && name in dotenv.values ? { file: paths.envFile, line: dotenv.lines[name] } : { file: 'environment' };
  const text = readConfigFile(paths.config);
  const parsed = parse(text, paths.config, env, sourceOf);
  return { ...parsed, paths, exists: text !== null, env };
}

/** Parses the text of a hardshell.json. env supplies `${VAR}` and the env-variable aliases. */
export function parseConfigText(text: string, file: string, env: NodeJS.ProcessEnv): ParsedConfig {
  return parse(text, file, env, () => ({ file: 'environment' }));
}

function readConfigFile(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new ConfigError({ file, message: `cannot read the configuration file (${code ?? (err as Error).message}): check that it is a file you can read` });
  }
}

function readDotEnvFile(file: string): ReturnType<typeof parseDotEnv> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { values: {}, lines: {}, problems: [] };
    throw new ConfigError({ file, message: `cannot read the .env file (${code ?? (err as Error).message}): check that it is a file you can read, or remove it` });
  }
  const parsed = parseDotEnv(text, file);
  if (parsed.problems.length > 0) throw new ConfigError(parsed.problems);
  return parsed;
}

/** Path-like keys where a leading `~` means the user's home folder. */
const TILDE_PATHS: KeyPath[] = [
  ['security', 'audit', 'path'], ['gateway', 'tls', 'cert'], ['gateway', 'tls', 'key'],
  ['agents', 'defaults', 'workspace'], ['logging', 'file'], ['secrets', 'dir'],
];

function parse(text: string | null, file: string, env: NodeJS.ProcessEnv, sourceOf: EnvSource): ParsedConfig {
  const raw = text === null ? {} : parseJson5(text, file);
  const positions: PositionMap = text === null ? { at: () => undefined, duplicates: [] } : scanPositions(text);
  const lineOf = (path: KeyPath): number | undefined => {
    for (let p = path; ; p = p.slice(0, -1)) {
      const at = positions.at(p);
      if (at) return at.line;
      if (p.length === 0) return undefined;
    }
  };

  const duplicateProblems: ConfigProblem[] = positions.duplicates.map((d) => ({
    file, line: d.second.line, keyPath: formatKeyPath(d.path),
    message: `${formatKeyPath(d.path)} is written twice (also on line ${d.first.line}); only the last one would count: remove one`,
  }));

  const interpolated = interpolate(raw, env);
  const refProblems: ConfigProblem[] = interpolated.problems.map((p) => ({ file, line: lineOf(p.path), keyPath: formatKeyPath(p.path), message: p.message }));

  const doc = interpolated.value as Record<string, unknown>;
  const fileAliases = applyFileAliases(doc, { file, lineOf });
  const envAliases = applyEnvAliases(doc, env, sourceOf, file);
  const moves = fileAliases.moves;
  const toRaw = (path: KeyPath): KeyPath => {
    let p = path;
    for (const m of [...moves].reverse()) if (startsWith(p, m.to)) p = [...m.from, ...p.slice(m.to.length)];
    return positions.at(p) === undefined && positions.at(path) !== undefined ? path : p;
  };
  const toCanonical = (path: KeyPath): KeyPath => {
    let p = path;
    for (const m of moves) if (startsWith(p, m.from)) p = [...m.to, ...p.slice(m.from.length)];
    return p;
  };

  const result = configSchema.safeParse(doc);
  const schemaProblems: ConfigProblem[] = result.success ? [] : result.error.issues.flatMap((issue) =>
    issueProblems(issue, { file, doc, lineOf, toRaw, references: interpolated.references }));

  const problems = [
    ...duplicateProblems,
    ...byLine(refProblems),
    ...byLine(fileAliases.problems),
    ...envAliases.problems,
    ...byLine(schemaProblems),
  ];
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);

  const config = result.data;
  const postProblems = checkAgents(config, file, lineOf);
  if (postProblems.length > 0) throw new ConfigError(postProblems);
  expandPaths(config, env);

  return {
    config,
    aliases: [...fileAliases.notes, ...envAliases.notes],
    references: interpolated.references.map((r) => ({ path: toCanonical(r.path), text: r.text })),
  };
}

function parseJson5(text: string, file: string): Record<string, unknown> {
  if (text.trim() === '') {
    throw new ConfigError({ file, line: 1, message: 'the file is empty: write {} to use the defaults, or delete the file' });
  }
  let value: unknown;
  try {
    value = JSON5.parse(text);
  } catch (err) {
    const e = err as SyntaxError & { lineNumber?: number; columnNumber?: number };
    const what = e.message.replace(/^JSON5:\s*/, '').replace(/\s+at \d+:\d+$/, '');
    throw new ConfigError({ file, line: e.lineNumber, column: e.columnNumber, message: `${what}: this is not valid JSON5 (look for a missing comma, quote, colon or brace here or just before)` });
  }
  if (!isPlainObject(value)) {
    const got = Array.isArray(value) ? 'a list' : JSON.stringify(value);
    throw new ConfigError({ file, line: 1, message: `the configuration must be an object, { ... }, got ${got}` });
  }
  return value;
}

interface IssueContext {
  file: string;
  doc: unknown;
  lineOf(path: KeyPath): number | undefined;
  toRaw(path: KeyPath): KeyPath;
  references: Reference[];
}

type Issue = z.core.$ZodIssue;

/** One zod issue as sentences a person can act on. */
function issueProblems(issue: Issue, ctx: IssueContext): ConfigProblem[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const known = keysAt(path);
    return issue.keys.map((key) => {
      const raw = ctx.toRaw([...path, key]);
      const parent = raw.slice(0, -1);
      const guess = closest(key, known);
      const hint = guess ? `did you mean "${formatKeyPath([...parent, guess])}"?`
        : `${parent.length === 0 ? 'the top-level keys are' : `the keys of ${formatKeyPath(parent)} are`}: ${known.join(', ')}`;
      return { file: ctx.file, line: ctx.lineOf(raw), keyPath: formatKeyPath(raw), message: `unknown key "${formatKeyPath(raw)}" (${hint})` };
    });
  }
  const raw = ctx.toRaw(path);
  const name = formatKeyPath(raw) || 'the configuration';
  const value = getAt(ctx.doc, path);
  const schema = schemaAt(path);
  const expected = issue.code === 'invalid_format' && issue.format === 'regex' ? issue.message
    : schema ? describeSchema(schema) : issue.message;
  const message = value === undefined
    ? `${name} is missing: it must be ${expected}`
    : `${name} must be ${expected}, got ${show(value, raw, ctx.references)}`;
  return [{ file: ctx.file, line: ctx.lineOf(raw), keyPath: formatKeyPath(raw), message }];
}

const SECRET_KEYS = [/^security\.auth\.(key|tokens)/, /^models\.providers\..*\.apiKey$/];

/** How a wrong value is quoted back: references as written, secrets never. */
function show(value: unknown, raw: KeyPath, references: Reference[]): string {
  const ref = references.find((r) => formatKeyPath(r.path) === formatKeyPath(raw));
  if (ref) return JSON.stringify(ref.text);
  const kind = Array.isArray(value) ? 'a list' : value === null ? 'null' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
  if (SECRET_KEYS.some((re) => re.test(formatKeyPath(raw)))) return kind;
  if (typeof value === 'object' && value !== null) return kind;
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function byLine(problems: ConfigProblem[]): ConfigProblem[] {
  return [...problems].sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
}

function checkAgents(config: Config, file: string, lineOf: (p: KeyPath) => number | undefined): ConfigProblem[] {
  const seen = new Map<string, number>();
  const problems: ConfigProblem[] = [];
  config.agents.list.forEach((agent, i) => {
    const first = seen.get(agent.id);
    if (first !== undefined) {
      const at: KeyPath = ['agents', 'list', i, 'id'];
      problems.push({ file, line: lineOf(at), keyPath: formatKeyPath(at), message: `the agent id "${agent.id}" is used twice in agents.list (entries ${first} and ${i}): give each agent its own id` });
    } else {
      seen.set(agent.id, i);
    }
  });
  return problems;
}

function expandPaths(config: Config, env: NodeJS.ProcessEnv): void {
  const paths = [...TILDE_PATHS, ...config.agents.list.map((_, i): KeyPath => ['agents', 'list', i, 'workspace'])];
  for (const path of paths) {
    const parent = getAt(config, path.slice(0, -1));
    const key = path[path.length - 1];
    if (!parent || typeof parent !== 'object') continue;
    const obj = parent as Record<string | number, unknown>;
    if (typeof obj[key] === 'string') obj[key] = expandTilde(obj[key] as string, env);
  }
}
