// `hardshell gateway`: the long-running server (HTTP API, WebSocket) in front of the agents.
import type { Command } from 'commander';
import { openRuntime } from './runtime.ts';
import { startGateway } from '../edge/server.ts';
import { UserError } from './io.ts';
import { ApprovalStore, type ApprovalRecord } from '../approvals/store.ts';
import { formatApproval } from './approvals.ts';
import { startChannels, type RunningChannels } from '../channels/manager.ts';
import { channelDeps } from './channel-deps.ts';
import type { MessagePort } from '../tools/types.ts';

export function register(program: Command): void {
  program.command('gateway')
    .description('run the gateway: the HTTP API and WebSocket that apps and the web page talk to')
    .option('-p, --port <port>', 'port to listen on (default: gateway.port, 18789)', (v) => port(v))
    .option('-b, --bind <address>', 'address to listen on (default: gateway.bind, 127.0.0.1)')
    .option('--accept-risk <check-id>', 'start even though this critical security check fails (repeatable)', (v: string, prev: string[]) => [...prev, v], [])
    .option('--tls-self-signed', 'serve HTTPS with a self-signed certificate for localhost (made under <state folder>/tls/ if missing); for local testing')
    .action(async (opts: { port?: number; bind?: string; acceptRisk: string[]; tlsSelfSigned?: boolean }) => {
      // The critical checks of `hardshell security audit` run first: no insecure start.
      const { gateMessage, startupGate } = await import('../posture/gate.ts');
      const gate = startupGate({ env: process.env, bind: opts.bind, acceptRisk: opts.acceptRisk });
      if (gate.refused.length > 0) throw new UserError(gateMessage(gate.refused));
      for (const f of gate.accepted) process.stderr.write(`warning: starting despite ${f.id} (accepted with --accept-risk): ${f.message}\n`);
      // New approval requests go to the operators' WebSocket clients as they are made.
      let notifyApproval: ((approval: unknown) => void) | undefined;
      // The message tool sends through the channels, which start after the runner (they need it).
      let channels: RunningChannels | undefined;
      const message: MessagePort = {
        send: (agentId, to, text) => channels ? channels.sendAs(agentId, to, text) : Promise.resolve({ ok: false, reason: 'the chat channels have not started yet' }),
      };
      // …and to the owners' private chats, where they can answer with "/approve ID".
      const onPending = (record: ApprovalRecord) => {
        notifyApproval?.(record);
        channels?.requestApproval({ id: record.id, text: formatApproval(record), expiresAt: new Date(record.expiresAt) })
          .catch((err: Error) => runtime.log({ level: 'warn', msg: 'could not send an approval request to the owners\' chats', error: err.message }));
      };
      const runtime = openRuntime(process.env, { echoLog: true, approvals: { onPending }, message });
      if (opts.tlsSelfSigned) {
        const { ensureSelfSigned } = await import('../edge/self-signed.ts');
        const pair = await ensureSelfSigned(runtime.home);
        runtime.config.gateway.tls = { enabled: true, cert: pair.cert, key: pair.key };
        process.stderr.write(`${pair.created ? 'made' : 'using'} a self-signed certificate for localhost, 127.0.0.1 and ::1: ${pair.cert} (browsers will warn; for local testing only)\n`);
      }
      let gateway;
      try {
        // Enabled chat channels start first: a bad channel setting stops the start (fail closed).
        channels = await startChannels(channelDeps(runtime));
        const running = channels;
        // Alerts (failed logins, denials, budgets) also reach the owners in their own chats.
        runtime.alerts.notifyWith((text) => Promise.all(running.adapters.map((a) => a.notifyOwners?.(runtime.redactor.redact(text, 'message')))));
        gateway = await startGateway(
          {
            config: runtime.config, runner: runtime.runner, sessions: runtime.sessions, tokens: runtime.tokens,
            env: runtime.loaded.env,
            // The log file (redacted), copied to stderr; auth results to the audit log.
            log: runtime.log,
            audit: runtime.audit,
            approvals: new ApprovalStore(runtime.store),
            store: runtime.store,
            readiness: [sandboxReadiness()],
            hooks: channels.hooks,
          },
          { port: opts.port, host: opts.bind },
        );
      } catch (err) {
        await channels?.stop();
        runtime.close();
        throw err;
      }
      const started = gateway;
      notifyApproval = (record) => started.notifyApproval(record);
      process.stdout.write(`hardshell gateway listening on ${gateway.url}\n`);
      if (runtime.tokens.list().length === 0 && runtime.config.security.auth.tokens.length === 0 && !runtime.config.security.auth.key) {
        process.stderr.write('note: no gateway token exists yet, so every request will be refused. Run "hardshell init" to make one.\n');
      }
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await channels.stop();
      await gateway.close();
      runtime.close();
    });
}

/** /readyz: whether a sandbox backend works here, probed at most once a minute. */
function sandboxReadiness() {
  let cached: { at: number; result: { ok: boolean; detail: string } } | undefined;
  return {
    name: 'sandbox',
    async check() {
      if (cached && Date.now() - cached.at < 60_000) return cached.result;
      const { backendStatus } = await import('../sandbox/index.ts');
      const all = await backendStatus();
      const usable = all.filter((b) => b.ok && b.name !== 'none').map((b) => b.name);
      const result = usable.length > 0
        ? { ok: true, detail: `sandbox backends that work here: ${usable.join(', ')}` }
        : { ok: false, detail: `no sandbox backend works here: ${all.filter((b) => !b.ok).map((b) => `${b.name}: ${b.why}`).join('; ')}` };
      cached = { at: Date.now(), result };
      return result;
    },
  };
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UserError(`--port takes a number from 0 to 65535, got "${value}"`);
  return n;
}
