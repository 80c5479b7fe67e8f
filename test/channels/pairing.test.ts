// Pairing end to end: an unknown sender gets a code (and the model nothing), the owner
// approves it with `hardshell pairing approve`, and the sender is then answered as a user;
// an expired code does nothing; at most three codes wait per channel; the owner can also
// approve from their own chat, and only on the channel the request came from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/store/db.ts';
import { PairingStore, PAIRING_TTL_MS, MAX_PENDING_PER_CHANNEL, PairingError } from '../../src/channels/pairing.ts';
import { runCli } from '../fixtures/cli.ts';
import { startFakeTelegram, telegramText, type FakeTelegram } from './fake-platforms.ts';
import { channelHarness, until } from './harness.ts';

const OWNER = 1001;
const STRANGER = 3003;
const env = { HARDSHELL_SECRET_TELEGRAM_BOT_TOKEN: '123456:TEST-TOKEN' };

async function setup(t: { after(fn: () => Promise<void> | void): void }, script = [{ text: 'welcome aboard' }]) {
  const fake = await startFakeTelegram();
  t.after(() => fake.close());
  const h = await channelHarness(t, {
    script,
    config: { channels: { telegram: { enabled: true, botToken: '${secret:TELEGRAM_BOT_TOKEN}', owner: [`telegram:${OWNER}`], apiRoot: fake.url } } },
    env,
  });
  return { fake, h };
}

const codeIn = (text: string) => /pairing code is ([A-Z0-9]{6})/.exec(text)?.[1];

/** What the bot sent to one chat, waiting until there are at least `count` messages. */
async function sentTo(fake: FakeTelegram, chat: number, count: number): Promise<string[]> {
  const texts = () => fake.sent.filter((m) => m.chat_id === chat).map((m) => m.text);
  await until(() => texts().length >= count, `${count} messages to ${chat}`);
  return texts();
}

test('code issued, approved with the CLI, then answered as a user', async (t) => {
  const { fake, h } = await setup(t);
  fake.push(telegramText(STRANGER, 'hello, can you help me?'));
  const [notice] = await sentTo(fake, STRANGER, 1);
  const code = codeIn(notice);
  assert.ok(code, notice);
  // The owner hears about it in their own chat: the sender id and the code, not the stranger's words.
  const [told] = await sentTo(fake, OWNER, 1);
  assert.match(told, new RegExp(`telegram:${STRANGER} asks to talk to the agent.*/pair approve ${code}`));
  assert.doesNotMatch(told, /can you help/);
  // Asking again does not produce a second code or a second notice.
  fake.push(telegramText(STRANGER, 'hello??'));
  await until(() => h.audit.filter((a) => a.action === 'dropped').length === 1, 'the repeat dropped');
  assert.equal(fake.sent.length, 2);
  assert.equal(h.model.requests.length, 0, 'nothing reached the model before approval');

  const list = await runCli(['pairing', 'list', '--json'], h.home.env);
  assert.equal(list.code, 0, list.stderr);
  const pending = JSON.parse(list.stdout).pending;
  assert.deepEqual(pending.map((p: any) => [p.code, p.channel, p.sender]), [[code, 'telegram', `telegram:${STRANGER}`]]);

  const approve = await runCli(['pairing', 'approve', code!.toLowerCase()], h.home.env);
  assert.equal(approve.code, 0, approve.stderr);
  assert.match(approve.stdout, new RegExp(`approved: telegram:${STRANGER}`));

  fake.push(telegramText(STRANGER, 'thanks, now: what is 2+2?'));
  assert.equal((await sentTo(fake, STRANGER, 2))[1], 'welcome aboard');
  assert.equal(h.model.requests.length, 1);
  assert.doesNotMatch(JSON.stringify(h.model.requests[0].body.messages), /can you help me/, 'messages from before approval were never kept');
  const session = h.sessions.list().find((s) => s.key === `telegram:${STRANGER}`)!;
  assert.deepEqual(h.sessions.items(session.id).map((i) => i.provenance), ['user', 'agent'], 'a paired sender is a user, never the owner');

  // Approving twice is an error that says so.
  const again = await runCli(['pairing', 'approve', code!], h.home.env);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already approved/);
});

