// The configured secret provider (secrets.provider: env | file | store).
import type { Config } from '../config/schema.ts';
import { resolveConfigPath, resolveHome } from '../config/paths.ts';
import type { SecretProvider } from './provider.ts';
import { envProvider } from './env-provider.ts';
import { DEFAULT_SECRETS_DIR, fileProvider } from './file-provider.ts';
import { storeProvider } from './store.ts';

export function secretProvider(config: Pick<Config, 'secrets'>, env: NodeJS.ProcessEnv, home?: string): SecretProvider {
  const s = config.secrets;
  const state = home ?? resolveHome(env);
  switch (s.provider) {
    case 'file': return fileProvider(s.dir ? resolveConfigPath(s.dir, state, env) : DEFAULT_SECRETS_DIR);
    case 'store': return storeProvider(state, env);
    default: return envProvider(s.prefix, env);
  }
}
