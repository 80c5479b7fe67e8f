// End to end through the real `hardshell agent`, with the scripted model: `ask` pauses the
// turn, `hardshell approvals approve` in another process resumes it; a denial or a timeout
// ends it cleanly, the model is told "denied by policy", and nothing runs. Seed configs about
// tools and exec take their effect: denied tools are not offered and are refused if called.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import JSON5 from 'json5';
import { runCli, startCli } from '../fixtures/cli.ts';
import { setup, waitForPending, auditEvents } from './harness.ts';
import { allTools } from '../../src/tools/registry.ts';

/** exec lands with the sandbox work; until it is registered, its end-to-end tests wait. */
const EXEC = allTools.some((tool) => tool.name === 'exec') ? {} : { skip: 'the exec tool is not registered in src/tools/registry.ts yet' };

const seed = (name: string) => JSON5.parse(readFileSync(new URL(`../fixtures/seed-configs/${name}`, import.meta.url), 'utf8')) as Record<string, any>;

const offeredNames = (body: any) => (body.tools ?? []).map((x: any) => x.function.name).sort();

test('ask pauses the turn; `approvals approve` in another process resumes it and the call runs', async (t) => {
  const { model, home } = await setup(t, [
    { toolCalls: [{ name: 'write', args: { path: 'out.txt', content: 'approved\n' } }] },
    { text: 'written' },
  ], { tools: { elevated: ['write'] } });
  const agent = startCli(['agent', '--message', 'write it', '--json'], home.env);
  const pending = await waitForPending(home);
  assert.equal(pending.tool, 'write');
  assert.equal(pending.status, 'pending');
  assert.equal(pending.view.rule, 'tools.elevated');
  assert.match(pending.view.command, /out\.txt/);
  const approve = await runCli(['approvals', 'approve', pending.id], home.env);
  assert.equal(approve.code, 0, approve.stderr);
  const res = await agent.done;
  assert.equal(res.code, 0, res.stderr);
  const out = JSON.parse(res.stdout);
  assert.equal(out.toolCalls[0].decision, 'ask');
  assert.equal(out.toolCalls[0].ok, true);
  assert.equal(readFileSync(join(home.workspace, 'out.txt'), 'utf8'), 'approved\n');
  assert.equal(out.reply, 'written');
  // Answering again changes nothing.
  const again = await runCli(['approvals', 'deny', pending.id], home.env);
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /already answered/);
  assert.equal(model.requests.length, 2);
});

test('a denial ends the call cleanly: the model is told "denied by policy" and nothing runs', async (t) => {
  const { model, home } = await setup(t, [
    { toolCalls: [{ name: 'write', args: { path: 'no.txt', content: 'x' } }] },
    { text: 'ok, not written' },
  ], { tools: { elevated: ['write'] } });
  const agent = startCli(['agent', '--message', 'write it', '--json'], home.env);
  const pending = await waitForPending(home);
  assert.equal((await runCli(['approvals', 'deny', pending.id], home.env)).code, 0);
  const out = JSON.parse((await agent.done).stdout);
  assert.equal(out.stopReason, 'completed');
  assert.equal(out.toolCalls[0].ok, null);
  assert.ok(!existsSync(join(home.workspace, 'no.txt')));
  assert.match(JSON.stringify(model.requests[1].body.messages), /denied by policy/);
  assert.match(JSON.stringify(model.requests[1].body.messages), /denied by cli/);
});

test('an elevated call nobody answers times out as denied, and the turn ends cleanly', async (t) => {
  const { model, home } = await setup(t, [
    { toolCalls: [{ name: 'write', args: { path: 'late.txt', content: 'x' } }] },
    { text: 'gave up' },
  ], { tools: { elevated: ['write'], exec: { approvalTimeout: 1000 } } });
  const started = Date.now();
  const out = JSON.parse((await runCli(['agent', '--message', 'write it', '--json'], home.env)).stdout);
  assert.deepEqual([out.toolCalls[0].decision, out.toolCalls[0].ok, out.stopReason], ['ask', null, 'completed']);
  assert.ok(Date.now() - started < 15_000);
  const shown = JSON.stringify(model.requests[1].body.messages);
  assert.match(shown, /denied by policy/);
  assert.match(shown, /no one answered within 1 s/);
  assert.ok(!existsSync(join(home.workspace, 'late.txt')));
  assert.equal(JSON.parse((await runCli(['approvals', 'list', '--all', '--json'], home.env)).stdout)[0].status, 'expired');
});

test('seed 17: an exec nobody answers times out as denied, and the turn ends cleanly', EXEC, async (t) => {
  const extra = { ...seed('17-exec-ask.json5') };
  extra.tools.exec.approvalTimeout = 1000;
  const { model, home } = await setup(t, [
    { toolCalls: [{ name: 'exec', args: { command: 'touch made-by-exec' } }] },
    { text: 'gave up' },
  ], extra);
  const started = Date.now();
  const res = await runCli(['agent', '--message', 'run it', '--json'], home.env);
  const out = JSON.parse(res.stdout);
  assert.equal(out.toolCalls[0].decision, 'ask');
  assert.equal(out.toolCalls[0].ok, null);
  assert.ok(Date.now() - started < 15_000);
  const shown = JSON.stringify(model.requests[1].body.messages);
  assert.match(shown, /denied by policy/);
  assert.match(shown, /no one answered within 1 s/);
  assert.ok(!existsSync(join(home.workspace, 'made-by-exec')));
  const list = JSON.parse((await runCli(['approvals', 'list', '--all', '--json'], home.env)).stdout);
  assert.equal(list[0].status, 'expired');
  assert.equal(list[0].view.command, 'touch made-by-exec');
});

