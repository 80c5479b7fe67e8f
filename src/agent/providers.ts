// Turns the config's model setting into a language model the AI SDK can call. Order of
// choice: the agent's configured `<provider>/<model>`; else ANTHROPIC_API_KEY or
// OPENAI_API_KEY from the environment; else a local Ollama server if one answers; else no
// model, with a sentence telling the user what to set (never a crash).
import type { LanguageModel } from 'ai';
import type { Config, ProviderConfig } from '../config/schema.ts';
import { resolveSecretRefs } from '../secrets/refs.ts';
import { egressFetch, probe } from '../egress/fetch.ts';

export interface ResolvedModel {
  model: LanguageModel;
  /** `<provider>/<model>`, for messages and the audit log. */
  label: string;
}

export type ModelChoice = ResolvedModel | { missing: string };

export const DEFAULT_ANTHROPIC_MODEL = 'claude-sonnet-4-5';
export const DEFAULT_OPENAI_MODEL = 'gpt-5-mini';
export const OLLAMA_URL = 'http://127.0.0.1:11434';

export const NO_MODEL_HELP =
  'No model provider is configured. Set ANTHROPIC_API_KEY or OPENAI_API_KEY, start Ollama on ' +
  '127.0.0.1:11434, or add a provider under models.providers in hardshell.json and name it in ' +
  'agents.defaults.model as "<provider>/<model>" (see docs/configuration.md).';

// Provider libraries are loaded when a model is first needed, not at start-up.
const anthropic = async () => (await import('@ai-sdk/anthropic')).createAnthropic;
const openai = async () => (await import('@ai-sdk/openai')).createOpenAI;

/** Builds the model for one `api` kind. The key is resolved here, at use, never stored. */
export async function buildModel(providerId: string, provider: ProviderConfig, modelId: string, config: Config, env: NodeJS.ProcessEnv): Promise<ResolvedModel> {
  const apiKey = provider.apiKey === undefined ? undefined : resolveSecretRefs(provider.apiKey, config, env);
  const common = { baseURL: provider.baseUrl, apiKey: apiKey ?? 'none', fetch: egressFetch };
  const label = `${providerId}/${modelId}`;
  switch (provider.api) {
    case 'anthropic-messages':
      return { model: (await anthropic())(common)(modelId), label };
    case 'openai-completions':
      return { model: (await openai())(common).chat(modelId), label };
    case 'openai-responses':
      return { model: (await openai())(common).responses(modelId), label };
  }
}

/** Splits `"<provider>/<model>"`; the model part may itself contain slashes. */
export function parseModelRef(ref: string): { providerId: string; modelId: string } | null {
  const slash = ref.indexOf('/');
  if (slash <= 0 || slash === ref.length - 1) return null;
  return { providerId: ref.slice(0, slash), modelId: ref.slice(slash + 1) };
}

export async function chooseModel(modelRef: string | undefined, config: Config, env: NodeJS.ProcessEnv): Promise<ModelChoice> {
  if (modelRef) {
    const parsed = parseModelRef(modelRef);
    if (!parsed) return { missing: `the model "${modelRef}" should be written "<provider>/<model>", e.g. "anthropic/${DEFAULT_ANTHROPIC_MODEL}"` };
    const provider = config.models.providers[parsed.providerId];
    if (provider) return await buildModel(parsed.providerId, provider, parsed.modelId, config, env);
    const builtIn = await fromEnvironment(env, parsed.providerId, parsed.modelId);
    if (builtIn) return builtIn;
    const known = Object.keys(config.models.providers);
    return { missing: `the model "${modelRef}" names the provider "${parsed.providerId}", which is not under models.providers` +
      (known.length ? ` (configured: ${known.join(', ')})` : '') + ` and has no API key in the environment` };
  }
  const configured = Object.entries(config.models.providers)[0];
  if (configured) {
    const [id, provider] = configured;
    const modelId = provider.models?.[0];
    if (modelId) return await buildModel(id, provider, modelId, config, env);
  }
  return (await fromEnvironment(env)) ?? (await fromOllama()) ?? { missing: NO_MODEL_HELP };
}

async function fromEnvironment(env: NodeJS.ProcessEnv, only?: string, modelId?: string): Promise<ResolvedModel | null> {
  if ((!only || only === 'anthropic') && env.ANTHROPIC_API_KEY) {
    const id = modelId ?? DEFAULT_ANTHROPIC_MODEL;
    return { model: (await anthropic())({ apiKey: env.ANTHROPIC_API_KEY, fetch: egressFetch })(id), label: `anthropic/${id}` };
  }
  if ((!only || only === 'openai') && env.OPENAI_API_KEY) {
    const id = modelId ?? DEFAULT_OPENAI_MODEL;
    return { model: (await openai())({ apiKey: env.OPENAI_API_KEY, fetch: egressFetch }).responses(id), label: `openai/${id}` };
  }
  return null;
}

async function fromOllama(): Promise<ResolvedModel | null> {
  const res = await probe(`${OLLAMA_URL}/api/tags`, 300);
  if (!res?.ok) return null;
  const body = await res.json().catch(() => null) as { models?: Array<{ name?: string }> } | null;
  const name = body?.models?.find((m) => m.name)?.name;
  if (!name) return null;
  const model = (await openai())({ baseURL: `${OLLAMA_URL}/v1`, apiKey: 'ollama', fetch: egressFetch }).chat(name);
  return { model, label: `ollama/${name}` };
}
