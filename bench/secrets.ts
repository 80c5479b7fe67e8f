// Benchmarks for issue 5: redaction throughput (10 MB of tool output against 100 known
// secrets), audit appends (durable, in batches) and audit verify of 1 000 000 events.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redactor } from '../src/secrets/redactor.ts';
import { AuditLog } from '../src/audit/log.ts';
import { verifyAuditLog } from '../src/audit/verify.ts';

export interface SecretsBench {
  redactKnownMBps: number;
  redactToolMBps: number;
  auditAppendPerSec: number;
  verifyEvents: number;
  verifySeconds: number;
}

function best(runs: number, f: () => void): number {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    f();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

export async function benchSecrets(opts: { verifyEvents?: number } = {}): Promise<SecretsBench> {
  const secrets = Array.from({ length: 100 }, (_, i) => ({ name: `SECRET_${i}`, value: `v${i}-${randomBytes(18).toString('base64url')}` }));
  const redactor = new Redactor(secrets);
  // Tool output that looks like tool output: log lines, hex ids, a few secrets in it.
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < 10e6; i++) {
    const line = i % 5000 === 0
      ? `config dump: token=${secrets[i % 100].value} b64=${Buffer.from(secrets[(i + 1) % 100].value).toString('base64')}\n`
      : `2026-11-22T03:00:${String(i % 60).padStart(2, '0')}Z INFO request id=${(i * 2654435761 >>> 0).toString(16)} path=/v1/items/${i} status=200 took=${i % 997}ms\n`;
    parts.push(line);
    size += line.length;
  }
  const text = parts.join('');
  const mb = text.length / 1e6;
  const known = best(5, () => redactor.known(text));
  const tool = best(5, () => redactor.tool(text));

  const home = mkdtempSync(join(tmpdir(), 'hardshell-bench-audit-'));
  try {
    const path = join(home, 'audit.log');
    const log = new AuditLog({ path, home, redact: (s) => redactor.message(s) });
    const n = 50_000;
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      let i = 0;
      // Events arrive in bursts from a running gateway, not all in one synchronous loop.
      const burst = () => {
        for (let k = 0; k < 500 && i < n; k++, i++) {
          log.append({ kind: 'tool', action: 'run', agentId: 'main', sessionId: '6a0d3e7e-1c1b-4b7e-9d8f-2d1b3c4d5e6f', tool: 'read', ok: true, i });
        }
        if (i < n) setImmediate(burst); else resolve();
      };
      burst();
    });
    log.close();
    const appendMs = performance.now() - t0;

    // A million events for verify, written the same way but without waiting between bursts.
    const verifyEvents = opts.verifyEvents ?? 1_000_000;
    const bigPath = join(home, 'big.log');
    const big = new AuditLog({ path: bigPath, home, checkpointEvery: 10_000 });
    for (let i = 0; i < verifyEvents; i++) {
      big.append({ kind: 'tool', action: 'run', agentId: 'main', sessionId: '6a0d3e7e-1c1b-4b7e-9d8f-2d1b3c4d5e6f', tool: 'read', ok: true, i });
    }
    big.close();
    const tv = performance.now();
    const result = verifyAuditLog(bigPath, home);
    const verifyMs = performance.now() - tv;
    if (!result.ok) throw new Error(`bench log did not verify: ${result.problems[0]?.message}`);
    void statSync(bigPath);
    return {
      redactKnownMBps: Math.round(mb / (known / 1000)),
      redactToolMBps: Math.round(mb / (tool / 1000)),
      auditAppendPerSec: Math.round(n / (appendMs / 1000)),
      verifyEvents: result.events,
      verifySeconds: Math.round(verifyMs) / 1000,
    };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const r = await benchSecrets();
  console.log(`redaction, 10 MB against 100 known secrets: ${r.redactKnownMBps} MB/s (known values), ${r.redactToolMBps} MB/s (with key patterns, as for tool output)`);
  console.log(`audit append, durable in batches: ${r.auditAppendPerSec} events/s`);
  console.log(`audit verify: ${r.verifyEvents} events in ${r.verifySeconds} s`);
}
