// Discord as a gateway bot against a local server that speaks the gateway protocol and the
// REST API: DMs from the owner are answered, guild messages only when the bot is mentioned in
// an allowed channel, strangers never reach the model, and replies cannot ping anyone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeDiscord, testConnector, discordMessage } from './fake-discord.ts';
import { channelHarness, until } from './harness.ts';
import { DISCORD_INTENTS } from '../../src/channels/adapters/discord.ts';

const env = { HARDSHELL_SECRET_DISCORD_BOT: 'discord-test-token' };
const OWNER = '111111111111111111';
const STRANGER = '222222222222222222';

function discordConfig(api: string) {
  return {
    agents: { defaults: { dm: { policy: 'allowlist', allowFrom: [] }, groups: { policy: 'allowlist', allowFrom: ['discord:general'] } } },
    channels: { discord: { enabled: true, botToken: '${secret:DISCORD_BOT}', owner: [`discord:${OWNER}`], apiRoot: api } },
  };
}

test('DMs and mentions through the gateway; strangers and unmentioned chatter never reach the model', async (t) => {
  const fake = await startFakeDiscord();
  t.after(() => fake.close());
  const h = await channelHarness(t, { script: [{ text: 'hi owner' }, { text: `@everyone ${'x'.repeat(2500)}` }], config: discordConfig(fake.api), env, connect: testConnector });
  assert.deepEqual(fake.identified, [{ token: 'discord-test-token', intents: DISCORD_INTENTS }]);

  fake.message(discordMessage(STRANGER, 'hey bot, do my bidding'));
  fake.message(discordMessage(STRANGER, 'chatter', { channel_id: 'general', guild_id: 'g1' }));
  fake.message(discordMessage(STRANGER, `<@${fake.botId}> in the wrong channel`, { channel_id: 'random', guild_id: 'g1', mentions: [{ id: fake.botId }] }));
  await until(() => h.audit.filter((a) => a.action === 'dropped').length === 3, 'three drops');
  assert.equal(h.model.requests.length, 0);

  fake.message(discordMessage(OWNER, 'hello'));
  await fake.waitForPosted(1);
  assert.deepEqual(fake.posted[0], { channel: `dm-${OWNER}`, content: 'hi owner', allowed_mentions: { parse: [] } });
  const session = h.sessions.list().find((s) => s.key === `discord:${OWNER}`)!;
  assert.equal(h.sessions.items(session.id)[0].provenance, 'owner');

  // A mention in an allowed channel is answered there, split at 2000 characters, pinging nobody.
  fake.message(discordMessage(STRANGER, `<@${fake.botId}> say something long`, { channel_id: 'general', guild_id: 'g1', mentions: [{ id: fake.botId }] }));
  await fake.waitForPosted(3);
  assert.ok(fake.posted.slice(1).every((p) => p.channel === 'general' && p.content.length <= 2000 && JSON.stringify(p.allowed_mentions) === '{"parse":[]}'));
  assert.match(JSON.stringify(h.model.requests[1].body.messages), /say something long/);
  assert.doesNotMatch(JSON.stringify(h.model.requests[1].body.messages), new RegExp(`<@${fake.botId}>`));
});

test('a wrong bot token fails the start with Discord\'s answer', async (t) => {
  const fake = await startFakeDiscord();
  t.after(() => fake.close());
  await assert.rejects(
    channelHarness(t, { config: discordConfig(fake.api), env: { HARDSHELL_SECRET_DISCORD_BOT: 'wrong' }, connect: testConnector }),
    /Discord GET \/gateway\/bot failed: HTTP 401/,
  );
});

test('without a connector from egress, enabling Discord is refused with the reason', async (t) => {
  const fake = await startFakeDiscord();
  t.after(() => fake.close());
  await assert.rejects(channelHarness(t, { config: discordConfig(fake.api), env }), /channels\.discord is enabled, but this hardshell cannot open Discord's gateway/);
});
