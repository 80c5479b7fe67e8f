// Everything a command needs to run turns, opened from the state folder, and closed again:
// the store, the sessions, the redactor (fed every known secret value), the log file, the
// audit log and the alert counters, wired into the runner.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type LoadedConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { agentIds } from '../config/agents.ts';
import { resolveConfigPath } from '../config/paths.ts';
import { openStore, type Store } from '../store/db.ts';
import { Sessions } from '../sessions/store.ts';
import { UsageLedger } from '../sessions/usage.ts';
import { MemoryLedger } from '../sessions/memory.ts';
import { TokenStore } from '../edge/tokens.ts';
import type { AgentRunner } from '../agent/events.ts';
import type { ResolvedModel } from '../agent/providers.ts';
import type { MessagePort } from '../tools/types.ts';
import { Redactor } from '../secrets/redactor.ts';
import { knownSecrets } from '../secrets/known.ts';
import { AuditLog } from '../audit/log.ts';
import { configChanges } from '../audit/config-diff.ts';
import { displayConfig } from '../config/display.ts';
import type { AuditSink } from '../audit/types.ts';
import { createLogger, type HardshellLogger } from '../obs/logger.ts';
import { Alerts } from '../obs/alerts.ts';
import { redactingRunner } from '../obs/redacting-runner.ts';
import { UserError } from './io.ts';
import { runtimeApprover, type RuntimeApproverOptions } from './approvals.ts';

export interface Runtime {
  loaded: LoadedConfig;
  config: Config;
  home: string;
  store: Store;
  sessions: Sessions;
  tokens: TokenStore;
  runner: AgentRunner;
  redactor: Redactor;
  logger: HardshellLogger;
  /** The gateway's log shape, into the log file (redacted). */
  log: (line: Record<string, unknown>) => void;
  /** Null when security.audit.enabled is false. */
  auditLog: AuditLog | null;
  /** Every audited event goes here: counted for alerts, then written (if enabled). */
  audit: AuditSink;
  alerts: Alerts;
  close(): void;
}

export interface RuntimeOptions {
  /** Also copy each log line to stderr (the gateway does). */
  echoLog?: boolean;
  /** How `ask` reaches a person besides the store: the chat's inline prompt, the gateway's push. */
  approvals?: Pick<RuntimeApproverOptions, 'prompt' | 'onPending'>;
  /** Use this model for every turn instead of the configured one (the demo's scripted model). */
  model?: ResolvedModel;
  /** The chat channels, for the message tool (the gateway's; without it the tool says none run). */
  message?: MessagePort;
}

export function logFilePath(config: Config, home: string, env: NodeJS.ProcessEnv): string {
  return config.logging.file ? resolveConfigPath(config.logging.file, home, env) : join(home, 'logs', 'hardshell.log');
}

export function auditLogPath(config: Pick<Config, 'security'>, home: string, env: NodeJS.ProcessEnv): string {
  const p = config.security.audit.path;
  return p ? resolveConfigPath(p, home, env) : join(home, 'audit.log');
}

/** Opening the audit log failed: say which file and what to do (the command does not run without it). */
function openAuditLogOrSay(path: string, open: () => AuditLog): AuditLog {
  try {
    return open();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new UserError(`cannot open the audit log ${path} (${code}): check that its folder exists and is yours, or change security.audit.path; hardshell does not run without its audit log (security.audit.enabled: false turns it off)`);
  }
}

export function openRuntime(env: NodeJS.ProcessEnv = process.env, opts: RuntimeOptions = {}): Runtime {
  const loaded = loadConfig({ env });
  const { paths, config } = loaded;
  mkdirSync(paths.home, { recursive: true, mode: 0o700 });
  // Every value that must never leave: a secret store that will not open stops here.
  const known = knownSecrets(config, loaded.env, paths.home);
  const redactor = new Redactor(known.secrets, config.logging.redactSensitive);
  const logger = createLogger({
    file: logFilePath(config, paths.home, loaded.env),
    level: config.logging.level,
    retentionDays: config.logging.retention.days,
    redact: (line) => redactor.log(line),
    echo: opts.echoLog ? (line) => process.stderr.write(line.endsWith('\n') ? line : line + '\n') : undefined,
  });
  for (const problem of known.problems) logger.log({ level: 'warn', msg: `a secret could not be read: ${problem}` });
  let auditLog: AuditLog | null = null;
  let store: Store | undefined;
  try {
    if (config.security.audit.enabled) {
      auditLog = openAuditLogOrSay(auditLogPath(config, paths.home, loaded.env), () => new AuditLog({
        path: auditLogPath(config, paths.home, loaded.env),
        home: paths.home,
        kinds: config.security.audit.events,
        // Audit events keep tool arguments: key formats are removed there whatever the mode.
        redact: (s) => redactor.tool(s),
        onProblem: (message) => logger.log({ level: 'warn', msg: message }),
      }));
    }
    store = openStore(paths.store);
  } catch (err) {
    auditLog?.close();
    logger.close();
    throw err;
  }
  if (auditLog) {
    // A config that changed since the last start is an event, with its (redacted) diff.
    const { first, changes } = configChanges(paths.home, displayConfig(loaded));
    if (first) auditLog.append({ kind: 'config', action: 'first_seen', file: paths.config });
    else if (changes.length > 0) auditLog.append({ kind: 'config', action: 'changed', file: paths.config, changes });
  }
  // Alerts write straight to the audit log; everything else is counted on its way there.
  const alerts = new Alerts({ log: logger.log, audit: auditLog?.sink });
  const audit = alerts.wrap(auditLog?.sink);
  const sessions = new Sessions(store);
  // The agent room (every tool, the sandbox, egress) is loaded on the first turn, not at
  // start-up: the gateway listens sooner, and a turn pays it once.
  const usage = new UsageLedger(store);
  const memory = new MemoryLedger(store);
  const approver = runtimeApprover(config, paths.home, store, { ...opts.approvals, audit });
  let loading: Promise<AgentRunner> | undefined;
  const agents = () => loading ??= import('../agent/runner.ts').then(({ createAgentRunner }) => createAgentRunner({
    config, home: paths.home, env: loaded.env, sessions, usage, memory,
    redact: (text) => redactor.tool(text),
    audit, approver, model: opts.model, message: opts.message,
  }));
  const inner: AgentRunner = {
    knownAgents: () => agentIds(config),
    runTurn: async (request) => (await agents()).runTurn(request),
  };
  const runner = redactingRunner(inner, redactor, audit, alerts);
  const openedStore = store;
  let closed = false;
  return {
    loaded, config, home: paths.home, store: openedStore, sessions, tokens: new TokenStore(openedStore), runner,
    redactor, logger, log: logger.log, auditLog, audit, alerts,
    close: () => {
      if (closed) return;
      closed = true;
      auditLog?.close();
      logger.close();
      openedStore.close();
    },
  };
}
