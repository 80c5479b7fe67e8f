// Secrets from environment variables named <prefix><NAME> (secrets.prefix, default
// HARDSHELL_SECRET_; seeds use CLAWDBOT_SECRET_ and OPENCLAW_SECRET_).
import type { SecretProvider } from './provider.ts';
import { SECRET_NAME } from './names.ts';

export function envProvider(prefix: string, env: NodeJS.ProcessEnv): SecretProvider {
  return {
    kind: 'env',
    get: (name) => {
      const value = env[prefix + name];
      return value === undefined || value === '' ? undefined : value;
    },
    names: () => Object.keys(env)
      .filter((k) => k.startsWith(prefix) && k.length > prefix.length && env[k] && SECRET_NAME.test(k.slice(prefix.length)))
      .map((k) => k.slice(prefix.length))
      .sort(),
    whereToSet: (name) => `set the environment variable ${prefix}${name} (secrets.prefix + name), in the environment or in the .env file beside hardshell.json`,
  };
}
