// The seed documents spell some settings differently (tools.denied, exec.*,
// security.users.allowList, dm.whitelist, OPENCLAW_SANDBOX, ...). These are rewritten onto the
// canonical keys of schema.ts before validation, and each one used is reported, so
// `hardshell config validate` can say how a file was read. An alias that disagrees with its
// canonical key is an error: guessing which one the user meant could open something up.
import type { ConfigProblem } from './errors.ts';
import { deleteAt, formatKeyPath, getAt, isPlainObject, setAt, type KeyPath } from './keypath.ts';

export interface AliasNote { from: string; to: string; file: string; line?: number }

/** A value that now lives at `to` but was written at `from` (for error lines and display). */
export interface Move { from: KeyPath; to: KeyPath }

export interface AliasContext {
  file: string;
  lineOf(path: KeyPath): number | undefined;
}

export interface AliasResult { notes: AliasNote[]; moves: Move[]; problems: ConfigProblem[] }

const TOOL_LIST_ALIASES: Array<[string, string]> = [['allowlist', 'allow'], ['allowed', 'allow'], ['denied', 'deny']];

/** Rewrites seed spellings in a parsed hardshell.json, in place. */
export function applyFileAliases(doc: Record<string, unknown>, ctx: AliasContext): AliasResult {
  const r = new Rewriter(doc, ctx);
  r.move(['exec'], ['tools', 'exec']);
  for (const base of agentBases(doc)) {
    for (const [alias, canonical] of TOOL_LIST_ALIASES) r.move([...base, 'tools', alias], [...base, 'tools', canonical], { caseless: true });
  }

  const sandbox: KeyPath = ['agents', 'defaults', 'sandbox'];
  r.move(['security', 'sandbox', 'provider'], [...sandbox, 'provider']);
  r.flag(['security', 'sandbox', 'enabled'], [...sandbox, 'mode'], { true: 'all', false: 'off' });

  const dm: KeyPath = ['agents', 'defaults', 'dm'];
  if (r.has(['security', 'users', 'allowList'])) {
    r.move(['security', 'users', 'allowList'], [...dm, 'allowFrom'], { quiet: true });
    r.imply(['security', 'users', 'allowList'], [...dm, 'policy'], 'allowlist', `${formatKeyPath([...dm, 'allowFrom'])} with ${formatKeyPath([...dm, 'policy'])} = "allowlist"`);
  }
  const groups: KeyPath = ['agents', 'defaults', 'groups'];
  if (r.has(['security', 'groups', 'allowList'])) {
    r.move(['security', 'groups', 'allowList'], [...groups, 'allowFrom'], { quiet: true });
    r.imply(['security', 'groups', 'allowList'], [...groups, 'policy'], 'allowlist', `${formatKeyPath([...groups, 'allowFrom'])} with ${formatKeyPath([...groups, 'policy'])} = "allowlist"`);
  }
  for (const base of agentBases(doc)) r.legacyDm([...base, 'dm']);

  for (const empty of [['security', 'sandbox'], ['security', 'users'], ['security', 'groups']]) r.dropIfEmpty(empty);
  return r.result();
}

/** Where does an environment variable come from (the .env file or the real environment)? */
export type EnvSource = (name: string) => { file: string; line?: number };

const SANDBOX_VARS = ['HARDSHELL_SANDBOX', 'OPENCLAW_SANDBOX', 'CLAWDBOT_SANDBOX'];
const TOKEN_VARS = ['HARDSHELL_GATEWAY_TOKEN', 'OPENCLAW_GATEWAY_TOKEN', 'GATEWAY_TOKEN'];

