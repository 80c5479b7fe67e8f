// Who may talk: the access policy over every combination that matters, and the seed configs
// 09, 10, 18 and 23 loaded as they stand and taking their effect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.ts';
import { effectiveAgent } from '../../src/config/agents.ts';
import { decideAccess, type AccessDecision } from '../../src/channels/access.ts';
import { e164, normaliseId } from '../../src/channels/identity.ts';
import type { InboundMessage } from '../../src/channels/types.ts';

const SEEDS = join(import.meta.dirname, '../fixtures/seed-configs');

function seedAgent(name: string) {
  const { config } = loadConfig({ file: join(SEEDS, name), home: '/nonexistent/.hardshell', env: { HOME: '/home/tester' } });
  return effectiveAgent(config, 'main', '/nonexistent/.hardshell');
}

function msg(over: Partial<InboundMessage> = {}): InboundMessage {
  return { channel: 'telegram', account: 'bot', sender: 'telegram:111', chat: 'dm', chatId: '111', text: 'hi', mentionsAgent: true, attachments: [], ...over };
}

const decide = (agent: Parameters<typeof decideAccess>[0]['agent'], message: InboundMessage, owners: string[] = [], approved = false): AccessDecision =>
  decideAccess({ message, agent, owners, approved });

test('defaults: DMs pair unknown senders, the owner is owner, groups are off', () => {
  const agent = { dm: undefined, groups: undefined };
  assert.equal(decide(agent, msg()).action, 'pair');
  assert.deepEqual(decide(agent, msg(), ['telegram:111']), { action: 'accept', provenance: 'owner', rule: 'channels.telegram.owner' });
  assert.deepEqual(decide(agent, msg(), [], true), { action: 'accept', provenance: 'user', rule: 'pairing' });
  const group = decide(agent, msg({ chat: 'group', chatId: '-100' }), ['telegram:111']);
  assert.equal(group.action, 'drop');
});

test('an approved or allowlisted sender is a user, never the owner', () => {
  const agent = { dm: { policy: 'pairing' as const, allowFrom: ['telegram:222'] } };
  assert.deepEqual(decide(agent, msg({ sender: 'telegram:222' })), { action: 'accept', provenance: 'user', rule: 'dm.allowFrom' });
  const approved = decide(agent, msg(), [], true);
  assert.equal(approved.action === 'accept' && approved.provenance, 'user');
});

test('open accepts anyone as a user; disabled drops everyone, the owner too', () => {
  assert.deepEqual(decide({ dm: { policy: 'open' } }, msg()), { action: 'accept', provenance: 'user', rule: 'dm.policy = "open"' });
  assert.equal(decide({ dm: { policy: 'disabled' } }, msg(), ['telegram:111']).action, 'drop');
});

test('usernames and display names never match: only the platform id does', () => {
  const agent = { dm: { policy: 'allowlist' as const, allowFrom: ['telegram:111'] } };
  assert.equal(decide(agent, msg({ sender: 'telegram:@alice' })).action, 'drop');
  assert.equal(decide(agent, msg({ sender: 'telegram:1111' })).action, 'drop');
  assert.equal(decide(agent, msg({ sender: 'TELEGRAM:111' })).action, 'accept');
  // Slack ids are case-sensitive after the prefix.
  const slack = { dm: { policy: 'allowlist' as const, allowFrom: ['slack:T1/U1'] } };
  assert.equal(decide(slack, msg({ channel: 'slack', sender: 'slack:T1/U1' })).action, 'accept');
  assert.equal(decide(slack, msg({ channel: 'slack', sender: 'slack:T1/u1' })).action, 'drop');
  assert.equal(decide(slack, msg({ channel: 'slack', sender: 'slack:T2/U1' })).action, 'drop');
});

test('groups: allowlisted group, mention required by default, owner keeps owner provenance', () => {
  const agent = { groups: { policy: 'allowlist' as const, allowFrom: ['telegram:-100'] } };
  assert.deepEqual(decide(agent, msg({ chat: 'group', chatId: '-100' })), { action: 'accept', provenance: 'user', rule: 'groups.allowFrom' });
  assert.equal(decide(agent, msg({ chat: 'group', chatId: '-100' }), ['telegram:111']).action === 'accept', true);
  assert.equal((decide(agent, msg({ chat: 'group', chatId: '-100' }), ['telegram:111']) as any).provenance, 'owner');
  const unmentioned = decide(agent, msg({ chat: 'group', chatId: '-100', mentionsAgent: false }));
  assert.equal(unmentioned.action, 'drop');
  assert.equal((unmentioned as any).rule, 'groups.requireMention');
  assert.equal(decide({ groups: { ...agent.groups, requireMention: false } }, msg({ chat: 'group', chatId: '-100', mentionsAgent: false })).action, 'accept');
  assert.equal(decide(agent, msg({ chat: 'group', chatId: '-200' })).action, 'drop');
  // The same id on another platform is another group.
  assert.equal(decide(agent, msg({ channel: 'slack', chat: 'group', chatId: '-100' })).action, 'drop');
});

test('phone numbers compare in E.164', () => {
  assert.equal(e164('+1 (555) 123-4567'), '+15551234567');
  assert.equal(e164('555-1234'), undefined);
  assert.equal(normaliseId('+1 555 123 4567'), '+15551234567');
});

test('seed 09: only the listed phone numbers may talk; everyone else is dropped', () => {
  const agent = seedAgent('09-users-allowlist.json5');
  assert.equal(agent.dm?.policy, 'allowlist');
  assert.equal(decide(agent, msg({ channel: 'webhook', sender: '+15551234567' })).action, 'accept');
  assert.equal(decide(agent, msg({ channel: 'webhook', sender: '+15559876543' })).action, 'accept');
  assert.equal(decide(agent, msg({ channel: 'webhook', sender: '+15550000000' })).action, 'drop');
  assert.equal(decide(agent, msg({ sender: 'telegram:111' })).action, 'drop');
});

test('seed 10: the agent answers only in the listed group', () => {
  const agent = seedAgent('10-groups-allowlist.json5');
  const [group] = agent.groups!.allowFrom!;
  assert.equal(decide(agent, msg({ chat: 'group', chatId: group })).action, 'accept');
  assert.equal(decide(agent, msg({ chat: 'group', chatId: 'another-group' })).action, 'drop');
});

test('seed 18: DMs only from telegram:your_user_id', () => {
  const agent = seedAgent('18-dm-whitelist.json5');
  assert.deepEqual(decide(agent, msg({ sender: 'telegram:your_user_id' })), { action: 'accept', provenance: 'user', rule: 'dm.allowFrom' });
  const other = decide(agent, msg({ sender: 'telegram:999' }));
  assert.equal(other.action, 'drop');
  assert.match((other as any).reason, /not in dm\.allowFrom/);
});

test('seed 23: an empty DM whitelist means nobody may DM (no pairing either)', () => {
  const agent = seedAgent('23-production-complete.json5');
  for (const sender of ['telegram:1', 'slack:T/U', 'webhook:ci', '+15551234567']) {
    assert.equal(decide(agent, msg({ sender })).action, 'drop', sender);
  }
});
