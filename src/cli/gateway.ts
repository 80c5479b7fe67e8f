// `hardshell gateway`: the long-running server (HTTP API, WebSocket) in front of the agents.
import type { Command } from 'commander';
import { openRuntime } from './runtime.ts';
import { startGateway } from '../edge/server.ts';
import { UserError } from './io.ts';
import { ApprovalStore } from '../approvals/store.ts';

export function register(program: Command): void {
  program.command('gateway')
    .description('run the gateway: the HTTP API and WebSocket that apps and the web page talk to')
    .option('-p, --port <port>', 'port to listen on (default: gateway.port, 18789)', (v) => port(v))
    .option('-b, --bind <address>', 'address to listen on (default: gateway.bind, 127.0.0.1)')
    .option('--accept-risk <check-id>', 'start even though this critical security check fails (repeatable)', (v: string, prev: string[]) => [...prev, v], [])
    .action(async (opts: { port?: number; bind?: string; acceptRisk: string[] }) => {
      // The critical checks of `hardshell security audit` run first: no insecure start.
      const { gateMessage, startupGate } = await import('../posture/gate.ts');
      const gate = startupGate({ env: process.env, bind: opts.bind, acceptRisk: opts.acceptRisk });
      if (gate.refused.length > 0) throw new UserError(gateMessage(gate.refused));
      for (const f of gate.accepted) process.stderr.write(`warning: starting despite ${f.id} (accepted with --accept-risk): ${f.message}\n`);
      const runtime = openRuntime(process.env, { echoLog: true });
      let gateway;
      try {
        gateway = await startGateway(
          {
            config: runtime.config, runner: runtime.runner, sessions: runtime.sessions, tokens: runtime.tokens,
            env: runtime.loaded.env,
            // The log file (redacted), copied to stderr; auth results to the audit log.
            log: runtime.log,
            audit: runtime.audit,
            approvals: new ApprovalStore(runtime.store),
          },
          { port: opts.port, host: opts.bind },
        );
      } catch (err) {
        runtime.close();
        throw err;
      }
      process.stdout.write(`hardshell gateway listening on ${gateway.url}\n`);
      if (runtime.tokens.list().length === 0 && runtime.config.security.auth.tokens.length === 0 && !runtime.config.security.auth.key) {
        process.stderr.write('note: no gateway token exists yet, so every request will be refused. Run "hardshell init" to make one.\n');
      }
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await gateway.close();
      runtime.close();
    });
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UserError(`--port takes a number from 0 to 65535, got "${value}"`);
  return n;
}
