// The approval pieces on a real SQLite file: what a person is shown (sanitised), the store
// (first answer wins, expiry, survives reopening), the approver (always rules, timeouts,
// cancellation, a tampered row), and the binding check at execution (no replay, no change).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/db.ts';
import { ApprovalStore } from '../../src/approvals/store.ts';
import { createApprover } from '../../src/approvals/approver.ts';
import { sanitize, sanitizeDeep } from '../../src/approvals/sanitize.ts';
import { bindingHash, canonicalJson, verifyTicket, type Binding } from '../../src/approvals/binding.ts';
import { whatWillRun } from '../../src/policy/show.ts';
import { parseConfigText } from '../../src/config/load.ts';
import type { ApprovalRequest } from '../../src/approvals/types.ts';

async function tempStore(t: { after(fn: () => unknown): void }) {
  const dir = await mkdtemp(join(tmpdir(), 'hardshell-approvals-'));
  const file = join(dir, 'hardshell.db');
  const db = openStore(file);
  t.after(async () => { db.close(); await rm(dir, { recursive: true, force: true }); });
  return { db, file, approvals: new ApprovalStore(db) };
}

const config = parseConfigText('{ tools: { exec: { security: "ask" } } }', 'f', {}).config;
const request = (command: string, extra: Partial<ApprovalRequest> = {}): ApprovalRequest => ({
  agentId: 'main', sessionId: 's1', toolCallId: 'call_1', tool: 'exec', args: { command }, reason: 'every command asks', rule: 'tools.exec.security=ask', ...extra,
});
const describe = (r: ApprovalRequest) => {
  const view = whatWillRun(r.tool, r.args, config, {}, '/ws');
  return { view, binding: { agentId: r.agentId, tool: r.tool, args: r.args, workdir: view.workdir } };
};

test('terminal escapes and invisible or bidi characters are shown as visible markers', () => {
  assert.equal(sanitize('ls\x1b[2J\x1b[1;1Hsafe'), 'ls\\u{1b}\\u{5b}\\u{32}\\u{4a}\\u{1b}\\u{5b}\\u{31}\\u{3b}\\u{31}\\u{48}safe');
  assert.equal(sanitize('r\u200bm'), 'r\\u{200b}m');
  assert.equal(sanitize('echo \u202egnp.exe'), 'echo \\u{202e}gnp.exe');
  assert.equal(sanitize('a\u2066b\u2069'), 'a\\u{2066}b\\u{2069}');
  assert.equal(sanitize('tag\u{E0041}'), 'tag\\u{e0041}');
  assert.equal(sanitize('plain text\nnext\tline é ü 漢字'), 'plain text\nnext\tline é ü 漢字');
  assert.deepEqual(sanitizeDeep({ 'k\x07': ['\x1b]0;title\x07x'] }), { 'k\\u{7}': ['\\u{1b}\\u{5d}\\u{30}\\u{3b}\\u{74}\\u{69}\\u{74}\\u{6c}\\u{65}\\u{7}x'] });
});

test('the view shows program, argv, workdir, env names (not values), sandbox and network', () => {
  const v = whatWillRun('exec', { command: 'ls -la src | grep x', workdir: 'sub', env: { TOKEN: 'secret-value', A: '1' } }, config, { sandbox: { provider: 'bwrap', workspaceAccess: 'ro' } }, '/ws');
  assert.equal(v.command, 'ls -la src | grep x');
  assert.deepEqual(v.programs.map((p) => p.argv), [['ls', '-la', 'src'], ['grep', 'x']]);
  assert.equal(v.workdir, '/ws/sub');
  assert.deepEqual(v.env, ['A', 'TOKEN']);
  assert.ok(!JSON.stringify(v).includes('secret-value'));
  assert.match(v.sandbox, /bwrap.*ro/);
  assert.equal(v.network, 'none');
});