test('an expired code does nothing', async (t) => {
  const { fake, h } = await setup(t);
  fake.push(telegramText(STRANGER, 'hi'));
  const code = codeIn((await sentTo(fake, STRANGER, 1))[0])!;
  h.store.prepare('UPDATE channel_pairings SET expires_ms = ? WHERE code = ?').run(Date.now() - 1, code);

  const approve = await runCli(['pairing', 'approve', code], h.home.env);
  assert.equal(approve.code, 1);
  assert.match(approve.stderr, /expired/);
  const deny = await runCli(['pairing', 'deny', 'NOSUCH'], h.home.env);
  assert.equal(deny.code, 1);
  assert.match(deny.stderr, /no pairing code "NOSUCH"/);

  fake.push(telegramText(STRANGER, 'am I in?'));
  const second = (await sentTo(fake, STRANGER, 2))[1];
  assert.ok(codeIn(second) && codeIn(second) !== code, 'a new code, not an answer');
  assert.equal(h.model.requests.length, 0);
  assert.equal(JSON.parse((await runCli(['pairing', 'list', '--json'], h.home.env)).stdout).approved.length, 0);
});

test('the owner approves from their own chat; a code from another channel is refused there', async (t) => {
  const { fake, h } = await setup(t, [{ text: 'hello new friend' }]);
  fake.push(telegramText(STRANGER, 'hi'));
  const code = codeIn((await sentTo(fake, STRANGER, 1))[0])!;
  await sentTo(fake, OWNER, 1);
  // A stranger cannot approve themselves: the command is just a message, and they are unknown.
  fake.push(telegramText(STRANGER + 1, `/pair approve ${code}`));
  assert.match((await sentTo(fake, STRANGER + 1, 1))[0], /pairing code is/);
  await sentTo(fake, OWNER, 2);

  const slackCode = new PairingStore(h.store).request('slack', 'slack:T/U', 'D1');
  assert.equal(slackCode.status, 'issued');
  fake.push(telegramText(OWNER, `/pair approve ${(slackCode as { code: string }).code}`));
  assert.match((await sentTo(fake, OWNER, 3))[2], /was requested on slack/);

  fake.push(telegramText(OWNER, `/pair approve ${code}`));
  assert.equal((await sentTo(fake, OWNER, 4))[3], `telegram:${STRANGER} is approved.`);
  assert.equal(h.model.requests.length, 0, 'owner commands are handled without the model');
  fake.push(telegramText(STRANGER, 'hi again'));
  assert.equal((await sentTo(fake, STRANGER, 2))[1], 'hello new friend');
});

test('at most three codes wait per channel; codes last an hour', () => {
  const db = openStore(':memory:');
  let now = 1_000_000;
  const store = new PairingStore(db, () => now);
  for (let i = 0; i < MAX_PENDING_PER_CHANNEL; i++) assert.equal(store.request('telegram', `telegram:${i}`, `${i}`).status, 'issued');
  assert.deepEqual(store.request('telegram', 'telegram:99', '99'), { status: 'full' });
  assert.equal(store.request('slack', 'slack:T/U', 'D').status, 'issued', 'the limit is per channel');
  now += PAIRING_TTL_MS;
  assert.equal(store.pending().length, 0);
  const fresh = store.request('telegram', 'telegram:99', '99');
  assert.equal(fresh.status, 'issued');
  now += PAIRING_TTL_MS + 1;
  assert.throws(() => store.approve((fresh as { code: string }).code, 'cli'), PairingError);
  assert.equal(store.isApproved('telegram', 'telegram:99'), false);
  db.close();
});
