// Secrets: plaintext keys in the config, the .env file kept out of git, secrets inside the
// workspace where the agent can read them, and the secrets folder's modes.
import { join } from 'node:path';
import type { Check, FindingDraft } from '../types.ts';
import type { AuditContext } from '../context.ts';
import { isSecretRef as isSecretRefGuard } from '../../secrets/refs.ts';

/** Boolean, not a type guard: a value that is not a reference is still a string. */
const isSecretRef = (v: unknown): boolean => isSecretRefGuard(v);
import { at, isInside, mode, octal } from './util.ts';

const F = 'secrets' as const;

/** Shapes of real credentials, so one pasted anywhere in the config is found. */
const KEY_PATTERNS: Array<[string, RegExp]> = [
  ['an Anthropic API key', /sk-ant-[A-Za-z0-9_-]{20,}/],
  ['an OpenAI API key', /sk-(?:proj-)?[A-Za-z0-9_-]{20,}/],
  ['a GitHub token', /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})/],
  ['a Slack token', /\bxox[abposr]-[A-Za-z0-9-]{10,}/],
  ['an AWS access key id', /\bAKIA[0-9A-Z]{16}\b/],
  ['a Google API key', /\bAIza[0-9A-Za-z_-]{35}\b/],
  ['a Telegram bot token', /\b\d{8,10}:AA[0-9A-Za-z_-]{33}\b/],
  ['a hardshell gateway token', /\bhs_[A-Za-z0-9_-]{43}\b/],
  ['a private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
];

const SECRETY_FILE = /^(\.env(\..+)?|id_(rsa|ed25519|ecdsa|dsa)|.*\.pem|.*\.key|.*\.p12|.*\.pfx|credentials(\.json)?|\.npmrc|\.pypirc|\.netrc|service-account.*\.json)$/i;

