// Slack's Events API against the real gateway: events signed with the signing secret are
// answered with chat.postMessage on a local server that speaks the Web API; a wrong
// signature, an old timestamp, a retried event and an unknown sender go nowhere near the model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startFakeSlack } from './fake-platforms.ts';
import { channelHarness, until, type Harness } from './harness.ts';
import { testConnector } from './fake-discord.ts';

const SIGNING = 'slack-signing-secret';
const env = { HARDSHELL_SECRET_SLACK_BOT: 'xoxb-test-token', HARDSHELL_SECRET_SLACK_SIGNING: SIGNING };

function signed(body: string, opts: { secret?: string; ts?: number } = {}) {
  const ts = String(opts.ts ?? Math.floor(Date.now() / 1000));
  const sig = `v0=${createHmac('sha256', opts.secret ?? SIGNING).update(`v0:${ts}:${body}`).digest('hex')}`;
  return { 'content-type': 'application/json', 'x-slack-request-timestamp': ts, 'x-slack-signature': sig };
}

async function post(h: Harness, body: string, headers: Record<string, string>) {
  const res = await fetch(`${h.gateway.url}/hooks/slack/events`, { method: 'POST', headers, body });
  return { status: res.status, body: await res.json() as any };
}

const dm = (user: string, text: string, eventId: string) => JSON.stringify({
  type: 'event_callback', team_id: 'T0TEAM', event_id: eventId,
  event: { type: 'message', channel_type: 'im', channel: `D-${user}`, user, text, ts: '1.0' },
});

async function slack(t: { after(fn: () => Promise<void> | void): void }) {
  const fake = await startFakeSlack();
  t.after(() => fake.close());
  return fake;
}

test('a signed DM from the owner is answered with chat.postMessage; the URL check is answered', async (t) => {
  const fake = await slack(t);
  const h = await channelHarness(t, {
    script: [{ text: 'hi from the agent' }],
    config: { channels: { slack: { enabled: true, botToken: '${secret:SLACK_BOT}', signingSecret: '${secret:SLACK_SIGNING}', owner: ['slack:T0TEAM/UOWNER'], apiRoot: fake.url } } },
    env,
  });
  const challenge = JSON.stringify({ type: 'url_verification', challenge: 'abc123' });
  assert.deepEqual((await post(h, challenge, signed(challenge))).body, { challenge: 'abc123' });

  const body = dm('UOWNER', 'hello agent', 'Ev1');
  assert.equal((await post(h, body, signed(body))).status, 200);
  await fake.waitForPosted(1);
  assert.deepEqual(fake.posted[0], { channel: 'D-UOWNER', text: 'hi from the agent', thread_ts: undefined, auth: 'Bearer xoxb-test-token' });
  const session = h.sessions.list().find((s) => s.key === 'slack:T0TEAM/UOWNER')!;
  assert.equal(h.sessions.items(session.id)[0].provenance, 'owner');
});

test('wrong signature, old timestamp, retried event and unknown sender: refused and audited, the model sees nothing', async (t) => {
  const fake = await slack(t);
  const h = await channelHarness(t, {
    script: [{ text: 'only once' }],
    config: {
      agents: { defaults: { dm: { policy: 'allowlist', allowFrom: ['slack:T0TEAM/UFRIEND'] } } },
      channels: { slack: { enabled: true, botToken: '${secret:SLACK_BOT}', signingSecret: '${secret:SLACK_SIGNING}', apiRoot: fake.url } },
    },
    env,
  });
  const body = dm('UFRIEND', 'hello', 'Ev1');
  assert.equal((await post(h, body, signed(body, { secret: 'wrong' }))).status, 401);
  assert.equal((await post(h, body, signed(body, { ts: Math.floor(Date.now() / 1000) - 301 }))).status, 401);
  const stranger = dm('USTRANGER', 'hello', 'Ev2');
  assert.equal((await post(h, stranger, signed(stranger))).status, 200);
  await until(() => h.audit.some((a) => a.action === 'dropped'), 'the stranger dropped');
  assert.equal(h.model.requests.length, 0);

  // The friend's event once, then Slack's retry of it: one turn.
  assert.equal((await post(h, body, signed(body))).status, 200);
  await fake.waitForPosted(1);
  await post(h, body, signed(body));
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(h.model.requests.length, 1);
  assert.equal(fake.posted.length, 1);
  assert.deepEqual(h.audit.filter((a) => a.action === 'channel_request_refused').map((a) => a.reason), ['bad_signature', 'stale', 'replay']);
  assert.equal(h.audit.find((a) => a.action === 'dropped')?.sender, 'slack:T0TEAM/USTRANGER');
});

test('Socket Mode: envelopes are acknowledged, answered once, and strangers dropped', async (t) => {
  const fake = await slack(t);
  const h = await channelHarness(t, {
    script: [{ text: 'socket answer' }],
    config: {
      agents: { defaults: { dm: { policy: 'allowlist', allowFrom: ['slack:T0TEAM/UFRIEND'] } } },
      channels: { slack: { enabled: true, mode: 'socket', botToken: '${secret:SLACK_BOT}', appToken: '${secret:SLACK_APP}', apiRoot: fake.url } },
    },
    env: { ...env, HARDSHELL_SECRET_SLACK_APP: 'xapp-test-token' },
    connect: testConnector,
  });
  await until(() => fake.sockets() === 1, 'the socket connected');
  // No Events API endpoint in Socket Mode.
  assert.equal((await fetch(`${h.gateway.url}/hooks/slack/events`, { method: 'POST', body: '{}' })).status, 401);

  fake.envelope('e1', JSON.parse(dm('USTRANGER', 'let me in', 'Ev1')));
  fake.envelope('e2', JSON.parse(dm('UFRIEND', 'hello over the socket', 'Ev2')));
  fake.envelope('e3', JSON.parse(dm('UFRIEND', 'hello over the socket', 'Ev2')));
  await fake.waitForPosted(1);
  await until(() => fake.acks.length === 3, 'three acks');
  assert.deepEqual(fake.acks, ['e1', 'e2', 'e3']);
  assert.deepEqual(fake.posted.map((p) => [p.channel, p.text]), [['D-UFRIEND', 'socket answer']]);
  assert.equal(h.model.requests.length, 1);
  assert.equal(h.audit.find((a) => a.action === 'dropped')?.sender, 'slack:T0TEAM/USTRANGER');
  assert.ok(h.audit.some((a) => a.reason === 'replay'));
});

test('Socket Mode without a connector from egress is refused with the reason', async (t) => {
  const fake = await slack(t);
  await assert.rejects(channelHarness(t, {
    config: { channels: { slack: { enabled: true, mode: 'socket', botToken: '${secret:SLACK_BOT}', appToken: '${secret:SLACK_APP}', apiRoot: fake.url } } },
    env: { ...env, HARDSHELL_SECRET_SLACK_APP: 'xapp-test-token' },
  }), /channels\.slack\.mode is "socket", but this hardshell cannot open/);
});
