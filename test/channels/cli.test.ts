// The channels through the real `hardshell` command: `hardshell gateway` starts the enabled
// channels and mounts their endpoints; a plain-text credential stops it from starting;
// `hardshell channels list|status|test` report what is configured.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:net';
import { makeHome, scriptedModelConfig } from '../fixtures/home.ts';
import { startModelServer } from '../fixtures/model-server.ts';
import { runCli, startCli } from '../fixtures/cli.ts';
import { startFakeTelegram, telegramText } from './fake-platforms.ts';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const SECRET = 'cli-webhook-secret';

/** `hardshell gateway` as a child process, until the test ends; resolves once it listens. */
async function runGateway(t: { after(fn: () => Promise<void> | void): void }, env: NodeJS.ProcessEnv): Promise<void> {
  const { child, done } = startCli(['gateway'], env);
  t.after(() => { child.kill('SIGTERM'); return done.then(() => {}); });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: string) => { out += d; if (out.includes('listening on')) resolve(); });
    child.on('close', () => reject(new Error(`the gateway stopped: ${out}`)));
  });
}

test('hardshell gateway answers a signed webhook through the real command', async (t) => {
  const model = await startModelServer([{ text: 'pong' }]);
  const port = await freePort();
  const home = await makeHome({
    config: scriptedModelConfig(model.url, {
      gateway: { port },
      agents: { defaults: { dm: { policy: 'allowlist', allowFrom: ['webhook:ci'] } } },
      channels: { webhook: { enabled: true, sources: { ci: { signingSecret: '${secret:CI_HOOK}' } } } },
    }),
    env: { HARDSHELL_SECRET_CI_HOOK: SECRET },
  });
  t.after(async () => { await model.close(); await home.cleanup(); });
  assert.equal((await runCli(['token', 'create', 'owner'], home.env)).code !== undefined, true);

  await runGateway(t, home.env);

  const body = JSON.stringify({ text: 'ping' });
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex');
  const res = await fetch(`http://127.0.0.1:${port}/hooks/webhook/ci`, {
    method: 'POST', body,
    headers: { 'content-type': 'application/json', 'x-hardshell-timestamp': ts, 'x-hardshell-signature': `sha256=${sig}` },
  });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { reply: 'pong' });
  const bad = await fetch(`http://127.0.0.1:${port}/hooks/webhook/ci`, { method: 'POST', body, headers: { 'x-hardshell-timestamp': ts, 'x-hardshell-signature': 'sha256=00' } });
  assert.equal(bad.status, 401);
  assert.equal(model.requests.length, 1);
});

test('hardshell gateway gives the message tool its channels, and the text leaves redacted', async (t) => {
  const fake = await startFakeTelegram();
  const canary = 'canary-0d9e4b7a61c25f38';
  const model = await startModelServer([
    { toolCalls: [{ name: 'message', args: { action: 'send', target: 'telegram:1001', message: `reminder: the key is ${canary}` } }] },
    { text: 'sent you a note' },
  ]);
  const home = await makeHome({
    config: scriptedModelConfig(model.url, {
      gateway: { port: await freePort() },
      tools: { allow: ['message'] },
      channels: { telegram: { enabled: true, botToken: '${secret:TG}', apiRoot: fake.url, owner: ['telegram:1001'] } },
    }),
    env: { HARDSHELL_SECRET_TG: fake.token, HARDSHELL_SECRET_REMINDER_KEY: canary },
  });
  t.after(async () => { await fake.close(); await model.close(); await home.cleanup(); });
  await runGateway(t, home.env);
  fake.push(telegramText(1001, 'remind me of the key'));
  await fake.waitForSent(2);
  assert.deepEqual(fake.sent, [
    { chat_id: 1001, text: 'reminder: the key is [REDACTED:REMINDER_KEY]' },
    { chat_id: 1001, text: 'sent you a note' },
  ]);
});

test('a plain-text credential stops the gateway with the way to fix it', async (t) => {
  const home = await makeHome({
    config: { channels: { telegram: { enabled: true, botToken: '999:PLAINTOKEN' } } },
  });
  t.after(home.cleanup);
  const res = await runCli(['gateway', '--port', '0'], home.env);
  assert.equal(res.code, 1);
  assert.match(res.stderr, /channels\.telegram\.botToken holds a credential written in plain text/);
  assert.match(res.stderr, /\$\{secret:TELEGRAM_BOT_TOKEN\}/);
  assert.doesNotMatch(res.stderr, /PLAINTOKEN/);
  assert.doesNotMatch(res.stderr, /bug in hardshell/);

  const status = await runCli(['channels', 'status', '--json'], home.env);
  assert.equal(status.code, 1);
  const out = JSON.parse(status.stdout);
  assert.equal(out.channels.find((c: any) => c.channel === 'telegram').credentials, 'plain text');
  assert.ok(out.problems.some((p: string) => p.includes('plain text')));
});

test('hardshell channels list and test', async (t) => {
  const fake = await startFakeTelegram();
  const home = await makeHome({
    config: { channels: { telegram: { enabled: true, botToken: '${secret:TG}', apiRoot: fake.url, owner: ['telegram:1'] } } },
    env: { HARDSHELL_SECRET_TG: fake.token },
  });
  t.after(async () => { await fake.close(); await home.cleanup(); });
  const list = await runCli(['channels', 'list', '--json'], home.env);
  assert.equal(list.code, 0, list.stderr);
  assert.deepEqual(JSON.parse(list.stdout).channels.map((c: any) => [c.channel, c.enabled, c.credentials]), [
    ['telegram', true, 'ok'], ['slack', false, 'missing'], ['discord', false, 'missing'], ['webhook', false, 'missing'],
  ]);
  const ok = await runCli(['channels', 'test', 'telegram'], home.env);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /telegram: ok, @hardshell_test_bot/);
  assert.ok(!fake.calls.includes('getUpdates'), 'test connects, it does not start reading messages');
  const off = await runCli(['channels', 'test', 'slack'], home.env);
  assert.equal(off.code, 1);
  assert.match(off.stderr, /channels\.slack\.enabled is false/);
});
