// The audit log: hash chain, checkpoints, signed head; verify finds each kind of tampering
// and says where; a torn last line is cut off and the chain continues.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, readFile, writeFile, stat, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '../../src/audit/log.ts';
import { verifyAuditLog } from '../../src/audit/verify.ts';
import { lineHash, formatLine, GENESIS } from '../../src/audit/format.ts';
import { lastEvents, parseSince, queryAuditLog } from '../../src/audit/query.ts';

async function setup(t: { after(fn: () => unknown): void }, events = 25, checkpointEvery = 10) {
  const home = await mkdtemp(join(tmpdir(), 'hardshell-audit-'));
  t.after(() => rm(home, { recursive: true, force: true }));
  const path = join(home, 'audit.log');
  const log = new AuditLog({ path, home, checkpointEvery });
  for (let i = 0; i < events; i++) log.append({ kind: i % 2 ? 'tool' : 'auth', action: 'run', agentId: i % 3 ? 'main' : 'other', i });
  log.close();
  return { home, path };
}

const lines = async (path: string) => (await readFile(path, 'utf8')).split('\n').slice(0, -1);
const save = (path: string, ls: string[]) => writeFile(path, ls.join('\n') + '\n');

test('a fresh log verifies; events carry seq, time, kind, action, fields and the previous line\'s hash', async (t) => {
  const { home, path } = await setup(t);
  const ls = await lines(path);
  const first = JSON.parse(ls[0]);
  assert.deepEqual(Object.keys(first), ['seq', 'time', 'kind', 'action', 'agentId', 'i', 'prev']);
  assert.equal(first.prev, GENESIS);
  assert.equal(JSON.parse(ls[1]).prev, lineHash(ls[0]));
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  assert.equal((await stat(join(home, 'keys', 'audit.key'))).mode & 0o777, 0o600);
  const r = verifyAuditLog(path, home);
  assert.deepEqual(r.problems, []);
  assert.equal(r.ok, true);
  assert.equal(r.events, 28); // 25 events + checkpoints after 10, 20 and at close
  assert.equal(r.checkpoints, 3);
  assert.equal(r.headChecked, true);
});

test('verify: one byte changed is found, naming the line', async (t) => {
  const { home, path } = await setup(t);
  const ls = await lines(path);
  ls[4] = ls[4].replace('"action":"run"', '"action":"ran"');
  await save(path, ls);
  const r = verifyAuditLog(path, home);
  assert.equal(r.ok, false);
  assert.match(r.problems[0].message, /line 5 was changed/);
  assert.equal(r.problems[0].line, 6);
});

