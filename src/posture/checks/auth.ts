// Auth and tokens: weak or plaintext credentials, token age against security.auth.maxAgeDays,
// the .env token's age (seed 25), tokens that no longer make sense.
import type { Check, FindingDraft } from '../types.ts';
import type { AuditContext } from '../context.ts';
import { isSecretRef as isSecretRefGuard } from '../../secrets/refs.ts';

/** Boolean, not a type guard: a value that is not a reference is still a string. */
const isSecretRef = (v: unknown): boolean => isSecretRefGuard(v);
import { at, plural } from './util.ts';

const F = 'auth' as const;
const DAY = 86_400_000;

/** Values people copy from docs, or type when testing (seed 02's token1/token2). */
const WEAK = /^(token\d*|test\d*|secret\d*|password\d*|changeme|change-me|admin\d*|example|default|letmein|12345\d*|qwerty|replace-with-.*|your[-_].*|xxx+|api[-_]?key\d*)$/i;

interface Tok { index: number; value: string | undefined; path: Array<string | number>; name: string; created?: string }

function configTokens(ctx: AuditContext): Tok[] {
  return ctx.cfg().security.auth.tokens.map((t, i) => typeof t === 'string'
    ? { index: i, value: t, path: ['security', 'auth', 'tokens', i], name: `#${i + 1}` }
    : { index: i, value: t.value, path: ['security', 'auth', 'tokens', i, 'value'], name: t.name, created: t.created });
}

/** Values that are literally in the file (not from `${VAR}`, not `${secret:...}`, not the .env alias). */
function literalTokens(ctx: AuditContext): Tok[] {
  return configTokens(ctx).filter((t) => t.value !== undefined && !isSecretRef(t.value) && !ctx.isReference(t.path) && t.name !== 'env');
}

const TOKEN_VARS = ['HARDSHELL_GATEWAY_TOKEN', 'OPENCLAW_GATEWAY_TOKEN', 'GATEWAY_TOKEN'];

/** Where a token is written: the .env file for the env alias, else its config key. */
function tokAt(ctx: AuditContext, t: Tok, message: string): FindingDraft {
  if (t.name !== 'env') return at(ctx, t.path, message);
  const name = TOKEN_VARS.find((v) => ctx.env[v]) ?? 'GATEWAY_TOKEN';
  const fromFile = ctx.read(ctx.paths.envFile)?.includes(`${name}=`);
  return {
    message: message.replace('token env', `token in ${name}`), file: fromFile ? ctx.paths.envFile : 'environment', key: name,
    fix: `Replace ${name} ${fromFile ? `in ${ctx.paths.envFile}` : 'in the environment'} with a long random value (openssl rand -base64 32), or remove it and use the stored token hardshell init makes.`,
  };
}

