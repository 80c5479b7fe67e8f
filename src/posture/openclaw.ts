// OpenClaw installs: `security audit --openclaw [PATH]` and `migrate openclaw [PATH]`.
// openclaw.json is read (JSON5) and converted to hardshell's keys, so the same checks run on
// it; what has no hardshell equivalent is listed, never silently dropped. Gateway tokens and
// passwords are never carried over: hardshell makes its own and keeps only their hash.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import JSON5 from 'json5';
import { parseConfigText, type LoadedConfig } from '../config/load.ts';
import { parseDotEnv } from '../config/dotenv.ts';
import { isPlainObject } from '../config/keypath.ts';
import { PROVIDER_APIS, TOOL_PROFILES } from '../config/schema.ts';
import type { StatePaths } from '../config/paths.ts';
import type { Check } from './types.ts';
import type { AuditContext } from './context.ts';
import { mode, octal } from './checks/util.ts';

export const OPENCLAW_FILES = ['openclaw.json', 'clawdbot.json', 'moltbot.json'];

export interface Conversion {
  /** hardshell.json content (canonical keys). */
  config: Record<string, unknown>;
  /** What was carried over, "from → to". */
  carried: string[];
  /** What could not be, with what to do about it. */
  notCarried: Array<{ key: string; why: string }>;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (isPlainObject(v) ? v : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Converts a parsed openclaw.json to hardshell config. */
export function convertOpenClaw(doc: Obj, stateDir: string): Conversion {
  const out: Obj = {};
  const carried: string[] = [];
  const notCarried: Conversion['notCarried'] = [];
  const set = (path: string[], value: unknown, from: string) => {
    let o = out;
    for (const k of path.slice(0, -1)) o = (o[k] ??= {}) as Obj;
    o[path[path.length - 1]] = value;
    carried.push(`${from} → ${path.join('.')}`);
  };
  const drop = (key: string, why: string) => notCarried.push({ key, why });
  const seen = new Set<string>();
  const take = (key: string) => { seen.add(key); };

  const gw = obj(doc.gateway);
  take('gateway');
  if (gw.port !== undefined) set(['gateway', 'port'], gw.port, 'gateway.port');
  const bind = str(gw.bind);
  if (bind === 'loopback' || bind === undefined) { if (bind) set(['gateway', 'bind'], '127.0.0.1', 'gateway.bind "loopback"'); }
  else if (bind === 'lan' || bind === 'auto') set(['gateway', 'bind'], '0.0.0.0', `gateway.bind "${bind}"`);
  else if (bind === 'custom') set(['gateway', 'bind'], str(gw.customBindHost) ?? str(gw.host) ?? '0.0.0.0', 'gateway.bind "custom"');
  else if (bind === 'tailnet') { set(['gateway', 'bind'], '0.0.0.0', 'gateway.bind "tailnet"'); drop('gateway.bind', '"tailnet" has no hardshell equivalent: it is audited as listening on every interface; bind to the tailnet address yourself'); }
  else set(['gateway', 'bind'], bind, 'gateway.bind');
  const tls = obj(gw.tls);
  if (tls.enabled !== undefined) set(['gateway', 'tls'], { enabled: tls.enabled === true, ...(str(tls.certPath ?? tls.cert) ? { cert: str(tls.certPath ?? tls.cert) } : {}), ...(str(tls.keyPath ?? tls.key) ? { key: str(tls.keyPath ?? tls.key) } : {}) }, 'gateway.tls');
  if (Array.isArray(gw.trustedProxies)) set(['gateway', 'trustedProxies'], gw.trustedProxies.filter((x) => typeof x === 'string'), 'gateway.trustedProxies');
  const auth = obj(gw.auth);
  if (auth.token !== undefined) drop('gateway.auth.token', 'tokens are never carried over: run hardshell init for a new one (stored only as a hash), then revoke the old one');
  if (auth.password !== undefined) drop('gateway.auth.password', 'hardshell has no password auth: clients use a bearer token');
  if (auth.mode === 'none') drop('gateway.auth.mode', '"none" is not possible in hardshell: every request needs a token');
  if (auth.mode === 'trusted-proxy') drop('gateway.auth.mode', '"trusted-proxy" has no equivalent: clients send a hardshell token through the proxy');
  for (const k of Object.keys(gw)) if (!['port', 'bind', 'customBindHost', 'host', 'tls', 'trustedProxies', 'auth', 'mode'].includes(k)) drop(`gateway.${k}`, 'no hardshell equivalent');

  const agents = obj(doc.agents);
  take('agents');
  const defaults = obj(agents.defaults);
  const agentOut = (a: Obj, where: string): Obj => {
    const r: Obj = {};
    const sb = obj(a.sandbox);
    if (Object.keys(sb).length) {
      const s: Obj = {};
      if (['off', 'non-main', 'all'].includes(str(sb.mode) ?? '')) s.mode = sb.mode;
      if (['session', 'agent', 'shared'].includes(str(sb.scope) ?? '')) s.scope = sb.scope === 'shared' ? 'agent' : sb.scope;
      if (['none', 'ro', 'rw'].includes(str(sb.workspaceAccess) ?? '')) s.workspaceAccess = sb.workspaceAccess;
      r.sandbox = s;
      carried.push(`${where}.sandbox → ${where}.sandbox`);
      for (const k of Object.keys(sb)) if (!['mode', 'scope', 'workspaceAccess'].includes(k)) drop(`${where}.sandbox.${k}`, 'sandbox backend details are hardshell\'s own (sandbox.provider)');
    }
    if (str(a.workspace)) { r.workspace = a.workspace; carried.push(`${where}.workspace → ${where}.workspace`); }
    const model = str(a.model) ?? str(obj(a.model).primary);
    if (model) { r.model = model; carried.push(`${where}.model → ${where}.model`); }
    const tools = obj(a.tools);
    if (Array.isArray(tools.allow) || Array.isArray(tools.deny)) {
      r.tools = { ...(Array.isArray(tools.allow) ? { allow: tools.allow } : {}), ...(Array.isArray(tools.deny) ? { deny: tools.deny } : {}) };
      carried.push(`${where}.tools → ${where}.tools`);
    }
    for (const k of Object.keys(a)) if (!['sandbox', 'workspace', 'model', 'tools', 'id', 'name'].includes(k)) drop(`${where}.${k}`, 'no hardshell equivalent');
    return r;
  };
  const d = agentOut(defaults, 'agents.defaults');
  d.workspace ??= join(stateDir, 'workspace');
  out.agents = { defaults: d };
  if (Array.isArray(agents.list)) {
    (out.agents as Obj).list = agents.list.filter(isPlainObject).map((a, i) => ({ id: str(a.id) ?? `agent${i + 1}`, ...agentOut(a, `agents.list[${i}]`) }));
  }

  const tools = obj(doc.tools);
  take('tools');
  if (str(tools.profile)) {
    const map: Record<string, string> = { minimal: 'minimal', coding: 'standard', messaging: 'minimal', full: 'full' };
    const p = map[str(tools.profile)!] ?? ((TOOL_PROFILES as readonly string[]).includes(str(tools.profile)!) ? str(tools.profile) : undefined);
    if (p) set(['tools', 'profile'], p, `tools.profile "${tools.profile}"`);
    else drop('tools.profile', `"${tools.profile}" has no hardshell equivalent`);
  }
  if (Array.isArray(tools.allow)) set(['tools', 'allow'], tools.allow, 'tools.allow');
  if (Array.isArray(tools.deny)) set(['tools', 'deny'], tools.deny, 'tools.deny');
  const elevated = obj(tools.elevated);
  if (elevated.enabled === true) set(['tools', 'elevated'], ['exec'], 'tools.elevated.enabled');
  const exec = obj(tools.exec);
  if (Object.keys(exec).length) {
    const security = str(exec.security);
    const ask = str(exec.ask);
    const mapped = security === 'deny' ? 'deny' : ask === 'always' ? 'ask' : security === 'allowlist' ? 'allowlist' : security === 'full' && ask === 'off' ? 'auto' : 'ask';
    set(['tools', 'exec', 'security'], mapped, `tools.exec (security "${security ?? 'default'}", ask "${ask ?? 'default'}")`);
    if (exec.host === 'gateway' || exec.host === 'node') {
      drop('tools.exec.host', `"${exec.host}" runs commands outside any sandbox: audited as sandbox mode "off"`);
      ((out.agents as Obj).defaults as Obj).sandbox = { ...obj(((out.agents as Obj).defaults as Obj).sandbox), mode: 'off' };
    }
  }
  for (const k of Object.keys(tools)) if (!['profile', 'allow', 'deny', 'elevated', 'exec'].includes(k)) drop(`tools.${k}`, 'no hardshell equivalent');

  // Channels: hardshell has one DM and one group policy per agent; take the most open one so
  // the audit reports what the most exposed channel allows.
  const channels = obj(doc.channels);
  take('channels');
  const dmRank = ['disabled', 'allowlist', 'pairing', 'open'];
  let dm: string | undefined;
  const allowFrom = new Set<string>();
  let groupOpen = false;
  const groupAllow = new Set<string>();
  for (const [name, raw] of Object.entries(channels)) {
    const c = obj(raw);
    const policy = str(c.dmPolicy) ?? str(obj(c.dm).policy);
    if (policy && dmRank.includes(policy) && (dm === undefined || dmRank.indexOf(policy) > dmRank.indexOf(dm))) dm = policy;
    for (const a of Array.isArray(c.allowFrom) ? c.allowFrom : []) allowFrom.add(String(a));
    const gp = str(c.groupPolicy) ?? str(obj(channels.defaults).groupPolicy);
    if (gp === 'open') groupOpen = true;
    for (const a of Array.isArray(c.groupAllowFrom) ? c.groupAllowFrom : []) groupAllow.add(String(a));
    if (name !== 'defaults') drop(`channels.${name}`, 'channel adapters and their credentials are set up again in hardshell (their policies are carried to agents.defaults.dm/groups)');
  }
  const agentDefaults = (out.agents as Obj).defaults as Obj;
  if (dm) { agentDefaults.dm = { policy: dm, ...(allowFrom.size ? { allowFrom: [...allowFrom] } : {}) }; carried.push(`channels.*.dmPolicy "${dm}" → agents.defaults.dm`); }
  if (groupOpen || groupAllow.size) {
    agentDefaults.groups = { policy: 'allowlist', allowFrom: groupOpen ? ['*'] : [...groupAllow] };
    carried.push(`channels.*.groupPolicy → agents.defaults.groups${groupOpen ? ' (open = allowFrom ["*"])' : ''}`);
  }

  const logging = obj(doc.logging);
  take('logging');
  if (['fatal', 'error', 'warn', 'info', 'debug', 'trace'].includes(str(logging.level) ?? '')) set(['logging', 'level'], logging.level, 'logging.level');
  if (logging.redactSensitive === 'off') drop('logging.redactSensitive', '"off" is not possible in hardshell: redaction is always on');
  else if (str(logging.redactSensitive)) set(['logging', 'redactSensitive'], logging.redactSensitive === 'all' ? 'all' : 'tools', 'logging.redactSensitive');

  const browser = obj(doc.browser);
  take('browser');
  if (browser.enabled !== undefined) set(['browser', 'mode'], browser.enabled === false ? 'off' : 'sandboxed', 'browser.enabled');
  if (Array.isArray(browser.allowedDomains)) set(['browser', 'allowedDomains'], browser.allowedDomains, 'browser.allowedDomains');

  const models = obj(doc.models);
  take('models');
  for (const [id, raw] of Object.entries(obj(models.providers))) {
    const p = obj(raw);
    const api = str(p.api) ?? (id === 'anthropic' ? 'anthropic-messages' : id === 'openai' ? 'openai-responses' : undefined);
    if (!api || !(PROVIDER_APIS as readonly string[]).includes(api)) { drop(`models.providers.${id}`, `api "${p.api ?? '(none)'}" is not one hardshell speaks (${PROVIDER_APIS.join(', ')})`); continue; }
    const entry: Obj = { api };
    if (str(p.baseUrl)) entry.baseUrl = p.baseUrl;
    if (str(p.apiKey)) entry.apiKey = p.apiKey;
    else if (isPlainObject(p.apiKey) && p.apiKey.source === 'env' && str(p.apiKey.id)) entry.apiKey = `\${${p.apiKey.id}}`;
    set(['models', 'providers', id], entry, `models.providers.${id}`);
  }

  for (const k of Object.keys(doc)) if (!seen.has(k) && k !== '$schema' && k !== 'meta') drop(k, 'no hardshell equivalent');
  return { config: out, carried, notCarried };
}

export interface OpenClawInstall {
  dir: string;
  file: string;
  text: string | null;
  doc: Obj | null;
  conversion: Conversion | null;
  error: Error | null;
}

export function readOpenClaw(dir?: string, env: NodeJS.ProcessEnv = process.env): OpenClawInstall {
  const base = resolve(dir ?? join(env.HOME ?? homedir(), '.openclaw'));
  const file = OPENCLAW_FILES.map((n) => join(base, n)).find((p) => { try { readFileSync(p); return true; } catch { return false; } }) ?? join(base, 'openclaw.json');
  let text: string | null = null;
  try { text = readFileSync(file, 'utf8'); } catch { /* reported below */ }
  if (text === null) return { dir: base, file, text, doc: null, conversion: null, error: new Error(`no openclaw.json in ${base} (pass the OpenClaw state folder: --openclaw ~/.openclaw)`) };
  try {
    const doc = JSON5.parse(text) as unknown;
    if (!isPlainObject(doc)) throw new Error('the file is not an object');
    return { dir: base, file, text, doc, conversion: convertOpenClaw(doc, base), error: null };
  } catch (err) {
    return { dir: base, file, text, doc: null, conversion: null, error: new Error(`${file} cannot be read as JSON5: ${(err as Error).message}`) };
  }
}

/** The converted config, loaded as hardshell would (with the OpenClaw .env under the environment). */
export function loadOpenClaw(install: OpenClawInstall, baseEnv: NodeJS.ProcessEnv): { loaded: LoadedConfig | null; error: Error | null; paths: StatePaths } {
  const paths: StatePaths = { home: install.dir, config: install.file, store: join(install.dir, 'hardshell.db'), workspace: join(install.dir, 'workspace'), envFile: join(install.dir, '.env') };
  if (!install.conversion) return { loaded: null, error: install.error, paths };
  let dotenv: Record<string, string> = {};
  try { dotenv = parseDotEnv(readFileSync(paths.envFile, 'utf8'), paths.envFile).values; } catch { /* no .env */ }
  const env = { ...dotenv, ...baseEnv };
  try {
    const parsed = parseConfigText(JSON.stringify(install.conversion.config), `${install.file} (as hardshell reads it)`, env);
    return { loaded: { ...parsed, paths, exists: true, env }, error: null, paths };
  } catch (err) {
    return { loaded: null, error: err as Error, paths };
  }
}

/** Checks that only make sense on an OpenClaw install (they read its own keys). */
export const openclawChecks: Check[] = [
  {
    id: 'openclaw.gateway.auth_none', family: 'openclaw', severity: 'critical',
    title: 'OpenClaw gateway without authentication',
    why: 'gateway.auth.mode "none": anyone who reaches the port controls the agent.',
    fix: 'Set gateway.auth.mode to "token" with a long random token (openssl rand -hex 32), or move to hardshell (auth is always on).',
    run: (ctx) => { if (obj(obj(ctx.openclaw?.doc?.gateway).auth).mode === 'none') return { message: 'gateway.auth.mode is "none"', file: ctx.paths.config }; },
  },
  {
    id: 'openclaw.gateway.auth_password', family: 'openclaw', severity: 'medium',
    title: 'OpenClaw gateway uses a password',
    why: 'Passwords people choose are far weaker than a random token.',
    fix: 'Use gateway.auth.mode "token" with openssl rand -hex 32.',
    run: (ctx) => { if (obj(obj(ctx.openclaw?.doc?.gateway).auth).mode === 'password') return { message: 'gateway.auth.mode is "password"', file: ctx.paths.config }; },
  },
  {
    id: 'openclaw.gateway.token_in_config', family: 'openclaw', severity: 'high',
    title: 'OpenClaw gateway token written in openclaw.json',
    why: 'The config is copied and shared; the token travels with it.',
    fix: 'Write "${OPENCLAW_GATEWAY_TOKEN}" and keep the value in a mode-600 .env.',
    run: (ctx) => {
      const t = obj(obj(ctx.openclaw?.doc?.gateway).auth).token;
      if (typeof t === 'string' && t && !t.includes('${')) return { message: 'gateway.auth.token is a literal value', file: ctx.paths.config };
    },
  },
  {
    id: 'openclaw.logging.redact_off', family: 'openclaw', severity: 'high',
    title: 'OpenClaw log redaction is off',
    why: 'Keys and tokens in tool calls are written to the logs as they are.',
    fix: 'Set logging.redactSensitive to "tools".',
    run: (ctx) => { if (obj(ctx.openclaw?.doc?.logging).redactSensitive === 'off') return { message: 'logging.redactSensitive is "off"', file: ctx.paths.config }; },
  },
  {
    id: 'openclaw.credentials.permissions', family: 'openclaw', severity: 'high',
    title: 'OpenClaw credentials folder open to other users',
    why: 'credentials/ holds the channel logins (WhatsApp session, bot tokens).',
    fix: 'chmod 700 the credentials folder.',
    run: (ctx) => {
      const d = join(ctx.paths.home, 'credentials');
      const s = ctx.lstat(d);
      if (s?.isDirectory() && (s.mode & 0o077)) return { message: `${d} has mode ${octal(mode(s))}`, file: d, fix: `chmod 700 ${d}`, action: { kind: 'chmod', path: d, mode: 0o700 } };
    },
  },
  {
    id: 'openclaw.migration.not_carried', family: 'openclaw', severity: 'info',
    title: 'OpenClaw settings hardshell has no equivalent for',
    why: 'They were not part of this audit (and hardshell migrate openclaw will not carry them).',
    fix: 'Review each; hardshell migrate openclaw lists them with what to do.',
    run: (ctx) => (ctx.openclaw?.conversion?.notCarried ?? []).map((n) => ({ message: `${n.key}: ${n.why}`, file: ctx.paths.config, key: n.key })),
  },
];
