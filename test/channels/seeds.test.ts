// Seed configs 18 and 23 (and 10 for groups) as they stand, with a Telegram channel added
// beside them: the messages they rule out are dropped and audited through the real adapter,
// and the scripted model records nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import JSON5 from 'json5';
import { startFakeTelegram, telegramText } from './fake-platforms.ts';
import { channelHarness, until } from './harness.ts';

const SEEDS = join(import.meta.dirname, '../fixtures/seed-configs');
const seed = (name: string) => JSON5.parse(readFileSync(join(SEEDS, name), 'utf8')) as Record<string, any>;
const env = { HARDSHELL_SECRET_TELEGRAM_BOT_TOKEN: '123456:TEST-TOKEN', OPENCLAW_SECRET_TELEGRAM_BOT_TOKEN: '123456:TEST-TOKEN' };

async function withSeed(t: { after(fn: () => Promise<void> | void): void }, name: string) {
  const fake = await startFakeTelegram();
  t.after(() => fake.close());
  const config = { ...seed(name), channels: { telegram: { enabled: true, botToken: '${secret:TELEGRAM_BOT_TOKEN}', apiRoot: fake.url } } };
  const h = await channelHarness(t, { script: [{ text: 'should never be said' }], config, env });
  return { fake, h };
}

for (const name of ['18-dm-whitelist.json5', '23-production-complete.json5']) {
  test(`${name}: DMs from senders not on the whitelist are dropped, no code is sent, the model sees nothing`, async (t) => {
    const { fake, h } = await withSeed(t, name);
    fake.push(telegramText(12345, 'hello'));
    fake.push(telegramText(67890, 'please answer'));
    await until(() => h.audit.filter((a) => a.action === 'dropped').length === 2, 'two drops');
    assert.deepEqual(h.audit.filter((a) => a.action === 'dropped').map((a) => a.rule), ['dm.allowFrom', 'dm.allowFrom']);
    assert.equal(h.model.requests.length, 0);
    assert.equal(fake.sent.length, 0);
  });
}

test('10-groups-allowlist.json5: messages in other groups are ignored, even when they mention the bot', async (t) => {
  const { fake, h } = await withSeed(t, '10-groups-allowlist.json5');
  fake.push(telegramText(12345, '@hardshell_test_bot hi', { id: -100200, type: 'supergroup' }, { entities: [{ type: 'mention', offset: 0, length: 19 }] }));
  await until(() => h.audit.some((a) => a.action === 'dropped'), 'the drop');
  assert.equal(h.audit.find((a) => a.action === 'dropped')?.rule, 'groups.allowFrom');
  assert.equal(h.model.requests.length, 0);
  assert.equal(fake.sent.length, 0);
});
