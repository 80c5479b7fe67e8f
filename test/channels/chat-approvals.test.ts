// Approvals from the owner's own chat, through the real gateway wiring and a local Telegram
// Bot API server: a pending request reaches the owner's private chat with exactly what will
// run; "/approve ID" from the owner runs it; a stranger's "/approve" does nothing; "/deny"
// denies; an answer from a channel the request was not sent to is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { startFakeTelegram, telegramText, type FakeTelegram } from './fake-platforms.ts';
import { channelHarness, until } from './harness.ts';
import { ChatApprovals } from '../../src/channels/chat-approvals.ts';
import type { ChannelAdapter, InboundMessage } from '../../src/channels/types.ts';

const OWNER = 1001;
const STRANGER = 3003;
const env = { HARDSHELL_SECRET_TELEGRAM_BOT_TOKEN: '123456:TEST-TOKEN' };

async function setup(t: { after(fn: () => Promise<void> | void): void }) {
  const fake = await startFakeTelegram();
  t.after(() => fake.close());
  const h = await channelHarness(t, {
    // write is elevated, so every write asks a person.
    script: [{ toolCalls: [{ name: 'write', args: { path: 'plan.md', content: 'ship it' } }] }, { text: 'saved the plan' }],
    config: {
      tools: { elevated: ['write'] },
      channels: { telegram: { enabled: true, botToken: '${secret:TELEGRAM_BOT_TOKEN}', owner: [`telegram:${OWNER}`], apiRoot: fake.url } },
    },
    env,
    chatApprovals: true,
  });
  return { fake, h };
}

const texts = (fake: FakeTelegram, chat: number) => fake.sent.filter((m) => m.chat_id === chat).map((m) => m.text);
const idIn = (text: string) => /\/approve ([0-9a-f]{12})"/.exec(text)?.[1];

test('the owner is asked in their own chat and approves there; the call then runs', async (t) => {
  const { fake, h } = await setup(t);
  fake.push(telegramText(OWNER, 'write down the plan'));
  await until(() => texts(fake, OWNER).length >= 1, 'the approval request in the owner\'s chat');
  const [request] = texts(fake, OWNER);
  assert.match(request, /waits for your approval/);
  assert.match(request, /tool: write/);
  assert.match(request, /plan\.md/);
  const id = idIn(request);
  assert.ok(id, request);

  // A stranger who learned the id gets a pairing code, not an approval.
  fake.push(telegramText(STRANGER, `/approve ${id}`));
  await until(() => texts(fake, STRANGER).length >= 1, 'the stranger answered');
  assert.match(texts(fake, STRANGER)[0], /pairing code/);
  await assert.rejects(stat(join(h.home.workspace, 'plan.md')), 'nothing written yet');

  fake.push(telegramText(OWNER, `/approve ${id}`));
  await until(() => texts(fake, OWNER).includes('saved the plan'), 'the turn finished');
  assert.ok(texts(fake, OWNER).includes(`Approved once: ${id}.`));
  assert.equal(await readFile(join(h.home.workspace, 'plan.md'), 'utf8'), 'ship it');
  const answered = h.audit.find((r) => r.kind === 'approval' && r.action === 'approved');
  assert.equal(answered?.by, `telegram:${OWNER} (telegram)`);
  assert.ok(h.audit.some((r) => r.kind === 'approval' && r.action === 'sent_to_chat'));
});

test('"/deny ID" from the owner denies the call; nothing runs and the model is told', async (t) => {
  const { fake, h } = await setup(t);
  fake.push(telegramText(OWNER, 'write down the plan'));
  await until(() => texts(fake, OWNER).length >= 1, 'the approval request');
  const id = idIn(texts(fake, OWNER)[0])!;
  fake.push(telegramText(OWNER, `/deny ${id}`));
  await until(() => texts(fake, OWNER).includes('saved the plan'), 'the turn finished');
  assert.ok(texts(fake, OWNER).includes(`Denied: ${id}.`));
  await assert.rejects(stat(join(h.home.workspace, 'plan.md')));
  assert.match(h.model.requests[1].raw, /denied by policy/);
});

test('an answer is taken only on a channel the request was sent to, and only once', async () => {
  const answered: string[] = [];
  const owner: ChannelAdapter = { name: 'telegram', notifyOwners: async () => {} } as unknown as ChannelAdapter;
  const chat = new ChatApprovals({
    adapters: () => [owner],
    port: { answer: (id, choice) => { answered.push(`${id}:${choice}`); return { ok: true }; } },
    redact: (text) => text,
  });
  assert.deepEqual(await chat.request({ id: 'aaaaaaaaaaaa', text: 'exec: ls', expiresAt: new Date(Date.now() + 60_000) }), ['telegram']);
  const from = (channel: InboundMessage['channel']) => ({ channel, sender: `${channel}:1`, chat: 'dm', chatId: '1', account: 'a', text: '', mentionsAgent: false, attachments: [] }) as InboundMessage;
  assert.match(chat.answer(from('slack'), 'approve', 'aaaaaaaaaaaa', false), /was not sent to you on slack/);
  assert.match(chat.answer(from('telegram'), 'approve', 'bbbbbbbbbbbb', false), /no approval request bbbbbbbbbbbb/);
  assert.equal(chat.answer(from('telegram'), 'approve', 'AAAAAAAAAAAA', true), 'Approved, and always for this exact call: aaaaaaaaaaaa.');
  assert.match(chat.answer(from('telegram'), 'deny', 'aaaaaaaaaaaa', false), /no approval request/);
  assert.deepEqual(answered, ['aaaaaaaaaaaa:always']);
});
