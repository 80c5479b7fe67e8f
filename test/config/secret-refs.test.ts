// `${secret:NAME}` is resolved at use, from the env provider's prefixed variable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasSecretRef, isSecretRef, resolveSecretRefs, secretRefNames } from '../../src/secrets/refs.ts';
import { parseConfigText } from '../../src/config/load.ts';

const config = parseConfigText('{}', 'f', {}).config;

test('recognises references', () => {
  assert.equal(isSecretRef('${secret:STRIPE_KEY}'), true);
  assert.equal(isSecretRef('Bearer ${secret:STRIPE_KEY}'), false);
  assert.equal(isSecretRef('${STRIPE_KEY}'), false);
  assert.equal(hasSecretRef('Bearer ${secret:A} and ${secret:B_2}'), true);
  assert.equal(hasSecretRef('$${secret:A}'), false);
  assert.deepEqual(secretRefNames('x ${secret:A} ${secret:B}'), ['A', 'B']);
});

test('resolves from <prefix><NAME>, with the default and a configured prefix', () => {
  assert.equal(resolveSecretRefs('Bearer ${secret:API}', config, { HARDSHELL_SECRET_API: 's3cr3t' }), 'Bearer s3cr3t');
  const openclaw = parseConfigText('{ secrets: { provider: "env", prefix: "OPENCLAW_SECRET_" } }', 'f', {}).config;
  assert.equal(resolveSecretRefs('${secret:STRIPE_KEY}', openclaw, { OPENCLAW_SECRET_STRIPE_KEY: 'sk_live' }), 'sk_live');
  assert.equal(resolveSecretRefs('no refs, $${secret:LITERAL}', config, {}), 'no refs, ${secret:LITERAL}');
});

test('a missing secret says which variable to set', () => {
  assert.throws(() => resolveSecretRefs('${secret:API}', config, {}), {
    name: 'ConfigError',
    message: /the secret "API" is not set: set the environment variable HARDSHELL_SECRET_API/,
  });
});

test('with the file provider, a missing secret says which file to write', () => {
  const file = parseConfigText('{ secrets: { provider: "file", dir: "/nonexistent-secrets" } }', 'f', {}).config;
  assert.throws(() => resolveSecretRefs('${secret:API}', file, { HARDSHELL_SECRET_API: 'x' }), /\/nonexistent-secrets\/API[\s\S]*chmod 600/);
  assert.equal(resolveSecretRefs('plain', file, {}), 'plain');
});

test('a malformed reference is refused', () => {
  assert.throws(() => resolveSecretRefs('${secret:bad-name}', config, {}), /not a valid secret reference/);
  assert.throws(() => resolveSecretRefs('${secret:OPEN', config, {}), /not a valid secret reference/);
});
