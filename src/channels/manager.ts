// Starts the enabled channels next to the gateway and stops them with it. Everything a
// channel needs from outside (the network, secrets, the agent) is handed in, so this room
// never reaches past its walls: `fetch` is egress's, `resolveSecret` is the secrets room's.
import type { Config, ChannelName } from '../config/schema.ts';
import type { Store } from '../store/db.ts';
import { ConfigError } from '../config/errors.ts';
import type { AuditSink } from '../audit/types.ts';
import type { AgentRunner } from '../agent/events.ts';
import { PairingStore } from './pairing.ts';
import { SeenStore } from './seen.ts';
import { REPLAY_WINDOW_MS } from './signature.ts';
import { createDispatcher } from './dispatch.ts';
import { decideTarget } from './outbox.ts';
import { ChatApprovals, type ApprovalAnswerPort, type PendingForChat } from './chat-approvals.ts';
import { assertBindings } from './router.ts';
import { assertNoPlainCredentials, requireCredential, type ReferenceLike, type ResolveSecret } from './settings.ts';
import type { WebhookAdapter } from './adapters/webhook.ts';
import type { TelegramAdapter } from './adapters/telegram.ts';
import type { SlackAdapter } from './adapters/slack.ts';
import type { DiscordAdapter } from './adapters/discord.ts';
import type { ChannelAdapter, ChannelHook, Fetch, SocketConnector } from './types.ts';

export interface ChannelDeps {
  config: Config;
  /** `${VAR}` references from loading the config (LoadedConfig.references): how credentials were written. */
  references: readonly ReferenceLike[];
  /** The config file, for error messages. */
  file: string;
  home: string;
  store: Store;
  runner: AgentRunner;
  /** Egress's fetch: the only way channels reach a platform. */
  fetch: Fetch;
  resolveSecret: ResolveSecret;
  /**
   * Known secrets out of the text an agent sends on its own (sendAs): the secrets room's
   * redactor. Replies to inbound messages come already redacted from the runner.
   */
  redact: (text: string) => string;
  /** Egress's WebSocket connector, for Discord's gateway; without one Discord cannot be enabled. */
  connect?: SocketConnector;
  audit?: AuditSink;
  log?: (line: Record<string, unknown>) => void;
  /** Answers approval requests; with it, owners get pending requests in their chats and answer there. */
  approvals?: ApprovalAnswerPort;
  /** Least time between two messages to one chat, by channel (tests go faster). */
  minIntervalMs?: Partial<Record<ChannelName, number>>;
  now?: () => number;
}

export interface RunningChannels {
  adapters: ChannelAdapter[];
  /** Endpoints to mount on the gateway (they check the platforms' own signatures). */
  hooks: ChannelHook[];
  /**
   * An agent's own message to a chat (for the `message` tool): only to chats the access policy
   * lists for that agent (outbox.ts), redacted. Sent, refused and failed sends are audited; a
   * refusal resolves with its reason, a platform failure rejects.
   */
  sendAs(agentId: string, to: string, text: string): Promise<SendOutcome>;
  /** Sends a pending approval request to the owners in private (chat-approvals.ts); returns the channels reached. */
  requestApproval(pending: PendingForChat): Promise<ChannelName[]>;
  stop(): Promise<void>;
}

export type SendOutcome = { ok: true; rule: string } | { ok: false; reason: string };

export function enabledChannels(config: Config): ChannelName[] {
  return (Object.keys(config.channels) as ChannelName[]).filter((name) => config.channels[name].enabled);
}

/** The adapter classes, loaded only for the channels that are on: a platform's SDK costs start-up time. */
interface AdapterClasses {
  webhook?: typeof WebhookAdapter;
  telegram?: typeof TelegramAdapter;
  slack?: typeof SlackAdapter;
  discord?: typeof DiscordAdapter;
}

async function loadAdapters(config: Config): Promise<AdapterClasses> {
  const on = new Set(enabledChannels(config));
  return {
    webhook: on.has('webhook') ? (await import('./adapters/webhook.ts')).WebhookAdapter : undefined,
    telegram: on.has('telegram') ? (await import('./adapters/telegram.ts')).TelegramAdapter : undefined,
    slack: on.has('slack') ? (await import('./adapters/slack.ts')).SlackAdapter : undefined,
    discord: on.has('discord') ? (await import('./adapters/discord.ts')).DiscordAdapter : undefined,
  };
}

/** Builds the enabled adapters without starting them (also used by `hardshell channels test`). */
export async function buildAdapters(deps: ChannelDeps): Promise<ChannelAdapter[]> {
  return buildChannels(deps, await loadAdapters(deps.config)).adapters;
}

interface Built {
  approvals: ChatApprovals;
  adapters: ChannelAdapter[];
  /** Ends the turns channel messages started, and waits for them. */
  drain(): Promise<void>;
}

