// The canonical configuration: every key hardshell understands, with its secure default.
// Seed spellings (tools.denied, exec.*, security.users.allowList, ...) are rewritten onto
// these keys by aliases.ts before validation, so this file knows one name per setting.
import { z } from 'zod';

const obj = z.strictObject;
const names = z.array(z.string().min(1));

/** Tool names are case-insensitive in config (OpenClaw's docs write `Read`, `Write`). */
const toolNames = z.array(z.string().min(1).transform((s) => s.toLowerCase()));

export const SANDBOX_PROVIDERS = ['auto', 'bwrap', 'docker', 'podman', 'none'] as const;
export const PROVIDER_APIS = ['anthropic-messages', 'openai-completions', 'openai-responses'] as const;
export const TOOL_PROFILES = ['minimal', 'files', 'standard', 'full'] as const;
export const EXEC_SECURITY = ['deny', 'allowlist', 'ask', 'auto'] as const;
export const AUDIT_KINDS = ['auth', 'message', 'tool', 'approval', 'egress', 'sandbox', 'config', 'policy'] as const;

const toolRules = obj({
  profile: z.enum(TOOL_PROFILES).optional(),
  allow: toolNames.optional(),
  deny: toolNames.optional(),
  /** Narrows tools.elevated for these agents: a tool stays elevated only where every list names it. */
  elevated: toolNames.optional(),
});

const sandboxSettings = obj({
  mode: z.enum(['off', 'non-main', 'all']).optional(),
  scope: z.enum(['session', 'invocation', 'agent']).optional(),
  workspaceAccess: z.enum(['none', 'ro', 'rw']).optional(),
  provider: z.enum(SANDBOX_PROVIDERS).optional(),
  network: obj({ allowedDomains: names.optional(), deniedDomains: names.optional() }).optional(),
});

/** What a non-owner's message may make the agent do: narrows the agent's own tools, never widens them. */
const senderTools = obj({
  allow: toolNames.optional(),
  deny: toolNames.optional(),
  exec: z.enum(['deny', 'allowlist', 'ask']).optional(),
});

const dmSettings = obj({
  policy: z.enum(['pairing', 'allowlist', 'open', 'disabled']).optional(),
  allowFrom: names.optional(),
  tools: senderTools.optional(),
});

const groupSettings = obj({
  policy: z.enum(['allowlist', 'disabled']).optional(),
  allowFrom: names.optional(),
  requireMention: z.boolean().optional(),
  tools: senderTools.optional(),
});

export const CHANNEL_NAMES = ['telegram', 'slack', 'discord', 'webhook'] as const;

/** A credential: `${secret:NAME}` or `${VAR}`; channels refuse a value written in plain (channels/settings.ts). */
const secretValue = z.string().min(1);

const channelBase = {
  enabled: z.boolean().default(false),
  /** The owner's sender ids on this channel (e.g. `telegram:12345`): only they carry owner provenance. */
  owner: names.default([]),
};

/** Limits on what one agent may spend; a turn that reaches one stops cleanly and says which. */
const budgets = obj({
  maxTokensPerTurn: z.number().int().min(1).optional(),
  maxTokensPerDay: z.number().int().min(1).optional(),
  maxCostPerDay: z.number().positive().optional(),
  maxConcurrentTurns: z.number().int().min(1).max(1000).optional(),
  /** The same tool call with the same arguments this many times in one turn stops it. */
  maxRepeatedCalls: z.number().int().min(2).max(100).optional(),
});

/** Limits on sessions_spawn; the defaults are in agent/subagents.ts. */
const subagents = obj({
  maxDepth: z.number().int().min(0).max(5).optional(),
  maxChildrenPerSession: z.number().int().min(0).max(100).optional(),
  maxConcurrent: z.number().int().min(1).max(16).optional(),
});

/** Settings an agent may override; every field optional so defaults merge under them. */
const agentSettings = {
  model: z.string().min(1).optional(),
  workspace: z.string().min(1).optional(),
  systemPrompt: z.string().optional(),
  maxSteps: z.number().int().min(1).max(1000).optional(),
  turnTimeoutMs: z.number().int().min(1000).optional(),
  tools: toolRules.optional(),
  sandbox: sandboxSettings.optional(),
  dm: dmSettings.optional(),
  groups: groupSettings.optional(),
  trustedFiles: names.optional(),
  budgets: budgets.optional(),
  subagents: subagents.optional(),
};