/** Applies HARDSHELL_SANDBOX / HARDSHELL_GATEWAY_TOKEN (and their OpenClaw names) to doc. */
export function applyEnvAliases(doc: Record<string, unknown>, env: NodeJS.ProcessEnv, sourceOf: EnvSource, configFile: string): AliasResult {
  const notes: AliasNote[] = [];
  const problems: ConfigProblem[] = [];
  const problem = (name: string, message: string) => problems.push({ ...sourceOf(name), keyPath: name, message });

  const sandboxVar = pickOne(SANDBOX_VARS, env, (v) => String(parseFlag(v)), problem);
  if (sandboxVar) {
    const on = parseFlag(env[sandboxVar]!);
    if (on === undefined) {
      problem(sandboxVar, `${sandboxVar} must be true or false, got ${JSON.stringify(env[sandboxVar])}`);
    } else {
      const modePath: KeyPath = ['agents', 'defaults', 'sandbox', 'mode'];
      const mode = getAt(doc, modePath);
      const ok = mode === undefined || (on ? mode !== 'off' : mode === 'off');
      if (!ok) {
        problem(sandboxVar, `${sandboxVar}=${env[sandboxVar]} turns the sandbox ${on ? 'on' : 'off'}, but ${configFile} sets agents.defaults.sandbox.mode to ${JSON.stringify(mode)}: remove one of them`);
      } else {
        if (mode === undefined) setAt(doc, modePath, on ? 'all' : 'off');
        notes.push({ from: sandboxVar, to: mode === undefined ? `agents.defaults.sandbox.mode = "${on ? 'all' : 'off'}"` : `agents.defaults.sandbox.mode (already "${String(mode)}")`, ...sourceOf(sandboxVar) });
      }
    }
  }

  const tokenVar = pickOne(TOKEN_VARS, env, (v) => v, problem);
  if (tokenVar) {
    const tokensPath: KeyPath = ['security', 'auth', 'tokens'];
    const tokens = getAt(doc, tokensPath);
    if (tokens === undefined) setAt(doc, tokensPath, []);
    const list = getAt(doc, tokensPath);
    if (Array.isArray(list)) {
      list.push({ name: 'env', value: env[tokenVar] });
      notes.push({ from: tokenVar, to: 'security.auth.tokens (a token named "env")', ...sourceOf(tokenVar) });
    }
  }
  return { notes, moves: [], problems };
}

/** The first of several names for one setting that is set; they must agree if several are. */
function pickOne(names: string[], env: NodeJS.ProcessEnv, normalize: (v: string) => string, problem: (name: string, message: string) => void): string | undefined {
  const set = names.filter((n) => env[n] !== undefined && env[n] !== '');
  for (const other of set.slice(1)) {
    if (normalize(env[other]!) !== normalize(env[set[0]]!)) {
      problem(other, `${set[0]} and ${other} name the same setting but have different values: remove ${other} (${set[0]} is hardshell's name)`);
    }
  }
  return set[0];
}

function parseFlag(value: string): boolean | undefined {
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return undefined;
}

function agentBases(doc: Record<string, unknown>): KeyPath[] {
  const bases: KeyPath[] = [[], ['agents', 'defaults']];
  const list = getAt(doc, ['agents', 'list']);
  if (Array.isArray(list)) list.forEach((_, i) => bases.push(['agents', 'list', i]));
  return bases;
}

class Rewriter {
  private readonly notes: AliasNote[] = [];
  private readonly moves: Move[] = [];
  private readonly problems: ConfigProblem[] = [];
  private readonly doc: Record<string, unknown>;
  private readonly ctx: AliasContext;
  constructor(doc: Record<string, unknown>, ctx: AliasContext) {
    this.doc = doc;
    this.ctx = ctx;
  }

  result(): AliasResult {
    return { notes: this.notes, moves: this.moves, problems: this.problems };
  }

  has(path: KeyPath): boolean {
    return getAt(this.doc, path) !== undefined;
  }

  private note(from: KeyPath, to: string): void {
    this.notes.push({ from: formatKeyPath(from), to, file: this.ctx.file, line: this.ctx.lineOf(from) });
  }

  private problem(at: KeyPath, message: string): void {
    this.problems.push({ file: this.ctx.file, line: this.ctx.lineOf(at), keyPath: formatKeyPath(at), message });
  }

  /** Moves a value to its canonical key, merging objects; disagreeing values are an error. */
  move(from: KeyPath, to: KeyPath, opts: { caseless?: boolean; quiet?: boolean } = {}): void {
    const value = getAt(this.doc, from);
    if (value === undefined) return;
    const existing = getAt(this.doc, to);
    if (existing === undefined) {
      if (!setAt(this.doc, to, value)) return; // something that is not an object is in the way: the schema says so
    } else {
      this.merge(value, existing, from, to, opts.caseless ?? false);
    }
    deleteAt(this.doc, from);
    this.moves.push({ from, to });
    if (!opts.quiet) this.note(from, formatKeyPath(to));
  }

