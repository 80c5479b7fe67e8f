// `hardshell token create|list|revoke|rotate`: the gateway's tokens. A value is printed once,
// when it is made; the store keeps only its SHA-256 hash.
import type { Command } from 'commander';
import { loadConfig } from '../config/load.ts';
import { openStore } from '../store/db.ts';
import { TokenStore, type Scope } from '../edge/tokens.ts';
import { tokensOverMaxAge } from '../edge/token-age.ts';
import { printJson, say, UserError } from './io.ts';

const SCOPES: Scope[] = ['operator', 'chat', 'read'];

export function register(program: Command): void {
  const token = program.command('token').description('make, list, revoke and rotate the gateway\'s tokens');

  token.command('create <name>')
    .description('make a token and print it (shown only this once)')
    .option('-s, --scopes <list>', 'comma-separated: operator, chat, read', 'operator')
    .option('-e, --expires <when>', 'a duration (30d, 12h) or an ISO 8601 date; default: never')
    .action((name: string, opts: { scopes: string; expires?: string }) => withTokens((tokens) => {
      checkName(name);
      if (tokens.has(name)) throw new UserError(`a token named "${name}" exists already; pick another name, or "hardshell token rotate ${name}"`);
      const value = tokens.create(name, scopes(opts.scopes), opts.expires ? expiry(opts.expires, '--expires') : null);
      say(value);
      process.stderr.write(`token "${name}" made; it is shown only this once. Send it as "Authorization: Bearer <token>".\n`);
    }));

  token.command('list')
    .description('the tokens, with scopes, dates and a mark on those older than security.auth.maxAgeDays')
    .option('--json', 'as JSON')
    .action((opts: { json?: boolean }) => withTokens((tokens, config) => {
      const now = Date.now();
      const old = new Set(tokensOverMaxAge(config, tokens, now).filter((t) => t.source === 'store').map((t) => t.name));
      const rows = tokens.list().map((t) => ({
        name: t.name, scopes: t.scopes, createdAt: t.createdAt, expiresAt: t.expiresAt,
        expired: t.expiresAt !== null && Date.parse(t.expiresAt) <= now,
        overMaxAge: old.has(t.name),
      }));
      if (opts.json) return printJson(rows);
      if (rows.length === 0) return say('no tokens in the store ("hardshell token create <name>" makes one)');
      for (const r of rows) {
        const notes = [r.expired ? 'EXPIRED' : '', r.overMaxAge ? `older than ${config.security.auth.maxAgeDays} days (security.auth.maxAgeDays): rotate it` : ''].filter(Boolean);
        say(`${r.name}  [${r.scopes.join(',')}]  created ${r.createdAt}  expires ${r.expiresAt ?? 'never'}${notes.length ? '  ' + notes.join('; ') : ''}`);
      }
    }));

  token.command('revoke <name>')
    .description('delete a token; the gateway refuses it from its next request on')
    .action((name: string) => withTokens((tokens) => {
      if (!tokens.revoke(name)) throw new UserError(`there is no token "${name}"; "hardshell token list" shows them`);
      say(`token "${name}" revoked`);
    }));

  token.command('rotate <name>')
    .description('replace a token with a new one; the old one keeps working for the grace period')
    .option('-g, --grace <duration>', 'how long the old token stays valid (0, 30m, 24h, 7d)', '24h')
    .option('-e, --expires <when>', 'expiry of the new token: a duration or an ISO 8601 date; default: never')
    .action((name: string, opts: { grace: string; expires?: string }) => withTokens((tokens) => {
      const grace = duration(opts.grace, '--grace');
      let result;
      try {
        result = tokens.rotate(name, grace, opts.expires ? expiry(opts.expires, '--expires') : null);
      } catch (err) {
        throw new UserError(`${(err as Error).message}; "hardshell token list" shows them`);
      }
      say(result.value);
      process.stderr.write(`token "${name}" rotated; the new value is shown only this once. The old one stays valid as "${result.oldName}" until ${result.oldExpiresAt}.\n`);
    }));
}

function withTokens(fn: (tokens: TokenStore, config: ReturnType<typeof loadConfig>['config']) => void): void {
  const loaded = loadConfig();
  const store = openStore(loaded.paths.store);
  try {
    fn(new TokenStore(store), loaded.config);
  } finally {
    store.close();
  }
}

function checkName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/.test(name)) throw new UserError(`"${name}" is not a usable token name: use letters, digits, . _ @ - (up to 64)`);
}

function scopes(list: string): Scope[] {
  const out = list.split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of out) if (!SCOPES.includes(s as Scope)) throw new UserError(`--scopes: "${s}" is not a scope; use ${SCOPES.join(', ')}`);
  if (out.length === 0) throw new UserError(`--scopes needs at least one of ${SCOPES.join(', ')}`);
  return out as Scope[];
}

/** "0", "90s", "30m", "24h", "7d" → milliseconds. */
export function duration(text: string, option: string): number {
  const m = /^(\d+)\s*(s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new UserError(`${option}: "${text}" is not a duration; write e.g. 0, 30m, 24h or 7d`);
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] ?? 's'] ?? 1000;
  return Number(m[1]) * unit;
}

function expiry(text: string, option: string): string {
  if (/^\d+\s*[smhd]?$/.test(text.trim())) return new Date(Date.now() + duration(text, option)).toISOString();
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new UserError(`${option}: "${text}" is neither a duration (30d) nor a date (2026-12-31T00:00:00Z)`);
  return new Date(t).toISOString();
}
