// Turns the config's model setting into a language model the AI SDK can call. Order of
// choice: the agent's configured `<provider>/<model>`; else ANTHROPIC_API_KEY or
// OPENAI_API_KEY from the environment; else a local Ollama server if one answers (on
// 127.0.0.1:11434, or the loopback address in HARDSHELL_OLLAMA_URL, see ollama-url.ts); else
// no model, with a sentence telling the user what to set (never a crash).
import type { LanguageModel } from 'ai';
import type { Config, ProviderConfig } from '../config/schema.ts';
import { resolveSecretRefs } from '../secrets/refs.ts';
import { egressFetch, probe } from '../egress/fetch.ts';
import { DEFAULT_OLLAMA_URL, OLLAMA_URL_VARIABLE, ollamaAddress } from './ollama-url.ts';

export interface ResolvedModel {
  model: LanguageModel;
  /** `<provider>/<model>`, for messages and the audit log. */
  label: string;
}

export type ModelChoice = ResolvedModel | { missing: string };

export const DEFAULT_ANTHROPIC_MODEL = 'claude-sonnet-4-5';
export const DEFAULT_OPENAI_MODEL = 'gpt-5-mini';

/** What to set when no model is found; names the Ollama address that was probed. */
export function noModelHelp(ollamaUrl: string): string {
  const where = ollamaUrl === DEFAULT_OLLAMA_URL ? '127.0.0.1:11434' : `${ollamaUrl} (from ${OLLAMA_URL_VARIABLE})`;
  return `No model provider is configured. Set ANTHROPIC_API_KEY or OPENAI_API_KEY, start Ollama on ${where}, ` +
    'or add a provider under models.providers in hardshell.json and name it in agents.defaults.model as ' +
    '"<provider>/<model>" (see docs/configuration.md).';
}

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
  const fromEnv = await fromEnvironment(env);
  if (fromEnv) return fromEnv;
  const ollama = ollamaAddress(env);
  if ('error' in ollama) return { missing: ollama.error };
  return (await fromOllama(ollama.url)) ?? { missing: noModelHelp(ollama.url) };
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

/** The first model a local Ollama lists; null when no Ollama answers there. */
async function fromOllama(origin: string): Promise<ModelChoice | null> {
  const res = await probe(`${origin}/api/tags`, 300);
  if (!res?.ok) return null;
  const body = await res.json().catch(() => null) as { models?: Array<{ name?: string }> } | null;
  // Not Ollama's answer (some other server on the port): as if nothing answered.
  if (!Array.isArray(body?.models)) return null;
  const name = body.models.find((m) => m.name)?.name;
  // Ollama runs but has no model yet: say so, rather than tell the user to start it.
  if (!name) {
    return { missing: `Ollama answers on ${origin} but has no model: pull one (e.g. "ollama pull llama3.2"), ` +
      'or set ANTHROPIC_API_KEY or OPENAI_API_KEY, or add a provider under models.providers in hardshell.json' };
  }
  const model = (await openai())({ baseURL: `${origin}/v1`, apiKey: 'ollama', fetch: egressFetch }).chat(name);
  return { model, label: `ollama/${name}` };
}
