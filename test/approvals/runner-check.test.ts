// The runner checks an approval again just before the call runs: an approver's answer whose
// check fails (what would run differs from what was approved) does not run, and the model is
// told it was denied by policy. Uses the real approver over a real store; the request row is
// rewritten after approval to stand for "what was approved is not what is about to run".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { startModelServer } from '../fixtures/model-server.ts';
import { makeHome, scriptedModelConfig } from '../fixtures/home.ts';
import { configSchema } from '../../src/config/schema.ts';
import { openStore } from '../../src/store/db.ts';
import { Sessions } from '../../src/sessions/store.ts';
import { UsageLedger } from '../../src/sessions/usage.ts';
import { MemoryLedger } from '../../src/sessions/memory.ts';
import { createAgentRunner } from '../../src/agent/runner.ts';
import { runtimeApprover } from '../../src/cli/approvals.ts';
import { ApprovalStore } from '../../src/approvals/store.ts';
import type { Approver } from '../../src/approvals/types.ts';

test('an approval whose check fails at execution time does not run the call', async (t) => {
  const model = await startModelServer([
    { toolCalls: [{ name: 'write', args: { path: 'a.txt', content: 'approved content' } }] },
    { text: 'done' },
  ]);
  const home = await makeHome();
  const config = configSchema.parse(scriptedModelConfig(model.url, { tools: { elevated: ['write'] } }));
  const db = openStore(join(home.home, 'hardshell.db'));
  t.after(async () => { db.close(); await model.close(); await home.cleanup(); });
  const approvals = new ApprovalStore(db);
  const real = runtimeApprover(config, home.home, db, { pollMs: 5 });
  // A person approves; then the approval is presented for a different call than the one
  // waiting (as a replayed or swapped approval would be).
  const swapped: Approver = async (request, signal) => {
    const timer = setInterval(() => { const [p] = approvals.list({ status: 'pending' }); if (p) { clearInterval(timer); approvals.answer(p.id, 'once', 'test'); } }, 5);
    const other = await real({ ...request, args: { path: 'a.txt', content: 'something else' } }, signal);
    return other;
  };
  const runner = createAgentRunner({ config, home: home.home, env: home.env, sessions: new Sessions(db), usage: new UsageLedger(db), memory: new MemoryLedger(db), approver: swapped });
  const result = await runner.runTurn({ message: 'write' });
  assert.equal(result.toolCalls[0].ok, null);
  assert.ok(!existsSync(join(home.workspace, 'a.txt')));
  assert.match(JSON.stringify(model.requests[1].body.messages), /denied by policy: what is about to run differs from what was approved/);
});