function lineOfText(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/** Looks three levels deep and at most 5000 entries, so a huge workspace cannot stall the audit. */
function walkWorkspace(ctx: AuditContext, root: string, depth: number, out: string[], budget = { left: 5000 }): void {
  if (depth < 0 || out.length > 200 || budget.left <= 0) return;
  for (const name of ctx.list(root)) {
    if (--budget.left <= 0) return;
    if (name === 'node_modules' || name === '.git') continue;
    const p = join(root, name);
    const s = ctx.lstat(p);
    if (s?.isDirectory()) walkWorkspace(ctx, p, depth - 1, out, budget);
    else if (s?.isFile() && SECRETY_FILE.test(name)) out.push(p);
  }
}

export function workspaceSecretFiles(ctx: AuditContext): string[] {
  const found: string[] = [];
  for (const ws of new Set(ctx.agents().map((a) => a.workspace))) walkWorkspace(ctx, ws, 3, found);
  return found;
}

export const secretChecks: Check[] = [
  {
    id: 'secrets.config.known_key_pattern', family: F, severity: 'critical',
    title: 'A real credential is pasted in the config file',
    why: 'The config is copied, backed up and shared for help; a key in it leaks with every copy.',
    fix: 'Rotate the key now (assume it leaked), then write ${secret:NAME} in its place and set HARDSHELL_SECRET_NAME in the environment or .env.',
    run: (ctx) => {
      const text = ctx.rawText;
      if (!text) return;
      const out: FindingDraft[] = [];
      for (const [what, re] of KEY_PATTERNS) {
        const m = re.exec(text);
        if (m) out.push({ message: `the config file contains ${what} (${m[0].slice(0, 6)}...)`, file: ctx.paths.config, line: lineOfText(text, m.index) });
      }
      // sk-ant- also matches the OpenAI shape: report it once.
      return out.filter((f, i) => !(f.message.includes('OpenAI') && out.some((o, j) => j !== i && o.line === f.line && o.message.includes('Anthropic'))));
    },
  },
  {
    id: 'secrets.config.provider_api_key_plaintext', family: F, severity: 'high',
    title: 'Model provider API key written in the config file',
    why: 'API keys belong in the environment or a secret store (seed 003, tier 1), not in files that get shared.',
    fix: 'Write models.providers.<id>.apiKey as "${secret:NAME}" and set HARDSHELL_SECRET_NAME.',
    run: (ctx) => Object.entries(ctx.cfg().models.providers).flatMap(([id, p]) => {
      const path = ['models', 'providers', id, 'apiKey'];
      return p.apiKey && !isSecretRef(p.apiKey) && !ctx.isReference(path) && p.apiKey.length >= 8
        ? [at(ctx, path, `models.providers.${id}.apiKey is written in plain text`)] : [];
    }),
  },
  {
    id: 'secrets.env.not_gitignored', family: F, severity: 'high',
    title: '.env file is not git-ignored',
    why: 'One "git add ." away from publishing every key in it (seeds 001 and 003).',
    fix: 'Add .env to the .gitignore at the root of the repository.',
    run: (ctx) => {
      const env = ctx.paths.envFile;
      const root = ctx.gitRoot(env);
      if (!ctx.stat(env)?.isFile() || !root || ctx.gitIgnored(env)) return;
      const rel = env.slice(root.length + 1);
      return { message: `${env} is inside the git repository ${root} and no .gitignore rule covers it`, file: env, fix: `echo "${rel}" >> ${join(root, '.gitignore')}`, action: { kind: 'gitignore', file: join(root, '.gitignore'), entry: `/${rel}` } };
    },
  },
  {
    id: 'secrets.env.committed', family: F, severity: 'critical',
    title: '.env file is committed to git',
    why: 'Its keys are in the repository history, on every clone and every remote.',
    fix: 'git rm --cached .env, commit, and rotate every key in it: removing it does not remove it from history.',
    run: (ctx) => {
      const env = ctx.paths.envFile;
      if (ctx.stat(env)?.isFile() && ctx.gitTracked(env)) return { message: `${env} is listed in git's index`, file: env };
    },
  },
  {
    id: 'secrets.workspace.secret_files', family: F, severity: 'high',
    title: 'Secret files inside the agent\'s workspace',
    why: 'The agent reads its workspace freely; a prompt injection only has to ask for the file (seed 004: secrets not in files the agent can grep).',
    fix: 'Move them out of the workspace and hand them over as ${secret:NAME} instead.',
    run: (ctx) => workspaceSecretFiles(ctx).map((p) => ({ message: `${p} looks like a secret and is inside the workspace`, file: p })),
  },
  {
    id: 'secrets.dir.permissions', family: F, severity: 'high',
    title: 'Secrets folder readable by other users',
    why: 'Anyone on the machine could read every secret in it.',
    fix: 'chmod 700 the folder.',
    run: (ctx) => {
      const dir = ctx.cfg().secrets.dir;
      const s = dir ? ctx.stat(dir) : null;
      if (dir && s?.isDirectory() && (s.mode & 0o077)) return { message: `${dir} has mode ${octal(mode(s))}`, file: dir, key: 'secrets.dir', fix: `chmod 700 ${dir}`, action: { kind: 'chmod', path: dir, mode: 0o700 } };
    },
  },
  {
    id: 'secrets.file.permissions', family: F, severity: 'high',
    title: 'Secret file readable by other users',
    why: 'Anyone on the machine could read the secret.',
    fix: 'chmod 600 each file in the secrets folder.',
    run: (ctx) => {
      const dir = ctx.cfg().secrets.dir;
      if (!dir) return;
      return ctx.list(dir).flatMap((n) => {
        const p = join(dir, n);
        const s = ctx.lstat(p);
        return s?.isFile() && (s.mode & 0o077) ? [{ message: `${p} has mode ${octal(mode(s))}`, file: p, fix: `chmod 600 ${p}`, action: { kind: 'chmod' as const, path: p, mode: 0o600 } }] : [];
      });
    },
  },
  {
    id: 'secrets.dir.in_workspace', family: F, severity: 'critical',
    title: 'Secrets folder inside the workspace',
    why: 'The agent can read every secret with its file tools.',
    fix: 'Move secrets.dir outside every agent workspace (e.g. ~/.hardshell/secrets).',
    run: (ctx) => {
      const dir = ctx.cfg().secrets.dir;
      if (!dir) return;
      const ws = ctx.agents().find((a) => isInside(dir, a.workspace));
      if (ws) return at(ctx, ['secrets', 'dir'], `secrets.dir ${dir} is inside the workspace of agent "${ws.id}" (${ws.workspace})`);
    },
  },
  {
    id: 'secrets.prefix.empty', family: F, severity: 'medium',
    title: 'Secret prefix is empty',
    why: 'With no prefix every environment variable (PATH, HOME, cloud credentials) can be named as a secret.',
    fix: 'Set secrets.prefix to "HARDSHELL_SECRET_" (the default).',
    run: (ctx) => {
      if (ctx.cfg().secrets.provider === 'env' && ctx.cfg().secrets.prefix === '') return at(ctx, ['secrets', 'prefix'], 'secrets.prefix is ""');
    },
  },
  {
    id: 'secrets.env.provider_keys_in_environment', family: F, severity: 'low',
    title: 'Provider API keys in the plain environment',
    why: 'OPENAI_API_KEY and friends are inherited by every process hardshell starts; prefixed secrets are handed only where granted.',
    fix: 'Rename them to HARDSHELL_SECRET_<NAME> and write ${secret:NAME} in models.providers.<id>.apiKey.',
    run: (ctx) => {
      const names = ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'OPENROUTER_API_KEY', 'GEMINI_API_KEY'].filter((n) => ctx.env[n]);
      if (names.length > 0) return { message: `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} set in the environment`, file: 'environment' };
    },
  },
];
