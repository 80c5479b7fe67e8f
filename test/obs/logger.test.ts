// The logger: JSON lines through the redactor at every level, rotation by size, retention by
// age; alerts: one warning and one audit event when a counter crosses its threshold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, readFile, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/obs/logger.ts';
import { Alerts } from '../../src/obs/alerts.ts';
import { Redactor } from '../../src/secrets/redactor.ts';
import type { AuditRecord } from '../../src/audit/types.ts';

async function dir(t: { after(fn: () => unknown): void }): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'hardshell-obs-'));
  t.after(() => rm(d, { recursive: true, force: true }));
  return d;
}

const canary = 'canary-' + 'f00d'.repeat(6);
const redactor = new Redactor([{ name: 'API_KEY', value: canary }]);

test('every line is JSON, redacted, at debug too; the file is mode 600', async (t) => {
  const d = await dir(t);
  const file = join(d, 'logs', 'hardshell.log');
  const logger = createLogger({ file, level: 'debug', retentionDays: 30, redact: (l) => redactor.message(l) });
  logger.pino.debug({ headers: { authorization: `Bearer ${canary}` }, b64: Buffer.from(canary).toString('base64') }, `debug dump with ${canary}`);
  logger.log({ level: 'warn', msg: 'request refused', key: canary });
  logger.log({ level: 'trace', msg: 'below the level' });
  logger.close();
  const text = await readFile(file, 'utf8');
  assert.ok(!text.includes(canary));
  const lines = text.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 2);
  assert.equal(lines[0].level, 20);
  assert.equal(lines[0].msg, 'debug dump with [REDACTED:API_KEY]');
  assert.equal(lines[0].b64, '[REDACTED:API_KEY]');
  assert.equal(lines[1].level, 40);
  assert.match(lines[1].time, /^\d{4}-\d\d-\d\dT/);
  assert.equal((await stat(file)).mode & 0o777, 0o600);
});

test('info is the default threshold: debug lines are not written', async (t) => {
  const d = await dir(t);
  const file = join(d, 'h.log');
  const logger = createLogger({ file, level: 'info', retentionDays: 30, redact: (l) => l });
  logger.pino.debug('hidden');
  logger.pino.info('shown');
  logger.close();
  assert.deepEqual((await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l).msg), ['shown']);
});

test('rotation by size keeps every line; retention removes rotated files older than the limit', async (t) => {
  const d = await dir(t);
  const file = join(d, 'h.log');
  const old = join(d, 'h.log.2020-01-01T00-00-00.000Z');
  await writeFile(old, 'ancient\n');
  await utimes(old, new Date('2020-01-01'), new Date('2020-01-01'));
  const logger = createLogger({ file, level: 'info', retentionDays: 30, redact: (l) => l, maxBytes: 2000 });
  for (let i = 0; i < 100; i++) logger.pino.info({ i }, 'a line of some length to fill the file up');
  logger.close();
  const files = (await readdir(d)).sort();
  assert.ok(!files.includes('h.log.2020-01-01T00-00-00.000Z'), 'the 30-day retention removed the old file');
  assert.ok(files.length >= 3, files.join(','));
  let total = 0;
  for (const f of files) {
    const text = await readFile(join(d, f), 'utf8');
    assert.ok(text.length <= 2000 + 200);
    total += text.trim().split('\n').length;
  }
  assert.equal(total, 100);
});

test('alerts: one warning and one audit event per window when a counter crosses its threshold', () => {
  const logs: Record<string, unknown>[] = [];
  const audit: AuditRecord[] = [];
  let now = 0;
  const alerts = new Alerts({ log: (l) => logs.push(l), audit: (r) => audit.push(r), now: () => now, thresholds: { auth_failures: { limit: 3, windowMs: 60_000 } } });
  const sink = alerts.wrap(() => {});
  for (let i = 0; i < 5; i++) sink({ kind: 'auth', action: 'auth_failed', reason: 'invalid' });
  assert.equal(logs.length, 1);
  assert.equal(logs[0].level, 'warn');
  assert.match(String(logs[0].msg), /alert: failed authentication attempts: 3 in the last minute \(threshold 3\)/);
  assert.deepEqual(audit.map((r) => [r.kind, r.action, r.counter]), [['alert', 'threshold_crossed', 'auth_failures']]);
  now = 61_000;
  for (let i = 0; i < 3; i++) sink({ kind: 'auth', action: 'auth_failed' });
  assert.equal(audit.length, 2, 'a new window may alert again');
  // The other counters.
  for (let i = 0; i < 20; i++) sink({ kind: 'policy', action: 'decision', decision: 'deny', tool: 'exec' });
  for (let i = 0; i < 20; i++) sink({ kind: 'egress', action: 'connect', decision: 'deny', host: 'evil.example' });
  alerts.count('tokens', 3_000_000);
  assert.deepEqual(audit.slice(2).map((r) => r.counter), ['denied_tool_calls', 'egress_denials', 'tokens']);
  sink({ kind: 'policy', action: 'decision', decision: 'allow' });
  assert.equal(audit.length, 5);
});

test('alerts: the first turn stopped by a budget in a day tells the owners once, in their chats too', async () => {
  const logs: Record<string, unknown>[] = [];
  const audit: AuditRecord[] = [];
  const sent: string[] = [];
  let now = 0;
  const alerts = new Alerts({ log: (l) => logs.push(l), audit: (r) => audit.push(r), now: () => now });
  alerts.notifyWith(async (text) => { sent.push(text); });
  const sink = alerts.wrap(() => {});
  for (let i = 0; i < 3; i++) sink({ kind: 'policy', action: 'budget_reached', agentId: 'main', reason: 'daily tokens' });
  await new Promise((go) => setImmediate(go));
  assert.deepEqual(audit.map((r) => r.counter), ['budgets']);
  assert.deepEqual(sent, ['hardshell alert: turns stopped by a budget (agents.*.budgets): 1 in the last 24 hours (threshold 1)']);
  now = 25 * 60 * 60_000;
  sink({ kind: 'policy', action: 'budget_reached', agentId: 'main' });
  await new Promise((go) => setImmediate(go));
  assert.equal(sent.length, 2, 'the next day alerts again');

  // A chat that cannot be reached is a log line, never a crash.
  alerts.notifyWith(async () => { throw new Error('telegram is down'); });
  alerts.count('tokens', 3_000_000);
  await new Promise((go) => setImmediate(go));
  assert.match(String(logs.at(-1)?.msg), /could not be sent to the owners' chats: telegram is down/);
});
