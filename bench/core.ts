// The core's numbers (issue 2): gateway start-up time, idle memory, hardshell's own time in a
// turn with three file-tool calls, and the size of the production dependencies.
// The scripted model server answers instantly, so what is measured is hardshell itself.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtemp, rm, cp, writeFile, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startModelServer, type Step } from '../test/fixtures/model-server.ts';
import { makeHome, scriptedModelConfig } from '../test/fixtures/home.ts';
import { configSchema } from '../src/config/schema.ts';
import { openStore } from '../src/store/db.ts';
import { Sessions } from '../src/sessions/store.ts';
import { UsageLedger } from '../src/sessions/usage.ts';
import { MemoryLedger } from '../src/sessions/memory.ts';
import { createAgentRunner } from '../src/agent/runner.ts';
import { allTools } from '../src/tools/registry.ts';
import { offeredTools } from '../src/policy/tools.ts';
import { effectiveAgent } from '../src/config/agents.ts';
import { modelSchema } from '../src/agent/tool-schemas.ts';
import { median, percentile, report } from './stats.ts';
import { ROOT, SOURCE_BIN, withPackageLayout } from './package-layout.ts';


export async function benchCore(): Promise<void> {
  await turnOverhead();
  await gatewayStartup('source checkout (TypeScript run directly)', SOURCE_BIN);
  await withPackageLayout((bin) => gatewayStartup('published layout (compiled dist/)', bin));
  await productionDependencies();
}

/** The scripted model's side of one benchmark turn: write → read → edit → reply. */
function fileTurnScript(i: number): Step[] {
  return [
    { toolCalls: [{ name: 'write', args: { path: 'bench.txt', content: `alpha ${i}\n` } }] },
    { toolCalls: [{ name: 'read', args: { path: 'bench.txt' } }] },
    { toolCalls: [{ name: 'edit', args: { path: 'bench.txt', oldText: 'alpha', newText: 'beta' } }] },
    { text: 'done' },
  ];
}

/**
 * A turn: write → read → edit → reply. Own time = wall time minus the model server's time.
 * Each hardshell turn is followed by the same four streamed steps through the AI SDK alone,
 * so both figures see the same load on the machine (other work runs here too).
 */
export async function turnOverhead(): Promise<void> {
  const model = await startModelServer();
  const home = await makeHome();
  const config = configSchema.parse(scriptedModelConfig(model.url));
  const db = openStore(join(home.home, 'hardshell.db'));
  const runner = createAgentRunner({ config, home: home.home, env: home.env, sessions: new Sessions(db), usage: new UsageLedger(db), memory: new MemoryLedger(db) });
  // The same tools hardshell offers this agent: more tools would make the SDK's share look bigger.
  const sdkTurn = await sdkOnlyTurn(model, offeredTools(config, effectiveAgent(config, 'main', home.home), allTools.map((t) => t.name)));
  const own: number[] = [];
  const sdk: number[] = [];
  const wall: number[] = [];
  try {
    for (let i = 0; i < 230; i++) {
      model.push(...fileTurnScript(i));
      const first = model.requests.length;
      const t0 = performance.now();
      const result = await runner.runTurn({ sessionKey: `bench-${i}`, message: 'go' });
      const elapsed = performance.now() - t0;
      if (result.stopReason !== 'completed' || result.toolCalls.some((c) => !c.ok)) throw new Error(`bench turn failed: ${JSON.stringify(result)}`);
      const modelTime = model.requests.slice(first).reduce((sum, r) => sum + (r.endedAt - r.startedAt), 0);
      const sdkTime = await sdkTurn(i);
      if (i >= 30) { // the first turns warm up the JIT
        own.push(elapsed - modelTime);
        wall.push(elapsed);
        sdk.push(sdkTime);
      }
    }
  } finally {
    db.close();
    await model.close();
    await home.cleanup();
  }
  const diffs = own.map((o, i) => o - sdk[i]);
  report('turn with 3 file-tool calls: hardshell\'s own time', `median ${median(own).toFixed(2)} ms, p90 ${percentile(own, 90).toFixed(2)} ms (target: median < 5 ms)`);
  report('  of which the AI SDK client (same 4 streamed steps, no hardshell)', `median ${median(sdk).toFixed(2)} ms`);
  report('  of which hardshell\'s code (policy, tools, store, context)', `median ${median(diffs).toFixed(2)} ms (median of each turn minus the SDK-only turn after it)`);
  report('turn with 3 file-tool calls: wall time incl. 4 model round trips', `median ${median(wall).toFixed(2)} ms`);
}