test('verify: a changed last event is caught by the signed head', async (t) => {
  const { home, path } = await setup(t);
  const ls = await lines(path);
  ls[ls.length - 1] = ls[ls.length - 1].replace('"mac":"', '"mac":"0');
  await save(path, ls);
  const r = verifyAuditLog(path, home);
  assert.equal(r.ok, false);
  assert.ok(r.problems.some((p) => /not signed by this log's audit key|rewritten/.test(p.message)), JSON.stringify(r.problems));
});

test('verify: a deleted event is found', async (t) => {
  const { home, path } = await setup(t);
  const ls = await lines(path);
  ls.splice(7, 1);
  await save(path, ls);
  const r = verifyAuditLog(path, home);
  assert.equal(r.ok, false);
  assert.match(r.problems[0].message, /line 8 holds event 9 where event 8 should be: 1 event\(s\) before it were removed/);
});

test('verify: two swapped events are found', async (t) => {
  const { home, path } = await setup(t);
  const ls = await lines(path);
  [ls[3], ls[4]] = [ls[4], ls[3]];
  await save(path, ls);
  const r = verifyAuditLog(path, home);
  assert.equal(r.ok, false);
  assert.match(r.problems[0].message, /line 4 holds event 5 where event 4 should be/);
});

test('verify: a cut tail is found (whole lines or part of one)', async (t) => {
  const { home, path } = await setup(t);
  const ls = await lines(path);
  await save(path, ls.slice(0, -3));
  let r = verifyAuditLog(path, home);
  assert.equal(r.ok, false);
  assert.match(r.problems[0].message, /the log ends at event 25, but events up to 28 were written: the end of the log was cut off/);
  const text = await readFile(path, 'utf8');
  await writeFile(path, text.slice(0, -20));
  r = verifyAuditLog(path, home);
  assert.match(r.problems[0].message, /is incomplete/);
});

test('verify: a log rewritten from scratch with a fresh, consistent chain is caught', async (t) => {
  const { home, path } = await setup(t);
  const ls = (await lines(path)).map((l) => JSON.parse(l));
  // The forger rebuilds every line and its chain, hiding one event, without the audit key.
  let prev = GENESIS;
  const forged: string[] = [];
  ls.forEach((e, i) => {
    const { seq, time, kind, action, prev: _p, ...fields } = e;
    if (fields.i === 3) fields.i = 333;
    const line = formatLine(seq, time, kind, action, fields, prev);
    forged.push(line);
    prev = lineHash(line);
    void i;
  });
  await save(path, forged);
  const r = verifyAuditLog(path, home);
  assert.equal(r.ok, false);
  assert.ok(r.problems.some((p) => /not signed by this log's audit key: the log was rewritten/.test(p.message)), JSON.stringify(r.problems));
  // Without checkpoints at all, the key-held head still does not match.
  await save(path, forged.filter((l) => !l.includes('checkpoint')).map((l, i, all) => l));
  const again = verifyAuditLog(path, home);
  assert.equal(again.ok, false);
});

test('after a kill mid-write, the torn line is cut off, reported, and the chain continues', async (t) => {
  const { home, path } = await setup(t, 5, 100);
  await appendFile(path, '{"seq":7,"time":"2026-');
  const problems: string[] = [];
  const log = new AuditLog({ path, home, onProblem: (m) => problems.push(m) });
  assert.match(problems[0], /ended in a partly written event \(22 bytes/);
  log.append({ kind: 'tool', action: 'run' });
  log.close();
  const ls = (await lines(path)).map((l) => JSON.parse(l));
  assert.deepEqual(ls.slice(-3).map((e) => [e.seq, e.kind, e.action]), [[7, 'audit', 'torn_tail_recovered'], [8, 'tool', 'run'], [9, 'audit', 'checkpoint']]);
  const r = verifyAuditLog(path, home);
  assert.deepEqual(r.problems, []);
});

test('kinds are filtered (alert and audit always kept); strings pass the redactor', async (t) => {
  const home = await mkdtemp(join(tmpdir(), 'hardshell-audit-'));
  t.after(() => rm(home, { recursive: true, force: true }));
  const path = join(home, 'audit.log');
  const log = new AuditLog({ path, home, kinds: ['auth', 'tool'], redact: (s) => s.replaceAll('CANARY', '[REDACTED:K]') });
  log.append({ kind: 'auth', action: 'login_failed', note: 'key CANARY was wrong', nested: { list: ['CANARY'] } });
  log.append({ kind: 'policy', action: 'decision' });
  log.append({ kind: 'alert', action: 'threshold', counter: 'auth_failures' });
  log.close();
  const text = await readFile(path, 'utf8');
  assert.ok(!text.includes('CANARY'));
  const kinds = text.trim().split('\n').map((l) => JSON.parse(l).kind);
  assert.deepEqual(kinds, ['auth', 'alert', 'audit']);
});

test('query by kind, agent and since; last events', async (t) => {
  const { path } = await setup(t, 12, 1000);
  const tools: number[] = [];
  for await (const e of queryAuditLog(path, { kinds: ['tool'], agentId: 'main' })) tools.push(e.i as number);
  assert.deepEqual(tools, [1, 5, 7, 11]);
  const last = await lastEvents(path, 2);
  assert.deepEqual(last.map((e) => e.seq), [12, 13]);
  assert.equal((await lastEvents(path, 100, { since: parseSince('1h')! })).length, 13);
  assert.equal((await lastEvents(path, 100, { since: new Date(Date.now() + 60_000) })).length, 0);
  assert.equal(parseSince('nonsense'), null);
  assert.equal(parseSince('2026-01-01')!.toISOString(), '2026-01-01T00:00:00.000Z');
});
