// policy.decide on the hot path: an exec call with a 5-command pipeline (target: median under
// 50 µs) and a plain tool call (target: under 5 µs). Timed in batches, because one call is
// shorter than the timer's resolution; the median of the batch means is reported.
import { parseConfigText } from '../src/config/load.ts';
import { effectiveAgent } from '../src/config/agents.ts';
import { decide, type PolicyContext, type ToolCall } from '../src/policy/decide.ts';
import { median, percentile, report } from './stats.ts';

function timeCalls(call: ToolCall, ctx: PolicyContext, batches = 400, perBatch = 250): number[] {
  for (let i = 0; i < 2000; i++) decide(call, ctx); // warm up the JIT
  const perCall: number[] = [];
  for (let b = 0; b < batches; b++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < perBatch; i++) decide(call, ctx);
    perCall.push(Number(process.hrtime.bigint() - start) / perBatch / 1000);
  }
  return perCall;
}

export async function benchPolicy(): Promise<void> {
  const config = parseConfigText(`{
    exec: { security: "allowlist", allowedCommands: ["wp", "git", "ls", "cat", "grep", "sort", "head"], deniedCommands: ["rm", "curl", "wget", "nc"] },
  }`, 'bench.json5', {}).config;
  const agent = effectiveAgent(config, 'main', '/tmp/hardshell-bench');
  const available = ['read', 'write', 'edit', 'grep', 'find', 'exec', 'memory_search', 'memory_get', 'memory_write', 'web_fetch'];
  const ctx: PolicyContext = { config, agentId: 'main', agent, available };
  const pipeline = { tool: 'exec', args: { command: 'git log --oneline -n 200 | grep -v "^fixup" | sort -k2 | head -n 20 | cat -n' } };
  const plain = { tool: 'read', args: { path: 'notes/today.md' } };
  if (decide(pipeline, ctx).decision !== 'allow') throw new Error('bench pipeline is not allowed: the bench measures the wrong path');
  const p = timeCalls(pipeline, ctx);
  report('policy.decide, exec with a 5-command pipeline', `median ${median(p).toFixed(2)} µs, p99 ${percentile(p, 99).toFixed(2)} µs (target: median < 50 µs)`);
  const q = timeCalls(plain, ctx);
  report('policy.decide, plain tool call (read)', `median ${median(q).toFixed(3)} µs, p99 ${percentile(q, 99).toFixed(3)} µs (target: < 5 µs)`);
}

if (import.meta.main) await benchPolicy();
