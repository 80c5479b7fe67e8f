// `security audit` on a typical install (no --deep): a set-up state folder with tokens in the
// store, a workspace with its prompt files and a few hundred notes, a .env, a compose file and a
// Dockerfile beside it. Measures the audit in-process (context, all checks, tier) and the whole
// command as a user runs it (Node start included). Target: under 500 ms (OpenClaw: 2.4-2.8 s).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfigText } from '../src/config/template.ts';
import { openStore } from '../src/store/db.ts';
import { TokenStore } from '../src/edge/tokens.ts';
import { buildContext } from '../src/posture/context.ts';
import { runAudit } from '../src/posture/runner.ts';
import { median, percentile, report } from './stats.ts';
import { SOURCE_BIN, withPackageLayout } from './package-layout.ts';


function typicalInstall(): { root: string; home: string; env: NodeJS.ProcessEnv } {
  const root = mkdtempSync(join(tmpdir(), 'hardshell-bench-posture-'));
  const home = join(root, '.hardshell');
  const ws = join(home, 'workspace');
  mkdirSync(join(ws, 'memory'), { recursive: true });
  chmodSync(home, 0o700);
  writeFileSync(join(home, 'hardshell.json'), defaultConfigText(), { mode: 0o600 });
  writeFileSync(join(home, '.env'), `HARDSHELL_SECRET_OPENAI=${'x'.repeat(48)}\n`, { mode: 0o600 });
  const db = openStore(join(home, 'hardshell.db'));
  const tokens = new TokenStore(db);
  for (const name of ['owner', 'phone', 'laptop']) tokens.create(name, ['operator']);
  db.close();
  for (const f of ['AGENTS.md', 'SOUL.md', 'MEMORY.md']) writeFileSync(join(ws, f), `# ${f}\n`);
  for (let i = 0; i < 300; i++) writeFileSync(join(ws, 'memory', `2026-${i}.md`), 'note\n');
  for (let i = 0; i < 20; i++) { mkdirSync(join(ws, `project-${i}`, 'src'), { recursive: true }); writeFileSync(join(ws, `project-${i}`, 'src', 'index.ts'), '//\n'); }
  writeFileSync(join(root, 'docker-compose.yml'), 'services:\n  hardshell:\n    image: hardshell:1.0\n    user: "1000:1000"\n    read_only: true\n    cap_drop: [ALL]\n    security_opt: ["no-new-privileges:true"]\n    ports: ["127.0.0.1:18789:18789"]\n    mem_limit: 2g\n    healthcheck: { test: ["CMD", "true"] }\n');
  writeFileSync(join(root, 'Dockerfile'), 'FROM node:24-alpine\nUSER node\nHEALTHCHECK CMD true\n');
  return { root, home, env: { PATH: process.env.PATH, HOME: root, HARDSHELL_HOME: home } };
}

export async function benchPosture(): Promise<void> {
  const { root, home, env } = typicalInstall();
  try {
    const inProcess: number[] = [];
    let findings = 0;
    let checks = 0;
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      const r = runAudit(buildContext({ env, home, projectDir: root }));
      inProcess.push(performance.now() - t0);
      findings = r.findings.length;
      checks = r.checksRun;
    }
    report('security audit, in process (context + all checks + tier)', `median ${median(inProcess).toFixed(1)} ms, p95 ${percentile(inProcess, 95).toFixed(1)} ms (${checks} checks, ${findings} findings)`);
    const wholeCommand = async (label: string, bin: string) => {
      const cli: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        const res = spawnSync(process.execPath, [bin, 'security', 'audit', '--json'], { cwd: root, env, encoding: 'utf8' });
        cli.push(performance.now() - t0);
        if (res.status === null) throw new Error(`hardshell security audit did not finish: ${res.stderr}`);
      }
      report(`hardshell security audit --json, whole command (Node start included), ${label}`, `median ${median(cli).toFixed(0)} ms, max ${Math.max(...cli).toFixed(0)} ms (target < 500 ms)`);
    };
    await wholeCommand('source checkout', SOURCE_BIN);
    await withPackageLayout((bin) => wholeCommand('published layout (compiled dist/)', bin));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchPosture();
