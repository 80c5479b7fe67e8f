// Grants: tools.exec.secrets decides which secret an exec command may have, as an env var,
// and narrows its egress to the secret's domains; each use is audited.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from '../../src/config/load.ts';
import { grantsFor, narrowDomains, referencedNames } from '../../src/secrets/grants.ts';
import type { AuditRecord } from '../../src/audit/types.ts';

const config = parseConfigText(JSON.stringify({
  secrets: { provider: 'env', prefix: 'OPENCLAW_SECRET_' },
  tools: { exec: { secrets: { STRIPE_KEY: { allowedDomains: ['api.stripe.com'] }, GH: { allowedDomains: ['api.github.com', 'api.stripe.com'] }, UNSET: { allowedDomains: ['x.example'] } } } },
}), 'f', {}).config;
const env = { OPENCLAW_SECRET_STRIPE_KEY: 'sk_test_granted_value', OPENCLAW_SECRET_GH: 'gh-granted', OPENCLAW_SECRET_OTHER: 'not-granted' };

test('the config key parses with its default', () => {
  assert.deepEqual(parseConfigText('{}', 'f', {}).config.tools.exec.secrets, {});
  assert.deepEqual(config.tools.exec.secrets.STRIPE_KEY, { allowedDomains: ['api.stripe.com'] });
  assert.throws(() => parseConfigText('{ tools: { exec: { secrets: { "bad-name": {} } } } }', 'f', {}), /tools\.exec\.secrets\.bad-name/);
});

test('names a command refers to', () => {
  assert.deepEqual(referencedNames('curl -H "Authorization: Bearer $STRIPE_KEY" https://api.stripe.com/v1/charges'), ['STRIPE_KEY']);
  assert.deepEqual(referencedNames('echo ${GH} ${STRIPE_KEY:-none} $HOME'), ['GH', 'STRIPE_KEY', 'HOME']);
  assert.deepEqual(referencedNames('ls -la'), []);
});

test('a granted secret the command names is set in its env, and egress narrows to its domains', () => {
  const audit: AuditRecord[] = [];
  const g = grantsFor('curl -u "$STRIPE_KEY:" https://api.stripe.com/v1/charges', { config, env, home: '/nonexistent', audit: (r) => audit.push(r), agentId: 'main', callId: 'c1' });
  assert.deepEqual(g.env, { STRIPE_KEY: 'sk_test_granted_value' });
  assert.deepEqual(g.names, ['STRIPE_KEY']);
  assert.deepEqual(g.allowedDomains, ['api.stripe.com']);
  assert.deepEqual(narrowDomains(['pastebin.com', 'api.stripe.com'], g), ['api.stripe.com']);
  assert.equal(audit.length, 1);
  assert.deepEqual({ ...audit[0] }, { kind: 'sandbox', action: 'secret_grant', agentId: 'main', sessionId: undefined, callId: 'c1', tool: 'exec', granted: ['STRIPE_KEY'], refused: [], missing: [], allowedDomains: ['api.stripe.com'] });
  assert.ok(!JSON.stringify(audit).includes('sk_test_granted_value'), 'the audit event names the secret, never its value');
});

test('two secrets: only the domains both allow', () => {
  const g = grantsFor('echo $STRIPE_KEY $GH', { config, env, home: '/nonexistent' });
  assert.deepEqual(g.names, ['STRIPE_KEY', 'GH']);
  assert.deepEqual(g.allowedDomains, ['api.stripe.com']);
});

test('not granted, not named, or not set: nothing is handed over', () => {
  const refused = grantsFor('echo $OTHER $HOME', { config, env, home: '/nonexistent' });
  assert.deepEqual(refused.env, {});
  assert.deepEqual(refused.refused, ['OTHER'], 'a configured secret that is not granted is reported');
  assert.equal(refused.allowedDomains, null, 'egress stays as the sandbox has it');
  assert.deepEqual(narrowDomains([], refused), []);
  const none = grantsFor('ls', { config, env, home: '/nonexistent' });
  assert.deepEqual(none.env, {});
  const unset = grantsFor('echo $UNSET', { config, env, home: '/nonexistent' });
  assert.deepEqual(unset.env, {});
  assert.match(unset.missing[0].reason, /OPENCLAW_SECRET_UNSET/);
});
