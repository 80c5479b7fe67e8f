// What the attack commands print when a secret is in their environment — run for real
// here (`env`, /proc/self/environ, `printenv | base64`, `echo $KEY | xxd -p`) — comes out of
// the redactor without the value in any form the tools produce.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redactor } from '../../src/secrets/redactor.ts';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

test('env, /proc/self/environ, printenv | base64, echo $KEY | xxd -p: nothing of the value survives', { skip: !has('base64') && 'base64 is not installed' }, () => {
  const value = `sk_live_${randomBytes(18).toString('base64url')}`;
  const commands = ['env', 'cat /proc/self/environ', 'printenv | base64', 'printenv STRIPE_KEY | base64 -w 0', 'echo "$STRIPE_KEY" | od -An -tx1 | tr -d " \\n"'];
  if (has('xxd')) commands.push('echo $STRIPE_KEY | xxd -p', 'printenv | xxd -p');
  const redactor = new Redactor([{ name: 'STRIPE_KEY', value }]);
  for (const command of commands) {
    const run = spawnSync('sh', ['-c', command], { env: { PATH: process.env.PATH, HOME: '/nonexistent', STRIPE_KEY: value, OTHER: 'x'.repeat(50) }, encoding: 'utf8' });
    assert.equal(run.status, 0, `${command}: ${run.stderr}`);
    const out = redactor.tool(run.stdout);
    assert.match(out, /\[REDACTED:STRIPE_KEY\]/, command);
    const flat = out.replace(/\s/g, '');
    for (const form of [value, Buffer.from(value).toString('hex'), Buffer.from(value).toString('base64').slice(4, 30)]) {
      assert.ok(!flat.includes(form), `${command} still shows ${form}:\n${out}`);
    }
  }
});
