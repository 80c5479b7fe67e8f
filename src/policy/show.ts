// What a tool call will do, laid out for the person asked to approve it: for exec the exact
// command, every program it starts with its arguments, the working folder, the names (never
// the values) of the variables it sets, the sandbox and the network. Pure: no I/O.
import type { AgentSettings, Config } from '../config/schema.ts';
import { analyseCommand } from './shell/analyse.ts';
import { parseExecArgs } from './exec.ts';

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

export function whatWillRun(tool: string, args: unknown, config: Config, agent: AgentSettings, workspace: string): RunView {
  const sandboxMode = agent.sandbox?.mode ?? 'all';
  const elevated = config.tools.elevated.includes(tool);
  // Being listed in tools.elevated makes every call ask; it does not change where the call
  // runs (exec stays in its sandbox), so the person is shown where it really runs.
  const where = tool === 'exec' ? `${agent.sandbox?.provider ?? 'auto'} (workspace ${agent.sandbox?.workspaceAccess ?? 'rw'}${sandboxMode === 'off' ? '; sandbox.mode is off' : ''})`
    : 'hardshell process (file tools stay inside the workspace)';
  const sandbox = elevated ? `${where}; listed in tools.elevated, so every call asks` : where;
  const domains = agent.sandbox?.network?.allowedDomains ?? [];
  const network = tool === 'exec' ? (domains.length ? `only ${domains.join(', ')}` : 'none') : tool === 'web_fetch' ? 'through egress (tools.web.fetch.allowedDomains)'
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