function buildChannels(deps: ChannelDeps, classes: AdapterClasses): Built {
  const { config } = deps;
  assertNoPlainCredentials(config, deps.references, deps.file);
  assertBindings(config, deps.file);
  const pairing = new PairingStore(deps.store, deps.now);
  const seen = new SeenStore(deps.store, 2 * REPLAY_WINDOW_MS);
  const stopping = new AbortController();
  const adapters: ChannelAdapter[] = [];
  const notifyOwners = async (channel: ChannelName, text: string) => { await adapters.find((a) => a.name === channel)?.notifyOwners?.(text); };
  const approvals = new ChatApprovals({ adapters: () => adapters, port: deps.approvals, redact: deps.redact, audit: deps.audit, now: deps.now });
  const inner = createDispatcher({ config, home: deps.home, runner: deps.runner, pairing, audit: deps.audit, log: deps.log, signal: stopping.signal, notifyOwners, approvals });
  const inflight = new Set<Promise<unknown>>();
  const dispatch: typeof inner = (message, send) => {
    const p = inner(message, send);
    inflight.add(p);
    p.then(() => inflight.delete(p), () => inflight.delete(p));
    return p;
  };
  const cred = (value: string | undefined, key: string) => requireCredential(value, key, deps.resolveSecret);
  for (const name of enabledChannels(config)) {
    switch (name) {
      case 'webhook': {
        const secrets: Record<string, string> = {};
        for (const [source, s] of Object.entries(config.channels.webhook.sources)) secrets[source] = cred(s.signingSecret, `channels.webhook.sources.${source}.signingSecret`);
        adapters.push(new classes.webhook!({ secrets, seen, dispatch, audit: deps.audit, now: deps.now }));
        break;
      }
      case 'telegram': {
        const t = config.channels.telegram;
        adapters.push(new classes.telegram!({
          token: cred(t.botToken, 'channels.telegram.botToken'),
          mode: t.mode,
          webhookSecret: t.mode === 'webhook' ? cred(t.webhookSecret, 'channels.telegram.webhookSecret') : undefined,
          webhookUrl: t.webhookUrl,
          apiRoot: t.apiRoot,
          fetch: deps.fetch, dispatch, audit: deps.audit, log: deps.log, minIntervalMs: deps.minIntervalMs?.telegram,
          seen, owners: t.owner,
        }));
        break;
      }
      case 'slack': {
        const s = config.channels.slack;
        if (s.mode === 'socket' && !deps.connect) {
          throw new ConfigError({ file: deps.file, keyPath: 'channels.slack.mode', message: 'channels.slack.mode is "socket", but this hardshell cannot open Slack\'s Socket Mode WebSocket yet (it must come from egress, which does not offer one in this version): use mode "events"' });
        }
        adapters.push(new classes.slack!({
          token: cred(s.botToken, 'channels.slack.botToken'),
          ...(s.mode === 'socket'
            ? { appToken: cred(s.appToken, 'channels.slack.appToken'), connect: deps.connect }
            : { signingSecret: cred(s.signingSecret, 'channels.slack.signingSecret') }),
          apiRoot: s.apiRoot,
          fetch: deps.fetch, dispatch, seen, audit: deps.audit, log: deps.log, now: deps.now, minIntervalMs: deps.minIntervalMs?.slack,
        }));
        break;
      }
      case 'discord': {
        if (!deps.connect) {
          throw new ConfigError({ file: deps.file, keyPath: 'channels.discord.enabled', message: 'channels.discord is enabled, but this hardshell cannot open Discord\'s gateway yet (its WebSocket must come from egress, which does not offer one in this version): set channels.discord.enabled to false' });
        }
        const d = config.channels.discord;
        adapters.push(new classes.discord!({
          token: cred(d.botToken, 'channels.discord.botToken'), apiRoot: d.apiRoot,
          fetch: deps.fetch, connect: deps.connect, dispatch, audit: deps.audit, log: deps.log, minIntervalMs: deps.minIntervalMs?.discord,
        }));
        break;
      }
    }
  }
  return {
    adapters,
    approvals,
    async drain() {
      stopping.abort();
      await Promise.allSettled([...inflight]);
    },
  };
}

export async function startChannels(deps: ChannelDeps): Promise<RunningChannels> {
  const { adapters, approvals, drain } = buildChannels(deps, await loadAdapters(deps.config));
  const started: ChannelAdapter[] = [];
  const stop = async () => {
    await Promise.allSettled(started.map((a) => a.stop()));
    await drain();
  };
  try {
    for (const adapter of adapters) {
      await adapter.start();
      started.push(adapter);
      deps.log?.({ level: 'info', msg: 'channel started', channel: adapter.name, detail: adapter.describe() });
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const sendAs = async (agentId: string, to: string, text: string): Promise<SendOutcome> => {
    const decision = decideTarget(deps.config, agentId, deps.home, to);
    const adapter = decision.ok ? started.find((a) => a.name === decision.channel) : undefined;
    if (!decision.ok || !adapter) {
      const reason = decision.ok ? `the ${decision.channel} channel is not running` : decision.reason;
      deps.audit?.({ kind: 'message', action: 'send_refused', agentId, to, reason });
      return { ok: false, reason };
    }
    try {
      await adapter.send({ chatId: decision.chatId }, deps.redact(text));
    } catch (err) {
      deps.audit?.({ kind: 'message', action: 'send_failed', agentId, to, rule: decision.rule, error: (err as Error).message });
      throw err;
    }
    deps.audit?.({ kind: 'message', action: 'sent', agentId, to, rule: decision.rule, chars: text.length });
    return { ok: true, rule: decision.rule };
  };
  return { adapters, hooks: adapters.flatMap((a) => a.hooks()), sendAs, requestApproval: (pending) => approvals.request(pending), stop };
}