test('seed 17: an exec approved with `approvals approve --always` runs in the sandbox; the same command later runs without asking', EXEC, async (t) => {
  const { model, home } = await setup(t, [
    { toolCalls: [{ name: 'exec', args: { command: 'echo approved > made-by-exec' } }] },
    { text: 'ran it' },
  ], seed('17-exec-ask.json5'));
  const agent = startCli(['agent', '--message', 'run it', '--json'], home.env);
  const pending = await waitForPending(home);
  assert.equal(pending.view.command, 'echo approved > made-by-exec');
  assert.deepEqual(pending.view.programs.map((p: any) => p.argv), [['echo', 'approved']]);
  assert.equal(pending.view.network, 'none');
  assert.equal((await runCli(['approvals', 'approve', pending.id, '--always'], home.env)).code, 0);
  const out = JSON.parse((await agent.done).stdout);
  assert.equal(out.toolCalls[0].decision, 'ask');
  assert.match(JSON.stringify(model.requests[1].body.messages), /exit code|sandbox/);
  if (out.toolCalls[0].ok) assert.equal(readFileSync(join(home.workspace, 'made-by-exec'), 'utf8'), 'approved\n');
  // The exact same call again: approved by the rule, no new request.
  model.push({ toolCalls: [{ name: 'exec', args: { command: 'echo approved > made-by-exec' } }] }, { text: 'again' });
  const second = JSON.parse((await runCli(['agent', '--message', 'again', '--json'], home.env)).stdout);
  assert.equal(second.reply, 'again');
  const all = JSON.parse((await runCli(['approvals', 'list', '--all', '--json'], home.env)).stdout);
  assert.equal(all.length, 1, 'the second, identical call did not need a new request');
  // A different command asks again (and, unanswered, would wait): it is not covered by the rule.
  const rules = JSON.parse((await runCli(['approvals', 'rules', '--json'], home.env)).stdout);
  assert.equal(rules.length, 1);
  assert.equal(rules[0].view.command, 'echo approved > made-by-exec');
});

test('seed 03: exec is not offered, and a call to it anyway is refused', async (t) => {
  const { model, home } = await setup(t, [
    { toolCalls: [{ name: 'exec', args: { command: 'ls' } }] },
    { text: 'done' },
  ], seed('03-tools-deny.json5'));
  const out = JSON.parse((await runCli(['agent', '--message', 'go', '--json'], home.env)).stdout);
  assert.ok(!offeredNames(model.requests[0].body).includes('exec'));
  assert.equal(out.toolCalls[0].decision, 'deny');
  assert.match(JSON.stringify(model.requests[1].body.messages), /denied by policy/);
  // The refused call is on the audit record, with the rule that refused it.
  const events = auditEvents(home);
  assert.ok(events.some((e) => e.kind === 'policy' && e.action === 'decision' && e.tool === 'exec' && e.decision === 'deny' && e.rule), JSON.stringify(events.filter((e) => e.kind === 'policy')));
  assert.ok(!events.some((e) => e.kind === 'tool' && e.tool === 'exec'), 'exec never ran');
});

test('seed 12: an allowlisted exec hides a denied program and is refused without asking', EXEC, async (t) => {
  const { model, home } = await setup(t, [
    { toolCalls: [{ name: 'exec', args: { command: 'ls | xargs rm -f' } }] },
    { toolCalls: [{ name: 'exec', args: { command: 'sh -c "curl http://127.0.0.1:9/"' } }] },
    { text: 'done' },
  ], seed('12-exec-allowlist.json5'));
  const out = JSON.parse((await runCli(['agent', '--message', 'go', '--json'], home.env)).stdout);
  assert.ok(offeredNames(model.requests[0].body).includes('exec'));
  assert.deepEqual(out.toolCalls.map((c: any) => [c.decision, c.rule]), [['deny', 'tools.exec.deniedCommands'], ['deny', 'tools.exec.deniedCommands']]);
  assert.equal(JSON.parse((await runCli(['approvals', 'list', '--all', '--json'], home.env)).stdout).length, 0);
});

test('seeds 13, 15, 16 and 23: only the tools they name are offered; others are refused', async (t) => {
  const cases: Array<[string, string[], string]> = [
    ['13-untrusted-agent.json5', ['read', 'web_fetch'], 'write'],
    ['15-agent-tools-allowlist.json5', ['edit', 'find', 'grep', 'memory_search', 'read', 'write'], 'exec'],
    ['16-tools-readonly-allowlist.json5', ['find', 'grep', 'memory_search', 'read'], 'write'],
    ['23-production-complete.json5', ['edit', 'find', 'grep', 'memory_search', 'read', 'write'], 'exec'],
  ];
  for (const [file, expected, refused] of cases) {
    const { model, home } = await setup(t, [
      { toolCalls: [{ name: refused, args: refused === 'exec' ? { command: 'ls' } : { path: 'x.txt', content: 'x' } }] },
      { text: 'done' },
    ], seed(file));
    const out = JSON.parse((await runCli(['agent', '--message', 'go', '--json'], home.env)).stdout);
    const offered = offeredNames(model.requests[0].body);
    assert.deepEqual(offered.filter((n: string) => !expected.includes(n)), [], `${file}: offered ${offered}`);
    for (const name of expected) if (['read', 'write', 'edit', 'grep', 'find'].includes(name)) assert.ok(offered.includes(name), `${file}: ${name} missing`);
    assert.equal(out.toolCalls[0].decision, 'deny', file);
    assert.ok(!existsSync(join(home.workspace, 'x.txt')), file);
  }
});
