// `hardshell sandbox status|explain|test`: which sandboxes work on this machine and why not,
// exactly what an agent's commands would get, and escape attempts against the real thing.
import type { Command } from 'commander';
import { loadConfig } from '../config/load.ts';
import { effectiveAgent, MAIN_AGENT } from '../config/agents.ts';
import { backendStatus, backendsByName, browserUnavailable, resolveSandbox, selectBackend, SandboxUnavailable, type ProviderName } from '../sandbox/index.ts';
import { ContainerBackend, DEFAULT_IMAGE } from '../sandbox/container.ts';
import { explainSandbox, type Explanation } from '../sandbox/explain.ts';
import { runEscapeChecks, type CheckResult } from '../sandbox/checks.ts';
import { execSandboxFor } from '../tools/exec.ts';
import { printJson, say, UserError } from './io.ts';
import { isElevated } from '../policy/elevated.ts';

const PROVIDERS = ['auto', 'bwrap', 'docker', 'podman'];

export function register(program: Command): void {
  const sandbox = program.command('sandbox').description('check the sandbox that exec (and the browser) run in');

  sandbox.command('status')
    .description('which sandbox backends work on this machine, and what to install for the others')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const status = await backendStatus();
      let chosen: string | null = null;
      try {
        chosen = (await selectBackend('auto')).name;
      } catch { /* none usable: shown below */ }
      // Whether the browser tool could start here with the default sandbox settings.
      const browser = await browserUnavailable(resolveSandbox(MAIN_AGENT, undefined));
      if (opts.json) return printJson({ backends: status, auto: chosen, browser: browser ? { ok: false, why: browser } : { ok: true } });
      for (const b of status) {
        say(`${b.name.padEnd(7)} ${b.ok ? 'usable' : 'not usable'}${b.why ? `: ${b.why}` : ''}`);
        if (!b.ok && b.install) say(`        to fix: ${b.install}`);
      }
      say(chosen ? `provider "auto" uses ${chosen}` : 'provider "auto" finds no sandbox here: exec refuses to run commands until one is installed');
      say(browser ? `browser: ${browser}` : 'browser: can start here (Chromium in the bwrap sandbox), once browser.mode is "sandboxed"');
    });

  sandbox.command('explain')
    .description('the exact mounts, limits, network and syscall policy an agent\'s commands get')
    .argument('[agent]', 'agent id', MAIN_AGENT)
    .option('--json', 'print JSON')
    .action(async (agentId: string, opts: { json?: boolean }) => {
      const loaded = loadConfig();
      const agent = effectiveAgent(loaded.config, agentId, loaded.paths.home);
      const main = effectiveAgent(loaded.config, MAIN_AGENT, loaded.paths.home);
      const e = await explainSandbox(execSandboxFor(agent, main.workspace), agent.workspace);
      // What this agent's settings say is not all: with exec elevated, an approved call leaves them.
      const elevated = isElevated('exec', loaded.config, agent)
        ? 'exec is in tools.elevated: a command a person approves under that rule runs ON THE HOST, unsandboxed, as the gateway\'s user; every other command runs as below'
        : null;
      if (opts.json) return printJson({ ...e, elevated });
      printExplanation(e);
      if (elevated) say(`elevated: ${elevated}`);
    });

  sandbox.command('test')
    .description('run escape attempts against a real sandbox on this machine; exits non-zero if any succeeds')
    .option('--provider <name>', `sandbox to test: ${PROVIDERS.join(', ')}`, 'auto')
    .option('--image <name>', `the image for docker or podman (default ${DEFAULT_IMAGE})`)
    .option('--json', 'print JSON')
    .action(async (opts: { provider: string; image?: string; json?: boolean }) => {
      if (!PROVIDERS.includes(opts.provider)) {
        throw new UserError(`--provider takes ${PROVIDERS.join(', ')}${opts.provider === 'none' ? ' ("none" is no sandbox: there is nothing to test)' : ''}, got "${opts.provider}"`);
      }
      let backend;
      try {
        const backends = backendsByName();
        if (opts.image) for (const engine of ['docker', 'podman'] as const) backends.set(engine, new ContainerBackend({ engine, image: opts.image }));
        backend = await selectBackend(opts.provider as ProviderName, backends);
      } catch (err) {
        if (err instanceof SandboxUnavailable) throw new UserError(err.message, 2);
        throw err;
      }
      if (!opts.json) say(`escape checks against the ${backend.name} sandbox:`);
      let results: CheckResult[];
      try {
        results = await runEscapeChecks(backend, opts.json ? undefined : printCheck);
      } catch (err) {
        throw new UserError((err as Error).message, 2);
      }
      const escaped = results.filter((r) => r.outcome === 'ESCAPED');
      if (opts.json) printJson({ backend: backend.name, escaped: escaped.length, checks: results });
      else say(escaped.length === 0 ? `no escape: ${results.filter((r) => r.outcome === 'contained').length} contained, ${results.filter((r) => r.outcome === 'skipped').length} skipped` : `${escaped.length} ESCAPED: this sandbox does not hold`);
      if (escaped.length > 0) process.exitCode = 1;
    });
}

function printCheck(r: CheckResult): void {
  say(`  ${r.outcome.padEnd(9)} ${r.name}${r.detail ? ` — ${r.detail}` : ''}`);
}

function printExplanation(e: Explanation): void {
  say(`agent ${e.agent}: mode ${e.settings.mode}, scope ${e.settings.scope}, workspaceAccess ${e.settings.workspaceAccess}, provider ${e.settings.provider}`);
  const where: Record<string, string> = {
    sandbox: `commands run in the ${e.backend} sandbox`,
    host: 'commands run ON THE HOST, unsandboxed',
    refused: 'commands are refused',
    unavailable: 'commands are refused: no usable sandbox',
  };
  say(`${where[e.runs] ?? e.runs}: ${e.reason}`);
  if (e.runs === 'refused' || e.runs === 'unavailable') return;
  say(`scope: ${e.scopeNote}`);
  say(`workspace: ${e.workspace.host}${e.workspace.inSandbox ? ` at ${e.workspace.inSandbox}` : ''} — ${e.workspace.note}`);
  say(`network: ${e.network.mode} — ${e.network.note}${e.network.allowedDomains.length ? ` (allowed: ${e.network.allowedDomains.join(', ')})` : ''}`);
  const l = e.limits;
  say(`limits: wall ${l.wallMs / 1000} s, CPU ${l.cpuSeconds} s, memory ${mib(l.memoryBytes)}, processes ${l.processes}, open files ${l.openFiles}, output ${mib(l.outputBytes)}, /tmp ${mib(l.tmpBytes)}`);
  say(`  processes limited by ${l.processLimitBy}; memory by ${l.memoryLimitBy}`);
  if (e.mounts.length) {
    say('mounts:');
    for (const m of e.mounts) say(`  ${m.path.padEnd(22)} ${m.access.padEnd(3)} ${m.what}`);
  }
  for (const line of e.isolation) say(`isolation: ${line}`);
  if ('denied' in e.syscalls) {
    say(`syscalls: ${e.syscalls.default} by default; denied: ${Object.keys(e.syscalls.denied).join(', ')}`);
    for (const rule of e.syscalls.rules) say(`  ${rule}`);
  }
  say(`environment: ${Object.entries(e.environment.base).map(([k, v]) => `${k}=${v}`).join(' ')} — ${e.environment.note}`);
}

function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MiB` : `${bytes} bytes`;
}
