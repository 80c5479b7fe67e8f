// Where hardshell looks for a local Ollama server when no provider is configured:
// 127.0.0.1:11434, or the loopback address in HARDSHELL_OLLAMA_URL (Ollama on another port,
// or a test's fake server on a random one). The variable takes effect with no config line and
// nothing in `security audit`, so it may only name this machine's loopback over plain http:
// it must not become a way to send the session's prompts to another host. A remote Ollama
// is a provider under models.providers, where the configuration shows it.

export const OLLAMA_URL_VARIABLE = 'HARDSHELL_OLLAMA_URL';
export const DEFAULT_OLLAMA_URL = 'http://127.0.0.1:11434';

export type OllamaAddress = { url: string } | { error: string };

/** The Ollama origin to probe (no trailing slash), or why the variable is refused. */
export function ollamaAddress(env: NodeJS.ProcessEnv): OllamaAddress {
  const raw = env[OLLAMA_URL_VARIABLE];
  if (raw === undefined || raw === '') return { url: DEFAULT_OLLAMA_URL };
  const problem = loopbackProblem(raw);
  if (problem) {
    return { error: `${OLLAMA_URL_VARIABLE} ${problem}: it may only name Ollama on this machine, e.g. ` +
      `"http://127.0.0.1:11434"; unset it, or add a remote server under models.providers in hardshell.json (see docs/configuration.md)` };
  }
  return { url: new URL(raw).origin };
}

function loopbackProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'http:') return `uses ${url.protocol} where only http: is accepted`;
  if (url.username || url.password) return 'carries a user name or password';
  // The URL parser has already turned 127.1, 0x7f.0.0.1 and the like into dotted quads, so
  // a host name that only starts like an address (127.0.0.1.example.com) cannot pass.
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(url.hostname) && url.hostname !== '[::1]') {
    return `names the host "${url.hostname}", which is not a loopback address (127.0.0.0/8 or [::1]; a name such as localhost is not looked up)`;
  }
  if (url.pathname !== '/' || url.search || url.hash) return 'has a path, query or fragment; give only the scheme, address and port';
  return null;
}
