// Every secret value hardshell knows, for the redactor: the configured provider's secrets,
// the model providers' API keys, the gateway's key and config tokens, and the well-known
// environment variables that hold credentials. A value that cannot be read is reported in
// `problems` (the caller logs it) rather than stopping everything, except a secret store that
// will not open, which throws: without its values nothing could be redacted (fail closed).
import type { Config } from '../config/schema.ts';
import type { KnownSecret } from './redactor.ts';
import { secretProvider } from './providers.ts';
import { resolveSecretRefs } from './refs.ts';

/** Environment variables that hold credentials whatever the configuration says. */
export const CREDENTIAL_ENV = [
  'HARDSHELL_GATEWAY_TOKEN', 'OPENCLAW_GATEWAY_TOKEN', 'CLAWDBOT_GATEWAY_TOKEN', 'GATEWAY_TOKEN',
  'HARDSHELL_MASTER_KEY', 'ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'CLAWDBOT_API_KEY', 'OPENCLAW_API_KEY',
];

export interface KnownSecrets {
  secrets: KnownSecret[];
  problems: string[];
}

export function knownSecrets(config: Config, env: NodeJS.ProcessEnv, home?: string): KnownSecrets {
  const secrets: KnownSecret[] = [];
  const problems: string[] = [];
  const provider = secretProvider(config, env, home);
  if (provider.all) {
    // The store: all or nothing, and a store that will not open stops everything.
    secrets.push(...provider.all().filter((s) => s.value));
  } else {
    for (const name of provider.names()) {
      try {
        const value = provider.get(name);
        if (value) secrets.push({ name, value });
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
  }
  const add = (name: string, raw: string | undefined) => {
    if (!raw) return;
    try {
      const value = resolveSecretRefs(raw, config, env, home);
      if (value) secrets.push({ name, value });
    } catch (err) {
      problems.push(`${name}: ${(err as Error).message}`);
    }
  };
  for (const [id, p] of Object.entries(config.models.providers)) add(`models.providers.${id}.apiKey`, p.apiKey);
  add('security.auth.key', config.security.auth.key);
  config.security.auth.tokens.forEach((t, i) => add(`security.auth.tokens[${i}]`, typeof t === 'string' ? t : t.value));
  for (const name of CREDENTIAL_ENV) if (env[name]) secrets.push({ name, value: env[name]! });
  return { secrets: dedupe(secrets), problems };
}

function dedupe(list: KnownSecret[]): KnownSecret[] {
  const seen = new Set<string>();
  return list.filter((s) => !seen.has(s.value) && (seen.add(s.value), true));
}
