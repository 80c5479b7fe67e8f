// `hardshell policy explain`: what policy would decide for one tool call, and the rule that
// decides it. `--json` prints {decision, reason, rule}: a stable interface (docs/policy.md).
import type { Command } from 'commander';
import { loadConfig } from '../config/load.ts';
import { effectiveAgent } from '../config/agents.ts';
import { decide } from '../policy/decide.ts';
import { analyseCommand } from '../policy/shell/analyse.ts';
import { parseExecArgs } from '../policy/exec.ts';
import { allTools } from '../tools/registry.ts';
import { printJson, say, UserError } from './io.ts';

/** Tools policy knows by name even before their implementation is present in this build. */
const KNOWN_TOOLS = ['read', 'write', 'edit', 'grep', 'find', 'exec', 'memory_search', 'memory_get', 'memory_write', 'web_fetch'];

export function register(program: Command): void {
  const cmd = program.command('policy').description('inspect the tool and exec policy');
  cmd.command('explain')
    .description('print the decision for one tool call and the rule that made it')
    .option('-a, --agent <id>', 'the agent making the call', 'main')
    .requiredOption('-t, --tool <name>', 'the tool, e.g. exec, read, write')
    .option('--args <json>', 'the call\'s arguments as JSON, e.g. \'{"command":"git status"}\'', '{}')
    .option('--json', 'print {decision, reason, rule}')
    .action((opts: { agent: string; tool: string; args: string; json?: boolean }) => {
      let args: unknown;
      try {
        args = JSON.parse(opts.args);
      } catch (err) {
        throw new UserError(`--args is not valid JSON (${(err as Error).message}); write it like '{"command":"git status"}'`);
      }
      const loaded = loadConfig();
      const agent = effectiveAgent(loaded.config, opts.agent, loaded.paths.home);
      const available = [...new Set([...allTools.map((t) => t.name), ...KNOWN_TOOLS])];
      const d = decide({ tool: opts.tool.toLowerCase(), args }, { config: loaded.config, agentId: opts.agent, agent, available });
      if (opts.json) printJson({ decision: d.decision, reason: d.reason, rule: d.rule });
      else {
        say(`${d.decision}: ${d.reason}\nrule: ${d.rule}`);
        // For a person: what the analysis saw, program by program.
        const parsed = opts.tool.toLowerCase() === 'exec' ? parseExecArgs(args) : null;
        if (parsed && typeof parsed !== 'string') {
          const analysis = analyseCommand(parsed.command, { inlineCode: loaded.config.tools.exec.inlineCode });
          for (const inv of analysis.invocations) say(`  runs: ${JSON.stringify(inv.argv.map((a) => a ?? '?'))}${inv.via.length ? ` (through ${inv.via.join(' → ')})` : ''}${inv.wrapper ? ' [wrapper]' : ''}`);
          for (const f of analysis.findings) say(`  note: ${f.message}`);
        }
      }
      process.exitCode = d.decision === 'allow' ? 0 : d.decision === 'ask' ? 3 : 2;
    });
}
