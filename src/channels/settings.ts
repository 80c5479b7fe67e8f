// Channel credentials: written in hardshell.json only as references (`${secret:NAME}` or
// `${VAR}`), never as the token itself, so the file can be shown, backed up and diffed
// without leaking a bot. A plain value stops the channels from starting, with the fix.
import type { Config, ChannelName } from '../config/schema.ts';
import { ConfigError, type ConfigProblem } from '../config/errors.ts';

const SECRET_REF = /^\$\{secret:[A-Za-z0-9_]+\}$/;

export interface ReferenceLike { path: ReadonlyArray<string | number>; text: string }

/** Every credential key a channel reads, with its value as loaded. */
export function channelCredentials(config: Config): Array<{ key: string; channel: ChannelName; value: string | undefined }> {
  const c = config.channels;
  const out: Array<{ key: string; channel: ChannelName; value: string | undefined }> = [
    { key: 'channels.telegram.botToken', channel: 'telegram', value: c.telegram.botToken },
    { key: 'channels.telegram.webhookSecret', channel: 'telegram', value: c.telegram.webhookSecret },
    { key: 'channels.slack.botToken', channel: 'slack', value: c.slack.botToken },
    { key: 'channels.slack.signingSecret', channel: 'slack', value: c.slack.signingSecret },
    { key: 'channels.slack.appToken', channel: 'slack', value: c.slack.appToken },
    { key: 'channels.discord.botToken', channel: 'discord', value: c.discord.botToken },
  ];
  for (const [name, source] of Object.entries(c.webhook.sources)) {
    out.push({ key: `channels.webhook.sources.${name}.signingSecret`, channel: 'webhook', value: source.signingSecret });
  }
  return out;
}

/** Credentials written in plain text, as problems that say how to reference a secret instead. */
export function plainCredentialProblems(config: Config, references: readonly ReferenceLike[], file: string): ConfigProblem[] {
  const fromEnv = new Set(references.filter((r) => /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(r.text)).map((r) => r.path.join('.')));
  const problems: ConfigProblem[] = [];
  for (const { key, value } of channelCredentials(config)) {
    if (value === undefined || SECRET_REF.test(value) || fromEnv.has(key)) continue;
    const name = suggestedName(key);
    problems.push({
      file, keyPath: key,
      message: `${key} holds a credential written in plain text, which hardshell refuses: store it as a secret and write "\${secret:${name}}" (the env provider reads ${config.secrets.prefix}${name}), or write "\${${name}}" to read the environment variable ${name}`,
    });
  }
  return problems;
}

export function assertNoPlainCredentials(config: Config, references: readonly ReferenceLike[], file: string): void {
  const problems = plainCredentialProblems(config, references, file);
  if (problems.length > 0) throw new ConfigError(problems);
}

/** `channels.telegram.botToken` → `TELEGRAM_BOT_TOKEN`. */
function suggestedName(key: string): string {
  const parts = key.split('.').slice(1).filter((p) => p !== 'sources');
  return parts.map((p) => p.replace(/([a-z])([A-Z])/g, '$1_$2').replace(/-/g, '_').toUpperCase()).join('_');
}

/** Resolves a credential for use; the caller hands in the secrets room's resolver. */
export type ResolveSecret = (value: string, key: string) => string;

/** The credential a started channel needs, or an error naming the key to set. */
export function requireCredential(value: string | undefined, key: string, resolve: ResolveSecret): string {
  if (value === undefined || value === '') {
    throw new ConfigError({ file: '', keyPath: key, message: `${key} is not set, and the channel needs it: write "\${secret:NAME}" there and put the value in the secret store` });
  }
  return resolve(value, key);
}