test('an exec of an elevated agent that does not leave the sandbox (asked under another rule, a sub-agent\'s) is shown in that sandbox', () => {
  const elevated = parseConfigText('{ tools: { elevated: ["exec", "write"] } }', 'f', {}).config;
  const v = whatWillRun('exec', { command: 'ls' }, elevated, { sandbox: { provider: 'bwrap', workspaceAccess: 'ro' } }, '/ws');
  assert.match(v.sandbox, /^bwrap \(workspace ro\); exec is listed in tools\.elevated, but this call stays in its sandbox$/);
  assert.doesNotMatch(v.sandbox, /none|HOST/);
  assert.match(whatWillRun('write', { path: 'a', content: 'b' }, elevated, {}, '/ws').sandbox, /listed in tools\.elevated, so every call asks$/);
});

test('an exec that runs on the host once approved says so plainly, with the host\'s network', () => {
  const elevated = parseConfigText('{ tools: { elevated: ["exec"] } }', 'f', {}).config;
  const v = whatWillRun('exec', { command: 'ls' }, elevated, { sandbox: { provider: 'bwrap', network: { allowedDomains: ['example.com'] } } }, '/ws', { onHost: true });
  assert.match(v.sandbox, /^NONE: runs ON THE HOST, unsandboxed, with the rights of the user the gateway runs as/);
  assert.doesNotMatch(v.sandbox, /bwrap/);
  assert.match(v.network, /unrestricted/);
  // A read-only workspace cannot be kept on the host: the person is told it will be refused.
  assert.match(whatWillRun('exec', { command: 'ls' }, elevated, { sandbox: { workspaceAccess: 'ro' } }, '/ws', { onHost: true }).sandbox, /ON THE HOST.*will be refused/);
  // onHost means nothing for another tool: it never leaves the hardshell process.
  assert.doesNotMatch(whatWillRun('write', { path: 'a', content: 'b' }, elevated, {}, '/ws', { onHost: true }).sandbox, /HOST/);
});

test('"always" for a host run covers only the host run of that exact call, and a sandboxed "always" never covers a host run', async (t) => {
  const { approvals } = await tempStore(t);
  const answerNext = (choice: 'always') => {
    const timer = setInterval(() => { const [p] = approvals.list({ status: 'pending' }); if (p) { clearInterval(timer); approvals.answer(p.id, choice, 't'); } }, 5);
  };
  const approver = createApprover({ store: approvals, describe, timeoutMs: 600, pollMs: 5 });
  const signal = new AbortController().signal;
  const hostCall = request('ls', { rule: 'tools.elevated', onHost: true });
  // A sandboxed "always" for `ls`, then the same call on the host: asked again (and, unanswered, denied).
  answerNext('always');
  assert.equal((await approver(request('ls'), signal)).approved, true);
  assert.equal((await approver(hostCall, signal)).approved, false);
  // The host run approved with "always": the exact same host call is approved by the rule...
  answerNext('always');
  assert.equal((await approver(request('ls', { toolCallId: 'c2', rule: 'tools.elevated', onHost: true }), signal)).approved, true);
  const again = await approver(request('ls', { toolCallId: 'c3', rule: 'tools.elevated', onHost: true }), signal);
  assert.deepEqual([again.approved, again.by], [true, 'always']);
  // ...and a different command on the host asks again.
  assert.equal((await approver(request('ls -la', { rule: 'tools.elevated', onHost: true }), signal)).approved, false);
  assert.equal(approvals.list({}).filter((r) => r.status === 'approved').length, 2);
});

test('a program file replaced between the approval and the run fails the check the runner makes', async (t) => {
  const { approvals } = await tempStore(t);
  let binary = { path: '/usr/bin/cat', sha256: 'a'.repeat(64) };
  const approver = createApprover({ store: approvals, describe, timeoutMs: 2000, pollMs: 5, identify: () => binary });
  const timer = setInterval(() => { const [p] = approvals.list({ status: 'pending' }); if (p) { clearInterval(timer); approvals.answer(p.id, 'once', 't'); } }, 5);
  const answer = await approver(request('cat notes', { rule: 'tools.elevated', onHost: true }), new AbortController().signal);
  assert.deepEqual(answer.verify!({ args: { command: 'cat notes' } }), { ok: true });
  binary = { ...binary, sha256: 'b'.repeat(64) };
  assert.equal(answer.verify!({ args: { command: 'cat notes' } }).ok, false);
});

