// A process appending audit events is killed with SIGKILL mid-stream; the next open finds the
// last whole event, the chain continues, and verify passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '../../src/audit/log.ts';
import { verifyAuditLog } from '../../src/audit/verify.ts';

const LOG_MODULE = new URL('../../src/audit/log.ts', import.meta.url).href;

test('kill -9 while appending: the chain continues from the last good event', async (t) => {
  const home = await mkdtemp(join(tmpdir(), 'hardshell-kill-'));
  t.after(() => rm(home, { recursive: true, force: true }));
  const path = join(home, 'audit.log');
  const script = `
    const { AuditLog } = await import(${JSON.stringify(LOG_MODULE)});
    const log = new AuditLog({ path: ${JSON.stringify(path)}, home: ${JSON.stringify(home)}, flushMs: 1, checkpointEvery: 50 });
    let i = 0;
    const tick = () => { for (let k = 0; k < 200; k++) log.append({ kind: 'tool', action: 'run', i: i++, pad: 'x'.repeat(200) }); setImmediate(tick); };
    tick();
    process.stdout.write('started\\n');
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
  await new Promise((r) => setTimeout(r, 300));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('close', r));

  const before = (await readFile(path, 'utf8')).length;
  assert.ok(before > 0, 'the child wrote events');
  const problems: string[] = [];
  const log = new AuditLog({ path, home, onProblem: (m) => problems.push(m) });
  const resumedAt = log.lastSeq;
  log.append({ kind: 'audit', action: 'restarted' });
  log.close();
  const r = verifyAuditLog(path, home);
  assert.deepEqual(r.problems, [], `after resuming at ${resumedAt} (${problems.join('; ')})`);
  assert.equal(r.ok, true);
  assert.ok(r.lastSeq > resumedAt);
});
