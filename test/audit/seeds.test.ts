// Seed configs 01, 11 and 22 and the .env file (25), through the real runtime and the real
// CLI: what they promise about secrets, logs and the audit log holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startModelServer } from '../fixtures/model-server.ts';
import { makeHome, scriptedModelConfig } from '../fixtures/home.ts';
import { runCli } from '../fixtures/cli.ts';
import JSON5 from 'json5';
import { openRuntime } from '../../src/cli/runtime.ts';
import { startGateway } from '../../src/edge/server.ts';

const SEEDS = join(import.meta.dirname, '../fixtures/seed-configs');
const seed = async (name: string) => JSON5.parse(await readFile(join(SEEDS, name), 'utf8'));

test('seed 01: the API key guards the gateway and is never written to the log or the audit log', async (t) => {
  const key = `apikey-${randomBytes(16).toString('hex')}`;
  const home = await makeHome({ config: await seed('01-auth-apikey.json5'), env: { CLAWDBOT_API_KEY: key } });
  t.after(() => home.cleanup());
  const runtime = openRuntime(home.env);
  const gateway = await startGateway({ config: runtime.config, runner: runtime.runner, sessions: runtime.sessions, tokens: runtime.tokens, env: runtime.loaded.env, log: runtime.log, audit: runtime.audit }, { port: 0, host: '127.0.0.1' });
  t.after(async () => { await gateway.close(); runtime.close(); });
  const wrong = await fetch(`${gateway.url}/v1/sessions`, { headers: { 'x-api-key': `${key}-wrong` } });
  assert.equal(wrong.status, 401);
  const bearerWrong = await fetch(`${gateway.url}/v1/sessions`, { headers: { authorization: `Bearer ${key}x` } });
  assert.equal(bearerWrong.status, 401);
  const right = await fetch(`${gateway.url}/v1/sessions`, { headers: { 'x-api-key': key } });
  assert.equal(right.status, 200);
  runtime.log({ level: 'info', msg: `a careless line that mentions ${key}` });
  await gateway.close();
  runtime.close();
  const audit = await readFile(join(home.home, 'audit.log'), 'utf8');
  assert.match(audit, /"kind":"auth","action":"auth_failed"/);
  const log = await readFile(join(home.home, 'logs', 'hardshell.log'), 'utf8');
  assert.match(log, /REDACTED:security\.auth\.key/);
  for (const text of [audit, log]) assert.ok(!text.includes(key), 'the API key was written down');
});

test('seed 11: audit events of the listed kinds go to ~/.clawdbot/audit.log (mode 600), others do not; verify and query read it', async (t) => {
  const model = await startModelServer([{ toolCalls: [{ name: 'read', args: { path: 'a.txt' } }] }, { text: 'ok' }]);
  const home = await makeHome({ config: scriptedModelConfig(model.url, await seed('11-audit-log.json5')), files: { 'a.txt': 'hello' } });
  t.after(async () => { await model.close(); await home.cleanup(); });
  const res = await runCli(['agent', '--message', 'read a.txt', '--json'], home.env);
  assert.equal(res.code, 0, res.stderr);
  const path = join(home.userHome, '.clawdbot', 'audit.log');
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  const kinds = new Set((await readFile(path, 'utf8')).trim().split('\n').map((l) => JSON.parse(l).kind));
  assert.deepEqual([...kinds].sort(), ['audit', 'config', 'message', 'tool'], 'policy decisions are not among the listed kinds');

  const verify = await runCli(['audit', 'verify'], home.env);
  assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  assert.match(verify.stdout, /^ok: .*\.clawdbot\/audit\.log: \d+ events, 1 signed checkpoints/);
  const query = await runCli(['audit', 'query', '--kind', 'tool', '--agent', 'main', '--since', '1h', '--json'], home.env);
  assert.equal(query.code, 0, query.stderr);
  const events = JSON.parse(query.stdout);
  assert.deepEqual(events.map((e: any) => [e.kind, e.action, e.tool, e.ok]), [['tool', 'run', 'read', true]]);
  const tail = await runCli(['audit', 'tail', '-n', '2'], home.env);
  assert.match(tail.stdout, /#\d+ message\/replied agent=main/);

  // One changed byte: verify fails, says which line.
  const lines = (await readFile(path, 'utf8')).split('\n');
  lines[1] = lines[1].replace('"agentId":"main"', '"agentId":"mbin"');
  await writeFile(path, lines.join('\n'));
  const bad = await runCli(['audit', 'verify'], home.env);
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /NOT OK.*\n  line 3: event 3 on line 3 does not follow the line before it.*line 2 was changed/);
  const badJson = JSON.parse((await runCli(['audit', 'verify', '--json'], home.env)).stdout);
  assert.equal(badJson.ok, false);
});

test('seed 22 and .env (seed 25): key formats and the .env gateway token are removed from tool output; logs at info, kept 30 days', async (t) => {
  const envToken = `tok-${randomBytes(16).toString('hex')}`;
  const anthropic = 'sk-ant-api03-' + randomBytes(24).toString('base64url');
  const model = await startModelServer([{ toolCalls: [{ name: 'read', args: { path: 'config.txt' } }] }, { text: 'ok' }]);
  const home = await makeHome({
    config: scriptedModelConfig(model.url, await seed('22-logging.json5')),
    files: { 'config.txt': `ANTHROPIC=${anthropic}\nGATEWAY_TOKEN=${envToken}\nplain=visible\n` },
  });
  t.after(async () => { await model.close(); await home.cleanup(); });
  const envFile = (await readFile(join(SEEDS, '25-env-file.env'), 'utf8')).replace('replace-with-a-long-random-token', envToken);
  await writeFile(join(home.home, '.env'), envFile, { mode: 0o600 });
  const res = await runCli(['agent', '--message', 'show config', '--json'], home.env);
  assert.equal(res.code, 0, res.stderr);
  const sent = model.allRequestText();
  assert.ok(!sent.includes(anthropic) && !sent.includes(envToken));
  const shown = /ANTHROPIC=[^\\]*\\nGATEWAY_TOKEN=[^\\]*\\nplain=visible/.exec(sent)?.[0];
  assert.match(shown ?? 'not found', /^ANTHROPIC=\[REDACTED:anthropic-key\]\\nGATEWAY_TOKEN=\[REDACTED:[A-Za-z_.\[\]0-9]+\]\\nplain=visible$/);
  const runtime = openRuntime(home.env);
  t.after(() => runtime.close());
  assert.equal(runtime.config.logging.level, 'info');
  assert.equal(runtime.config.logging.retention.days, 30);
  assert.equal(runtime.logger.pino.level, 'info');
});
