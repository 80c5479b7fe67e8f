// What a tool call will do, laid out for the person asked to approve it: for exec the exact
// command, every program it starts with its arguments, the working folder, the names (never
// the values) of the variables it sets, the sandbox and the network. Pure: no I/O.
import type { AgentSettings, Config } from '../config/schema.ts';
import { analyseCommand } from './shell/analyse.ts';
import { parseExecArgs } from './exec.ts';
import { isElevated } from './elevated.ts';

export interface RunView {
  tool: string;
  /** The exact command line (exec), or the arguments as JSON (other tools). */
  command: string;
  /** Every program the command starts, each with its arguments (`?` where only known at run time). */
  programs: Array<{ program: string; argv: string[]; via: string[] }>;
  workdir: string;
  env: string[];
  sandbox: string;
  network: string;
}

export interface RunOptions {
  /**
   * The call runs on the host once approved (an exec asked about under tools.elevated: see
   * runsOnHostWhenApproved in elevated.ts). The runner decides it; the view must say it.
   */
  onHost?: boolean;
}

/** What the approver of an elevated exec is told about where it runs: no sandbox at all. */
const ON_HOST = 'NONE: runs ON THE HOST, unsandboxed, with the rights of the user the gateway runs as (exec is in tools.elevated); all that applies is a working folder in the workspace, the time, CPU, memory and output limits, and a clean environment';
const HOST_NETWORK = 'the host\'s own, unrestricted: the sandbox\'s network rules and the egress allowlist do not apply on the host';

export function whatWillRun(tool: string, args: unknown, config: Config, agent: AgentSettings, workspace: string, options: RunOptions = {}): RunView {
  const sandboxMode = agent.sandbox?.mode ?? 'all';
  const onHost = tool === 'exec' && options.onHost === true;
  // Being listed in tools.elevated makes every call ask; only an exec asked about under that
  // rule leaves its sandbox, so the person is shown where this call really runs.
  const where = tool === 'exec' ? `${agent.sandbox?.provider ?? 'auto'} (workspace ${agent.sandbox?.workspaceAccess ?? 'rw'}${sandboxMode === 'off' ? '; sandbox.mode is off' : ''})`
    : 'hardshell process (file tools stay inside the workspace)';
  // The host cannot keep a workspace read-only: such a run is refused (agent/exec-scope.ts).
  const refusedRo = onHost && agent.sandbox?.workspaceAccess === 'ro' ? '; but this agent\'s workspace is read-only (sandbox.workspaceAccess "ro"), which only a sandbox can keep, so it will be refused' : '';
  const listed = !isElevated(tool, config, agent) ? '' : tool === 'exec' ? '; exec is listed in tools.elevated, but this call stays in its sandbox' : '; listed in tools.elevated, so every call asks';
  const sandbox = onHost ? `${ON_HOST}${refusedRo}` : `${where}${listed}`;
  const domains = agent.sandbox?.network?.allowedDomains ?? [];
  const network = onHost ? HOST_NETWORK : tool === 'exec' ? (domains.length ? `only ${domains.join(', ')}` : 'none') : tool === 'web_fetch' ? 'through egress (tools.web.fetch.allowedDomains)'
    : tool === 'message' ? 'a chat message through the channel in target (only to chats the access policy lists)' : 'none';
  if (tool !== 'exec') {
    return { tool, command: JSON.stringify(args), programs: [], workdir: workspace, env: [], sandbox, network };
  }
  const parsed = parseExecArgs(args);
  if (typeof parsed === 'string') return { tool, command: JSON.stringify(args), programs: [], workdir: workspace, env: [], sandbox, network };
  const analysis = analyseCommand(parsed.command, { inlineCode: config.tools.exec.inlineCode });
  const workdir = !parsed.workdir ? workspace : parsed.workdir.startsWith('/') ? parsed.workdir : `${workspace.replace(/\/$/, '')}/${parsed.workdir}`;
  return {
    tool,
    command: parsed.command,
    programs: analysis.invocations.map((i) => ({ program: i.written, argv: i.argv.map((a) => a ?? '?'), via: i.via })),
    workdir,
    env: Object.keys(parsed.env ?? {}).sort(),
    sandbox,
    network,
  };
}