test('the store: first answer wins, late answers are refused, expiry, and it survives reopening', async (t) => {
  const { approvals, file } = await tempStore(t);
  const now = new Date('2026-01-01T00:00:00Z');
  const view = { ...describe(request('ls')).view, reason: 'r', rule: 'x' };
  const a = approvals.create({ agentId: 'main', sessionId: 's', toolCallId: 'c', tool: 'exec', view, hash: 'h1', expiresAt: new Date(now.getTime() + 60_000) }, now);
  const b = approvals.create({ agentId: 'main', sessionId: 's', toolCallId: 'd', tool: 'exec', view, hash: 'h2', expiresAt: new Date(now.getTime() + 1000) }, now);
  assert.equal(approvals.list({ status: 'pending' }, now).length, 2);
  const second = openStore(file);
  t.after(() => second.close());
  const reopened = new ApprovalStore(second);
  assert.equal(reopened.get(a.id)?.view.command, 'ls');
  assert.equal(reopened.answer(a.id, 'once', 'cli', now).ok, true);
  assert.deepEqual(approvals.answer(a.id, 'deny', 'web', now), { ok: false, reason: 'answered', record: approvals.get(a.id) });
  const later = new Date(now.getTime() + 2000);
  assert.equal(approvals.answer(b.id, 'once', 'cli', later).ok, false);
  assert.equal(approvals.get(b.id)?.status, 'expired');
  assert.deepEqual(approvals.answer('nope', 'once', 'cli'), { ok: false, reason: 'unknown' });
});

test('the approver: approve once, deny, timeout and cancellation; "always" binds to the exact call', async (t) => {
  const { approvals } = await tempStore(t);
  const approver = createApprover({ store: approvals, describe, timeoutMs: 1500, pollMs: 10 });
  const answerNext = (choice: 'once' | 'always' | 'deny') => {
    const timer = setInterval(() => {
      const [p] = approvals.list({ status: 'pending' });
      if (p) { clearInterval(timer); approvals.answer(p.id, choice, 'test'); }
    }, 5);
  };
  const signal = new AbortController().signal;

  answerNext('once');
  const once = await approver(request('git push'), signal);
  assert.equal(once.approved, true);
  assert.equal(once.ticket?.hash, bindingHash(describe(request('git push')).binding));

  answerNext('deny');
  const denied = await approver(request('git push'), signal);
  assert.deepEqual([denied.approved, denied.note], [false, 'denied by test']);

  const started = Date.now();
  const silent = await approver(request('git push'), signal);
  assert.equal(silent.approved, false);
  assert.match(silent.note!, /no one answered within 2 s|no one answered within 1 s/);
  assert.ok(Date.now() - started >= 1400);

  const cancel = new AbortController();
  setTimeout(() => cancel.abort(), 50);
  const cancelled = await approver(request('git push'), cancel.signal);
  assert.equal(cancelled.approved, false);
  assert.equal(approvals.list({}).filter((r) => r.status === 'pending').length, 0);

  answerNext('always');
  assert.equal((await approver(request('git push origin main'), signal)).approved, true);
  const again = await approver(request('git push origin main'), signal);
  assert.deepEqual([again.approved, again.by], [true, 'always']);
  // Always is for this exact call: another argument, another folder or another agent asks again.
  const other = createApprover({ store: approvals, describe, timeoutMs: 1000, pollMs: 10 });
  assert.equal((await other(request('git push origin main --force'), signal)).approved, false);
  assert.equal((await other(request('git push origin main', { args: { command: 'git push origin main', workdir: 'elsewhere' } }), signal)).approved, false);
  assert.equal((await other(request('git push origin main', { agentId: 'other' }), signal)).approved, false);
});

