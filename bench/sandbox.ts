// The sandbox's numbers (issue 3): a sandboxed `exec` of `true`, end to end from the tool
// call (argument check, settings, backend, bwrap, setup lines, result), against bwrap alone;
// and 50 sandboxed execs at once.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTool } from '../src/agent/run-tool.ts';
import { execTool } from '../src/tools/exec.ts';
import { findBwrap } from '../src/sandbox/bwrap.ts';
import { selectBackend } from '../src/sandbox/select.ts';
import { pidsCgroupParent } from '../src/sandbox/cgroup.ts';
import type { ToolContext } from '../src/tools/types.ts';
import { median, percentile, report } from './stats.ts';

export async function benchSandbox(): Promise<void> {
  try {
    await selectBackend('auto');
  } catch (err) {
    report('sandbox', `skipped: ${(err as Error).message}`);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'hardshell-bench-sandbox-'));
  const ctx: ToolContext = { workspace: realpathSync(dir), agentId: 'main', sessionId: 'bench', signal: new AbortController().signal };
  try {
    for (let i = 0; i < 10; i++) await runTool(execTool, { command: 'true' }, ctx);
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      const r = await runTool(execTool, { command: 'true' }, ctx);
      times.push(performance.now() - t0);
      if (!r.ok) throw new Error(`exec of true failed: ${r.output}`);
    }
    report('sandboxed exec of `true`, end to end from the tool call', `median ${median(times).toFixed(1)} ms, p90 ${percentile(times, 90).toFixed(1)} ms (target: < 15 ms; pids cgroup ${pidsCgroupParent() ? 'in use' : 'not available'})`);

    const bwrap = findBwrap();
    if (bwrap) {
      const bare: number[] = [];
      for (let i = 0; i < 100; i++) {
        const t0 = performance.now();
        await new Promise((resolve) => spawn(bwrap, ['--unshare-all', '--ro-bind', '/usr', '/usr', '--symlink', 'usr/bin', '/bin', '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64', '/usr/bin/true'], { stdio: 'ignore' }).on('close', resolve));
        bare.push(performance.now() - t0);
      }
      report('for comparison: bare bwrap --unshare-all of true, spawned from Node', `median ${median(bare).toFixed(1)} ms`);
    }

    const t0 = performance.now();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => runTool(execTool, { command: `echo ${i}` }, ctx)));
    const wall = performance.now() - t0;
    const good = results.filter((r, i) => r.ok && r.output.endsWith(`\n${i}`)).length;
    report('50 concurrent sandboxed execs', `${good}/50 completed correctly in ${wall.toFixed(0)} ms`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