export const authChecks: Check[] = [
  {
    id: 'auth.tokens.weak_literal', family: F, severity: 'critical',
    title: 'Guessable gateway token',
    why: 'A token copied from documentation (token1, changeme, replace-with-...) is the first thing an attacker tries; it is the same as no auth.',
    fix: 'Remove it and make a real one: hardshell init makes a 256-bit token and stores only its hash.',
    run: (ctx) => configTokens(ctx).filter((t) => t.value && !isSecretRef(t.value) && WEAK.test(t.value))
      .map((t) => tokAt(ctx, t, `the gateway token ${t.name} is the guessable value "${t.value}"`)),
  },
  {
    id: 'auth.tokens.short', family: F, severity: 'high',
    title: 'Short gateway token',
    why: 'Tokens under 32 characters can be brute-forced, especially without rate limits.',
    fix: 'Use tokens of at least 32 random characters (hardshell init makes 43).',
    run: (ctx) => configTokens(ctx).filter((t) => t.value && !isSecretRef(t.value) && !WEAK.test(t.value) && t.value.length < 32)
      .map((t) => tokAt(ctx, t, `the gateway token ${t.name} is ${t.value!.length} characters long`)),
  },
  {
    id: 'auth.tokens.plaintext_in_config', family: F, severity: 'high',
    title: 'Gateway token written in the config file',
    why: 'The config is copied, backed up and shared for help; a token in it travels with it. Stored tokens are kept only as hashes.',
    fix: 'Delete it from hardshell.json and use a stored token (hardshell init), or write ${secret:NAME} / ${VAR} and keep the value in the environment.',
    run: (ctx) => literalTokens(ctx).map((t) => at(ctx, t.path, `security.auth.tokens has the token ${t.name} in plain text`)),
  },
  {
    id: 'auth.tokens.duplicate', family: F, severity: 'medium',
    title: 'The same token is listed twice',
    why: 'Two entries with one value cannot be revoked separately and usually mean a copy-paste slip.',
    fix: 'Keep one entry per token.',
    run: (ctx) => {
      const seen = new Set<string>();
      return configTokens(ctx).flatMap((t) => {
        if (!t.value) return [];
        if (seen.has(t.value)) return [at(ctx, t.path, `the token ${t.name} repeats an earlier one`)];
        seen.add(t.value);
        return [];
      });
    },
  },
  {
    id: 'auth.apikey.missing', family: F, severity: 'high',
    title: 'API-key auth without a key',
    why: 'security.auth.type is "apiKey" but no key is set: every request is refused, or the value is empty by mistake.',
    fix: 'Set security.auth.key to ${VAR} or ${secret:NAME}, and set that variable.',
    run: (ctx) => {
      const auth = ctx.cfg().security.auth;
      if (auth.type === 'apiKey' && !auth.key) return at(ctx, ['security', 'auth', 'type'], 'security.auth.type is "apiKey" but security.auth.key is not set');
    },
  },
  {
    id: 'auth.apikey.plaintext_in_config', family: F, severity: 'high',
    title: 'Gateway API key written in the config file',
    why: 'A key in the file travels with every copy and backup of it.',
    fix: 'Write security.auth.key as "${CLAWDBOT_API_KEY}" or "${secret:GATEWAY_KEY}" and keep the value in the environment.',
    run: (ctx) => {
      const key = ctx.cfg().security.auth.key;
      if (key && !isSecretRef(key) && !ctx.isReference(['security', 'auth', 'key'])) return at(ctx, ['security', 'auth', 'key'], 'security.auth.key is written in plain text');
    },
  },
  {
    id: 'auth.apikey.short', family: F, severity: 'high',
    title: 'Short gateway API key',
    why: 'A key under 24 characters can be guessed.',
    fix: 'Use at least 32 random characters, e.g. openssl rand -base64 32.',
    run: (ctx) => {
      const key = ctx.cfg().security.auth.key;
      if (key && !isSecretRef(key) && key.length < 24) return at(ctx, ['security', 'auth', 'key'], `security.auth.key is ${key.length} characters long`);
    },
  },
  {
    id: 'auth.tokens.none', family: F, severity: 'medium',
    title: 'No gateway credential exists',
    why: 'Every request will be refused (auth is always on), so people are tempted to work around it.',
    fix: 'Run hardshell init, which makes the owner\'s token.',
    run: (ctx) => {
      const auth = ctx.cfg().security.auth;
      const stored = ctx.storeTokens();
      if (auth.tokens.length === 0 && !auth.key && (stored === null || stored.length === 0)) {
        return { message: 'there is no token in the store and none in security.auth.tokens', file: ctx.paths.store };
      }
    },
  },
  {
    id: 'auth.token.stale', family: F, severity: 'medium',
    title: 'Gateway token older than security.auth.maxAgeDays',
    why: 'A long-lived token has had more chances to leak (shell history, logs, old laptops); rotation limits the damage.',
    fix: 'Make a new token, move clients to it, then revoke the old one.',
    run: (ctx) => {
      const max = ctx.cfg().security.auth.maxAgeDays;
      const out: FindingDraft[] = [];
      for (const t of ctx.storeTokens() ?? []) {
        const age = (ctx.now.getTime() - Date.parse(t.createdAt)) / DAY;
        if (age > max) out.push({ message: `the stored token "${t.name}" is ${Math.floor(age)} days old (security.auth.maxAgeDays is ${max})`, file: ctx.paths.store });
      }
      for (const t of configTokens(ctx)) {
        const age = t.created ? (ctx.now.getTime() - Date.parse(t.created)) / DAY : NaN;
        if (age > max) out.push(at(ctx, ['security', 'auth', 'tokens', t.index], `the token "${t.name}" was created ${Math.floor(age)} days ago (security.auth.maxAgeDays is ${max})`));
      }
      return out;
    },
  },
  {
    id: 'auth.token.expired_listed', family: F, severity: 'low',
    title: 'Expired tokens still stored',
    why: 'They no longer work, but their presence hides which tokens are live.',
    fix: 'Revoke expired tokens.',
    run: (ctx) => (ctx.storeTokens() ?? []).filter((t) => t.expiresAt && Date.parse(t.expiresAt) < ctx.now.getTime())
      .map((t) => ({ message: `the stored token "${t.name}" expired on ${t.expiresAt}`, file: ctx.paths.store })),
  },
  {
    id: 'auth.token.env_stale', family: F, severity: 'medium',
    title: 'Gateway token in .env older than 30 days',
    why: 'Seed 25 and OpenClaw\'s guidance: rotate GATEWAY_TOKEN every 30 days. The .env file\'s age is the token\'s age.',
    fix: 'Put a new random token in the .env file (openssl rand -base64 32), update clients, restart.',
    run: (ctx) => {
      const text = ctx.read(ctx.paths.envFile);
      const s = ctx.stat(ctx.paths.envFile);
      if (!text || !s) return;
      const name = TOKEN_VARS.find((v) => new RegExp(`^\\s*(export\\s+)?${v}\\s*=`, 'm').test(text));
      const age = (ctx.now.getTime() - s.mtimeMs) / DAY;
      if (name && age > 30) return { message: `${name} in ${ctx.paths.envFile} was last changed ${Math.floor(age)} days ago`, file: ctx.paths.envFile, key: name };
    },
  },
  {
    id: 'auth.max_age.too_long', family: F, severity: 'low',
    title: 'Token rotation period longer than 6 months',
    why: 'Seed 003\'s most basic tier rotates keys at least every 6 months; standard hardening every 90 days.',
    fix: 'Set security.auth.maxAgeDays to 90 (or less).',
    run: (ctx) => {
      const n = ctx.cfg().security.auth.maxAgeDays;
      if (n > 180) return at(ctx, ['security', 'auth', 'maxAgeDays'], `security.auth.maxAgeDays is ${n}`);
    },
  },
  {
    id: 'auth.tokens.operator_many', family: F, severity: 'low',
    title: 'Many operator tokens',
    why: 'Each operator token can do everything; more of them means more places to leak one.',
    fix: 'Give clients that only chat a "chat" scoped token, and revoke unused operator tokens.',
    run: (ctx) => {
      const ops = (ctx.storeTokens() ?? []).filter((t) => t.scopes.includes('operator'));
      if (ops.length > 3) return { message: `${plural(ops.length, 'stored token')} with the operator scope: ${ops.map((t) => t.name).join(', ')}`, file: ctx.paths.store };
    },
  },
];
