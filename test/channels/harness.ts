// A real gateway with the real agent runner and the channels started from a real config in a
// temp state folder; the scripted model server plays the model, and audit events are kept in
// an array so tests can see every refusal. The runner's message tool sends through the
// channels, and the secrets room's redactor knows every secret the config's provider holds.
import { makeHome, scriptedModelConfig, type TestHome } from '../fixtures/home.ts';
import { startModelServer, type ModelServer, type StepSource } from '../fixtures/model-server.ts';
import { loadConfig } from '../../src/config/load.ts';
import { openStore, type Store } from '../../src/store/db.ts';
import { Sessions } from '../../src/sessions/store.ts';
import { UsageLedger } from '../../src/sessions/usage.ts';
import { MemoryLedger } from '../../src/sessions/memory.ts';
import { TokenStore } from '../../src/edge/tokens.ts';
import { createAgentRunner } from '../../src/agent/runner.ts';
import { startGateway, type Gateway } from '../../src/edge/server.ts';
import { egressFetch } from '../../src/egress/fetch.ts';
import { resolveSecretRefs } from '../../src/secrets/refs.ts';
import { startChannels, type RunningChannels } from '../../src/channels/manager.ts';
import type { AuditRecord } from '../../src/audit/types.ts';
import type { SocketConnector } from '../../src/channels/types.ts';
import type { Approver } from '../../src/approvals/types.ts';
import { Redactor } from '../../src/secrets/redactor.ts';
import { knownSecrets } from '../../src/secrets/known.ts';
import { ApprovalStore } from '../../src/approvals/store.ts';
import { runtimeApprover, formatApproval } from '../../src/cli/approvals.ts';
import { chatAnswers } from '../../src/cli/channel-deps.ts';

export interface Harness {
  model: ModelServer;
  home: TestHome;
  gateway: Gateway;
  channels: RunningChannels;
  store: Store;
  sessions: Sessions;
  audit: AuditRecord[];
}

type After = { after(fn: () => Promise<void> | void): void };

export interface HarnessOptions {
  script?: StepSource[];
  config: Record<string, any>;
  env?: NodeJS.ProcessEnv;
  connect?: SocketConnector;
  /** Files in the agent's workspace, by relative path. */
  files?: Record<string, string>;
  approver?: Approver;
  /** Approvals as the gateway wires them: pending requests go to the owners' chats, answered there. */
  chatApprovals?: boolean;
}

export async function channelHarness(t: After, opts: HarnessOptions): Promise<Harness> {
  const model = await startModelServer(opts.script ?? []);
  const home = await makeHome({
    config: scriptedModelConfig(model.url, { ...opts.config, security: { rateLimit: { enabled: false }, ...opts.config.security } }),
    env: opts.env,
    files: opts.files,
  });
  const loaded = loadConfig({ env: home.env });
  const { config, paths, env } = loaded;
  const store = openStore(paths.store);
  const sessions = new Sessions(store);
  const audit: AuditRecord[] = [];
  const sink = (r: AuditRecord) => { audit.push(r); };
  const redactor = new Redactor(knownSecrets(config, env, paths.home).secrets, config.logging.redactSensitive);
  // The channels start after the runner (they need it); the message tool finds them then.
  let channels: RunningChannels | undefined;
  const runner = createAgentRunner({
    config, home: paths.home, env, sessions, usage: new UsageLedger(store), memory: new MemoryLedger(store),
    approver: opts.chatApprovals
      ? runtimeApprover(config, paths.home, store, {
        pollMs: 20, audit: sink,
        onPending: (r) => { void channels?.requestApproval({ id: r.id, text: formatApproval(r), expiresAt: new Date(r.expiresAt) }); },
      })
      : opts.approver,
    audit: sink,
    message: { send: (agentId, to, text) => channels!.sendAs(agentId, to, text) },
  });
  const cleanup: Array<() => Promise<void> | void> = [];
  t.after(async () => {
    for (const fn of cleanup.reverse()) await fn();
    store.close();
    await model.close();
    await home.cleanup();
  });
  const running = channels = await startChannels({
    config, references: loaded.references, file: paths.config, home: paths.home, store, runner,
    fetch: egressFetch,
    resolveSecret: (value) => resolveSecretRefs(value, config, env, paths.home),
    redact: (text) => redactor.message(text),
    audit: sink,
    connect: opts.connect,
    ...(opts.chatApprovals ? { approvals: chatAnswers(new ApprovalStore(store)) } : {}),
    minIntervalMs: { telegram: 5, slack: 5, discord: 5 },
  });
  cleanup.push(() => running.stop());
  const gateway = await startGateway({ config, runner, sessions, tokens: new TokenStore(store), env, hooks: running.hooks, audit: sink }, { port: 0 });
  cleanup.push(() => gateway.close());
  return { model, home, gateway, channels: running, store, sessions, audit };
}

/** Waits until check() is true (polling), or fails after timeoutMs. */
export async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