test('approved arguments are frozen: nothing in the process can change them before they run', async (t) => {
  const { approvals } = await tempStore(t);
  const approver = createApprover({ store: approvals, describe, timeoutMs: 2000, pollMs: 5 });
  const req = request('ls');
  const timer = setInterval(() => { const [p] = approvals.list({ status: 'pending' }); if (p) { clearInterval(timer); approvals.answer(p.id, 'once', 't'); } }, 5);
  assert.equal((await approver(req, new AbortController().signal)).approved, true);
  assert.throws(() => { (req.args as { command: string }).command = 'rm -rf /'; });
});

test('a row edited in the store after the request approves nothing', async (t) => {
  const { approvals, db } = await tempStore(t);
  const approver = createApprover({ store: approvals, describe, timeoutMs: 2000, pollMs: 5 });
  const timer = setInterval(() => {
    const [p] = approvals.list({ status: 'pending' });
    if (!p) return;
    clearInterval(timer);
    db.prepare('UPDATE approvals SET hash = ? WHERE id = ?').run('0'.repeat(64), p.id);
    approvals.answer(p.id, 'once', 'attacker');
  }, 5);
  const answer = await approver(request('ls'), new AbortController().signal);
  assert.equal(answer.approved, false);
  assert.match(answer.note!, /does not match/);
});

test('the check at execution: a ticket runs only the call it was issued for', () => {
  const approved: Binding = { agentId: 'main', tool: 'exec', args: { command: 'git pull' }, workdir: '/ws', program: { path: '/usr/bin/git', sha256: 'a'.repeat(64) } };
  const ticket = { approvalId: 'abc', hash: bindingHash(approved) };
  assert.deepEqual(verifyTicket(ticket, { ...approved, args: { command: 'git pull' } }), { ok: true });
  // key order does not matter; content does
  assert.equal(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }), '{"a":[2,{"c":4,"d":3}],"b":1}');
  const changed: Binding[] = [
    { ...approved, args: { command: 'git pull; rm -rf /' } },
    { ...approved, args: { command: 'git pull ' } },
    { ...approved, workdir: '/ws/other' },
    { ...approved, program: { path: '/usr/bin/git', sha256: 'b'.repeat(64) } },
    { ...approved, program: { path: '/tmp/git', sha256: 'a'.repeat(64) } },
    { ...approved, agentId: 'other' },
    { ...approved, tool: 'write' },
  ];
  for (const c of changed) {
    const r = verifyTicket(ticket, c);
    assert.equal(r.ok, false, JSON.stringify(c));
  }
});

test('an approval carries the check for execution time: changed arguments or a replaced binary fail it', async (t) => {
  const { approvals } = await tempStore(t);
  let binary = { path: '/usr/bin/git', sha256: 'a'.repeat(64) };
  const approver = createApprover({ store: approvals, describe, timeoutMs: 2000, pollMs: 5, identify: () => binary });
  const timer = setInterval(() => { const [p] = approvals.list({ status: 'pending' }); if (p) { clearInterval(timer); approvals.answer(p.id, 'always', 't'); } }, 5);
  const req = request('git pull');
  const answer = await approver(req, new AbortController().signal);
  assert.equal(answer.approved, true);
  assert.deepEqual(answer.verify!({ args: { command: 'git pull' }, program: binary }), { ok: true });
  assert.equal(answer.verify!({ args: { command: 'git pull && rm -rf ~' }, program: binary }).ok, false);
  assert.equal(answer.verify!({ args: { command: 'git pull' }, program: { ...binary, sha256: 'b'.repeat(64) } }).ok, false);
  assert.deepEqual(answer.verify!({ args: { command: 'git pull' } }), { ok: true }, 'without a program, arguments and folder are compared');
  assert.equal(answer.verify!({ args: { command: 'git pull --rebase' } }).ok, false);
  // "always" is bound to the binary too: a replaced file asks again.
  binary = { path: '/usr/bin/git', sha256: 'c'.repeat(64) };
  const quick = createApprover({ store: approvals, describe, timeoutMs: 1000, pollMs: 5, identify: () => binary });
  assert.equal((await quick(request('git pull'), new AbortController().signal)).approved, false);
});
