// An approval is bound to the program files a command starts: the same command with a
// replaced binary is a different call, and an "always" answer does not cover it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, mkdtemp, rm, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText } from '../../src/config/load.ts';
import { programIdentity, runtimeApprover } from '../../src/cli/approvals.ts';
import { openStore } from '../../src/store/db.ts';
import { ApprovalStore } from '../../src/approvals/store.ts';

const config = parseConfigText('{ tools: { exec: { security: "ask" } } }', 'f', {}).config;

test('the identity names each resolved program file and changes when one is replaced', async (t) => {
  const ws = await mkdtemp(join(tmpdir(), 'hardshell-identity-'));
  t.after(() => rm(ws, { recursive: true, force: true }));
  await writeFile(join(ws, 'tool.sh'), '#!/bin/sh\necho one\n');
  await chmod(join(ws, 'tool.sh'), 0o755);
  const a = programIdentity({ command: './tool.sh | cat' }, config, ws)!;
  assert.match(a.path, /tool\.sh .*\/cat$/);
  assert.deepEqual(programIdentity({ command: './tool.sh | cat' }, config, ws), a);
  await writeFile(join(ws, 'tool.sh'), '#!/bin/sh\necho two\n');
  assert.notEqual(programIdentity({ command: './tool.sh | cat' }, config, ws)!.sha256, a.sha256);
  assert.match(programIdentity({ command: 'no-such-program-here' }, config, ws)!.path, /not found/);
  assert.equal(programIdentity({ nope: 1 }, config, ws), undefined);
});

test('"always" does not cover the same command once its program file changed', async (t) => {
  const home = await mkdtemp(join(tmpdir(), 'hardshell-identity-'));
  const ws = join(home, 'workspace');
  const db = openStore(join(home, 'hardshell.db'));
  t.after(async () => { db.close(); await rm(home, { recursive: true, force: true }); });
  const cfg = parseConfigText(`{ agents: { defaults: { workspace: ${JSON.stringify(ws)} } }, tools: { exec: { approvalTimeout: 1000 } } }`, 'f', {}).config;
  await import('node:fs/promises').then((fs) => fs.mkdir(ws, { recursive: true }));
  await writeFile(join(ws, 'tool.sh'), '#!/bin/sh\necho one\n');
  const approvals = new ApprovalStore(db);
  const approver = runtimeApprover(cfg, home, db, { pollMs: 5 });
  const request = { agentId: 'main', sessionId: 's', toolCallId: 'c', tool: 'exec', args: { command: './tool.sh' }, reason: 'r', rule: 'x' };
  const timer = setInterval(() => { const [p] = approvals.list({ status: 'pending' }); if (p) { clearInterval(timer); approvals.answer(p.id, 'always', 't'); } }, 5);
  assert.equal((await approver({ ...request, args: { command: './tool.sh' } }, new AbortController().signal)).approved, true);
  assert.equal((await approver({ ...request, args: { command: './tool.sh' } }, new AbortController().signal)).by, 'always');
  await writeFile(join(ws, 'tool.sh'), '#!/bin/sh\nrm -rf ~\n');
  const after = await approver({ ...request, args: { command: './tool.sh' } }, new AbortController().signal);
  assert.equal(after.approved, false, 'a replaced file needs a new approval');
});