  private merge(value: unknown, existing: unknown, from: KeyPath, to: KeyPath, caseless: boolean): void {
    if (isPlainObject(value) && isPlainObject(existing)) {
      for (const [key, v] of Object.entries(value)) {
        if (existing[key] === undefined) existing[key] = v;
        else this.merge(v, existing[key], [...from, key], [...to, key], caseless);
      }
    } else if (!same(value, existing, caseless)) {
      this.problem(from, `${formatKeyPath(from)} and ${formatKeyPath(to)} are the same setting but are both set, to different values (${brief(value)} and ${brief(existing)}): keep only ${formatKeyPath(to)}`);
    }
  }

  /** An alias that implies a value for a canonical key (which must agree if it is set). */
  imply(from: KeyPath, to: KeyPath, want: string, describe: string): void {
    const existing = getAt(this.doc, to);
    if (existing === undefined) setAt(this.doc, to, want);
    else if (existing !== want) {
      this.problem(from, `${formatKeyPath(from)} means ${formatKeyPath(to)} = "${want}", but ${formatKeyPath(to)} is set to ${brief(existing)}: keep only one of them`);
      return;
    }
    this.note(from, describe);
  }

  /** A true/false alias that sets an enum key (e.g. security.sandbox.enabled → sandbox.mode). */
  flag(from: KeyPath, to: KeyPath, values: { true: string; false: string }): void {
    const value = getAt(this.doc, from);
    if (value === undefined) return;
    deleteAt(this.doc, from);
    if (typeof value !== 'boolean') {
      this.problem(from, `${formatKeyPath(from)} must be true or false, got ${brief(value)}`);
      return;
    }
    const existing = getAt(this.doc, to);
    const want = value ? values.true : values.false;
    if (existing === undefined) {
      setAt(this.doc, to, want);
      this.note(from, `${formatKeyPath(to)} = "${want}"`);
    } else if (value ? existing === values.false : existing !== values.false) {
      this.problem(from, `${formatKeyPath(from)} is ${value}, but ${formatKeyPath(to)} is ${brief(existing)}: keep only ${formatKeyPath(to)}`);
    } else {
      this.note(from, `${formatKeyPath(to)} (already ${brief(existing)})`);
    }
  }

  /** OpenClaw's older dm settings: enabled, whitelistOnly, whitelist. */
  legacyDm(dm: KeyPath): void {
    const node = getAt(this.doc, dm);
    if (!isPlainObject(node)) return;
    const policy = [...dm, 'policy'];
    const enabled = node.enabled;
    const only = node.whitelistOnly;
    for (const [key, v] of [['enabled', enabled], ['whitelistOnly', only]] as const) {
      if (v !== undefined && typeof v !== 'boolean') this.problem([...dm, key], `${formatKeyPath([...dm, key])} must be true or false, got ${brief(v)}`);
    }
    this.move([...dm, 'whitelist'], [...dm, 'allowFrom']);
    if (enabled === false) {
      this.imply([...dm, 'enabled'], policy, 'disabled', `${formatKeyPath(policy)} = "disabled"`);
    } else if (enabled === true) {
      this.note([...dm, 'enabled'], `${formatKeyPath(policy)} (true changes nothing: direct messages follow the policy)`);
    }
    if (only === true && enabled !== false) {
      this.imply([...dm, 'whitelistOnly'], policy, 'allowlist', `${formatKeyPath(policy)} = "allowlist"`);
    } else if (typeof only === 'boolean') {
      this.note([...dm, 'whitelistOnly'], `${formatKeyPath(policy)} (${only ? 'ignored: dm.enabled is false' : 'false keeps the default policy'})`);
    }
    delete node.enabled;
    delete node.whitelistOnly;
  }

  dropIfEmpty(path: KeyPath): void {
    const node = getAt(this.doc, path);
    if (isPlainObject(node) && Object.keys(node).length === 0) deleteAt(this.doc, path);
  }
}

function same(a: unknown, b: unknown, caseless: boolean): boolean {
  const norm = (v: unknown) => JSON.stringify(v, (_, x) => (caseless && typeof x === 'string' ? x.toLowerCase() : x));
  return norm(a) === norm(b);
}

function brief(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