/**
 * The same four streamed model steps through the AI SDK alone, with the same tool schemas:
 * the floor any loop built on it pays. Returns one such turn's own time (model time taken off).
 */
async function sdkOnlyTurn(model: Awaited<ReturnType<typeof startModelServer>>, offered: string[]): Promise<(i: number) => Promise<number>> {
  const { streamText, jsonSchema } = await import('ai');
  const { createOpenAI } = await import('@ai-sdk/openai');
  const chat = createOpenAI({ baseURL: model.url, apiKey: 'x' }).chat('m');
  const tools = Object.fromEntries(allTools.filter((t) => offered.includes(t.name)).map((t) => [t.name, { description: t.description, inputSchema: jsonSchema(modelSchema(t) as Parameters<typeof jsonSchema>[0]) }]));
  return async (i) => {
    model.push(...fileTurnScript(i));
    const first = model.requests.length;
    const messages: any[] = [{ role: 'user', content: 'go' }];
    const t0 = performance.now();
    for (let step = 0; step < 4; step++) {
      const stream = streamText({ model: chat, system: 'bench', messages: [...messages], tools, maxRetries: 0, onError: () => {} });
      const calls: any[] = [];
      for await (const part of stream.fullStream) if (part.type === 'tool-call') calls.push(part);
      messages.push(...(await stream.response).messages);
      for (const c of calls) messages.push({ role: 'tool', content: [{ type: 'tool-result', toolCallId: c.toolCallId, toolName: c.toolName, output: { type: 'text', value: 'ok' } }] });
    }
    const elapsed = performance.now() - t0;
    return elapsed - model.requests.slice(first).reduce((sum, r) => sum + (r.endedAt - r.startedAt), 0);
  };
}

/** Time from process start to the "listening" line, and resident memory once idle. */
async function gatewayStartup(label: string, bin: string): Promise<void> {
  const home = await makeHome({ config: { gateway: { port: 0 } } });
  const times: number[] = [];
  let rssMb = 0;
  try {
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      const child = spawn(process.execPath, [bin, 'gateway', '--port', '0'], { env: home.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => { stderr += d; });
      await new Promise<void>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          if (out.includes('listening')) resolve();
        });
        child.on('exit', (code) => reject(new Error(`gateway exited (${code}) before listening: ${stderr}`)));
      });
      times.push(performance.now() - t0);
      if (i === 9) {
        await new Promise((r) => setTimeout(r, 3000));
        const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
        rssMb = Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
      }
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  } finally {
    await home.cleanup();
  }
  report(`gateway ready from process start, ${label}`, `median ${median(times).toFixed(0)} ms, min ${Math.min(...times).toFixed(0)} ms (target: < 300 ms)`);
  report(`gateway idle resident memory, ${label}`, `${rssMb.toFixed(1)} MB (target: < 120 MB)`);
}

/** `npm ci --omit=dev` into a scratch folder, then its size on disk. */
async function productionDependencies(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'hardshell-deps-'));
  try {
    await cp(join(ROOT, 'package.json'), join(dir, 'package.json'));
    await cp(join(ROOT, 'package-lock.json'), join(dir, 'package-lock.json'));
    await writeFile(join(dir, '.npmrc'), 'fund=false\naudit=false\n');
    execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts'], { cwd: dir, stdio: 'pipe' });
    if (!existsSync(join(dir, 'node_modules'))) throw new Error('npm ci made no node_modules');
    const kb = Number(execFileSync('du', ['-sk', join(dir, 'node_modules')]).toString().split('\t')[0]);
    report('production node_modules (npm ci --omit=dev)', `${(kb / 1024).toFixed(1)} MB (target: < 80 MB)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// `node bench/core.ts [turn|startup]`: this benchmark alone (`turn`: only the turn's own time;
// `startup`: only the compiled gateway's start and idle memory).
if (import.meta.main) {
  if (process.argv[2] === 'turn') await turnOverhead();
  else if (process.argv[2] === 'startup') await withPackageLayout((bin) => gatewayStartup('published layout (compiled dist/)', bin));
  else await benchCore();
}