const agentDefaults = obj(agentSettings).prefault({});
const agentEntry = obj({ id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/i, 'letters, digits, - and _ only'), name: z.string().optional(), ...agentSettings });

const providerEntry = obj({
  api: z.enum(PROVIDER_APIS),
  baseUrl: z.url().optional(),
  apiKey: z.string().optional(),
  models: names.optional(),
});

/** A token from config: a plain value (seed 002) or a stored hash with metadata. */
const configToken = z.union([
  z.string().min(1),
  obj({
    name: z.string().min(1),
    value: z.string().min(1).optional(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
    scopes: z.array(z.enum(['operator', 'chat', 'read'])).optional(),
    created: z.string().optional(),
    expires: z.string().optional(),
  }),
]);

export const configSchema = obj({
  $schema: z.string().optional(),
  gateway: obj({
    bind: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(18789),
    tls: obj({
      enabled: z.boolean().default(false),
      cert: z.string().optional(),
      key: z.string().optional(),
    }).prefault({}),
    trustedProxies: names.default([]),
    maxBodyBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
    /** Browser pages allowed to open the WebSocket and send state-changing requests (besides the gateway's own origin). */
    controlUi: obj({ allowedOrigins: names.default([]) }).prefault({}),
    /** Origins that get CORS headers; none by default, so other sites cannot call the API from a browser. */
    cors: obj({ origins: names.default([]) }).prefault({}),
    limits: obj({
      maxHeaderBytes: z.number().int().min(1024).max(1024 * 1024).default(16 * 1024),
      maxConnectionsPerIp: z.number().int().min(1).max(100_000).default(32),
      headersTimeoutMs: z.number().int().min(1000).default(10_000),
      requestTimeoutMs: z.number().int().min(1000).default(30_000),
      idleTimeoutMs: z.number().int().min(1000).default(60_000),
      wsMaxMessageBytes: z.number().int().min(1024).max(64 * 1024 * 1024).optional(),
    }).prefault({}),
  }).prefault({}),
  security: obj({
    auth: obj({
      type: z.enum(['token', 'apiKey']).default('token'),
      tokens: z.array(configToken).default([]),
      key: z.string().optional(),
      maxAgeDays: z.number().int().min(1).default(90),
    }).prefault({}),
    network: obj({ allowedIPs: names.default([]) }).prefault({}),
    rateLimit: obj({
      enabled: z.boolean().default(true),
      requests: z.number().int().min(1).default(10),
      window: z.number().int().min(1).default(1000),
      /** Failed authentications allowed per client per authWindow ms; past that the client is banned. */
      authFailures: z.number().int().min(1).default(3),
      authWindow: z.number().int().min(1000).default(60_000),
      /** How many clients the limiter remembers at once (least recently seen are forgotten first). */
      maxClients: z.number().int().min(100).max(10_000_000).default(10_000),
      ban: obj({
        enabled: z.boolean().default(true),
        /** The first ban's length; each further ban of the same client is 4 times longer, up to maxMs. */
        firstMs: z.number().int().min(1000).default(5 * 60_000),
        maxMs: z.number().int().min(1000).default(24 * 60 * 60_000),
      }).prefault({}),
    }).prefault({}),
    audit: obj({
      enabled: z.boolean().default(true),
      path: z.string().optional(),
      events: z.array(z.enum(AUDIT_KINDS)).default([...AUDIT_KINDS]),
    }).prefault({}),
    injection: obj({ mode: z.enum(['ask', 'deny', 'off']).default('ask') }).prefault({}),
  }).prefault({}),
  models: obj({
    providers: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i), providerEntry).default({}),
    /** US dollars per million tokens, by `<provider>/<model>`: turns token counts into cost for budgets. */
    prices: z.record(z.string(), obj({ input: z.number().min(0), output: z.number().min(0) })).default({}),
  }).prefault({}),
  agents: obj({
    defaults: agentDefaults,
    list: z.array(agentEntry).default([]),
  }).prefault({}),
  tools: obj({
    profile: z.enum(TOOL_PROFILES).default('standard'),
    allow: toolNames.optional(),
    deny: toolNames.default([]),
    elevated: toolNames.default([]),
    exec: obj({
      security: z.enum(EXEC_SECURITY).default('ask'),
      allowedCommands: names.default([]),
      deniedCommands: names.default([]),
      /** Interpreters that may run code given on their command line (`python3 -c`, `node -e`). */
      inlineCode: names.default([]),
      /**
       * Secrets an exec command may use, by name, each with the only domains its process may
       * reach while the secret is in its environment (docs/secrets.md). The model sees $NAME.
       */
      secrets: z.record(z.string().regex(/^[A-Za-z0-9_]+$/, 'letters, digits and _ only'), obj({ allowedDomains: names.default([]) })).default({}),
      approvalTimeout: z.number().int().min(1000).default(5 * 60 * 1000),
    }).prefault({}),
    web: obj({
      fetch: obj({ allowedDomains: names.default([]) }).prefault({}),
    }).prefault({}),
  }).prefault({}),
  secrets: obj({
    provider: z.enum(['env', 'file', 'store']).default('env'),
    prefix: z.string().regex(/^[A-Z0-9_]*$/, 'upper-case letters, digits and _ only').default('HARDSHELL_SECRET_'),
    dir: z.string().optional(),
  }).prefault({}),
  logging: obj({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
    redactSensitive: z.enum(['tools', 'all']).default('tools'),
    file: z.string().optional(),
    retention: obj({ days: z.number().int().min(1).default(30) }).prefault({}),
  }).prefault({}),
  browser: obj({
    mode: z.enum(['off', 'sandboxed']).default('off'),
    allowedDomains: names.default([]),
    blockPatterns: names.default([]),
  }).prefault({}),
  skills: obj({
    install: obj({ nodeManager: z.enum(['npm', 'pnpm', 'yarn', 'bun']).default('npm') }).prefault({}),
    permissions: z.record(z.string(), obj({
      network: z.boolean().default(false),
      filesystem: z.enum(['none', 'read', 'write']).default('none'),
    })).default({}),
  }).prefault({}),
  session: obj({ dmScope: z.enum(['per-sender', 'shared']).default('per-sender') }).prefault({}),
  /** Chat apps the agents answer on; every one is off until enabled (docs/channels.md). */
  channels: obj({
    telegram: obj({
      ...channelBase,
      botToken: secretValue.optional(),
      mode: z.enum(['polling', 'webhook']).default('polling'),
      /** Telegram sends it back in X-Telegram-Bot-Api-Secret-Token on every webhook call. */
      webhookSecret: secretValue.optional(),
      /** The public https URL Telegram should call (ends in /hooks/telegram); set with setWebhook at start. */
      webhookUrl: z.url().optional(),
      apiRoot: z.url().optional(),
    }).prefault({}),
    slack: obj({
      ...channelBase,
      /** "events": Slack POSTs to /hooks/slack/events; "socket": Socket Mode over a WebSocket (needs appToken). */
      mode: z.enum(['events', 'socket']).default('events'),
      botToken: secretValue.optional(),
      signingSecret: secretValue.optional(),
      /** Socket Mode's app-level token (xapp-...). */
      appToken: secretValue.optional(),
      apiRoot: z.url().optional(),
    }).prefault({}),
    discord: obj({
      ...channelBase,
      botToken: secretValue.optional(),
      apiRoot: z.url().optional(),
    }).prefault({}),
    webhook: obj({
      ...channelBase,
      /** Each source signs its requests with its own secret; its sender id is `webhook:<name>`. */
      sources: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/i, 'letters, digits, - and _ only'), obj({ signingSecret: secretValue })).default({}),
    }).prefault({}),
  }).prefault({}),
  /** Which agent answers which channel, account or chat; the most specific match wins, else `main`. */
  bindings: z.array(obj({
    agentId: z.string().min(1),
    match: obj({
      channel: z.enum(CHANNEL_NAMES),
      account: z.string().min(1).optional(),
      chat: z.string().min(1).optional(),
    }),
  })).default([]),
});

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type AgentSettings = z.output<typeof agentDefaults>;
export type ProviderConfig = z.output<typeof providerEntry>;
export type ToolRules = z.output<typeof toolRules>;
export type Budgets = z.output<typeof budgets>;
export type ChannelsConfig = Config['channels'];
export type ChannelName = (typeof CHANNEL_NAMES)[number];
