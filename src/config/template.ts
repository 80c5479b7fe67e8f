// The hardshell.json that `hardshell init` writes: the secure defaults, each with one line
// saying what it does. Every value here equals the schema's default (a test checks that
// loading this text gives exactly the config of no file at all), so deleting a line changes
// nothing; it is there to be read and edited.

export function defaultConfigText(): string {
  return `// hardshell configuration. JSON5: comments, unquoted keys and trailing commas are fine.
// Every value below is the built-in secure default, so deleting a line changes nothing.
// Reference: docs/configuration.md. Check an edit with: hardshell config validate
{
  gateway: {
    // Listen on loopback only; binding another address also needs TLS.
    bind: "127.0.0.1",
    // The port for HTTP and WebSocket clients.
    port: 18789,
    // HTTPS/WSS is off until you set enabled, cert and key (file paths, ~ allowed).
    tls: { enabled: false },
    // Request bodies larger than this (bytes) are refused with 413.
    maxBodyBytes: 1048576,
  },
  security: {
    auth: {
      // Every request needs a bearer token; \`hardshell init\` made one and stored only its hash.
      type: "token",
      // \`hardshell security audit\` warns about tokens older than this many days.
      maxAgeDays: 90,
    },
    // Clients allowed to connect, as IPs or CIDR ranges; empty means any (loopback only by bind).
    network: { allowedIPs: [] },
    // At most \`requests\` requests per \`window\` milliseconds per client; more get 429.
    rateLimit: { enabled: true, requests: 10, window: 1000 },
    // Every decision (auth, tool call, approval, egress, sandbox run) goes to a hash-chained log.
    audit: { enabled: true },
    // Once a session holds untrusted content (web pages, files, others' messages), calls with
    // side effects need a person's approval ("ask"), or are refused ("deny").
    injection: { mode: "ask" },
  },
  agents: {
    defaults: {
      // Built in, not written here: exec and the browser run sandboxed (sandbox.mode "all"),
      // with no network, and the workspace is the state folder's workspace/.
      // Example override: sandbox: { mode: "all", provider: "bwrap" },
    },
    // More agents, each with its own id and settings over the defaults: [{ id: "research", ... }]
    list: [],
  },
  tools: {
    // The base tool set: minimal, files, standard or full; allow/deny lists narrow it.
    profile: "standard",
    // Tools no agent may use, whatever else allows them.
    deny: [],
    // Tools that may run outside the sandbox: none.
    elevated: [],
    exec: {
      // Every shell command waits for a person's yes; no answer in time means no.
      security: "ask",
      // How long an approval waits (milliseconds) before it counts as no.
      approvalTimeout: 300000,
    },
    // Hosts web_fetch may reach: none until you list them.
    web: { fetch: { allowedDomains: [] } },
  },
  secrets: {
    // Secrets come from environment variables named HARDSHELL_SECRET_<NAME>;
    // write \${secret:NAME} where a value should use one. They are never stored in this file.
    provider: "env",
    prefix: "HARDSHELL_SECRET_",
  },
  logging: {
    // Log level, and API keys and tokens removed from what is logged.
    level: "info",
    redactSensitive: "tools",
    retention: { days: 30 },
  },
  // The browser tool is off; when on it runs sandboxed and opens only allowedDomains.
  browser: { mode: "off", allowedDomains: [] },
}
`;
}
