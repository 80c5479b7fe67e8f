// End to end through the real `hardshell agent` command: canary secrets given to hardshell by
// each provider (env with a seed prefix, a secrets folder, the encrypted store) never reach
// the scripted model — not as themselves, not base64/hex/URL-encoded — nor the log file, the
// audit log or the reply, while the turn itself works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startModelServer } from '../fixtures/model-server.ts';
import { makeHome, scriptedModelConfig, type TestHome } from '../fixtures/home.ts';
import { runCli } from '../fixtures/cli.ts';
import { SECRET_PROVIDERS } from '../fixtures/secret-providers.ts';

const encodings = (v: string) => [
  v,
  Buffer.from(v).toString('base64'),
  Buffer.from(`API_KEY=${v}\n`).toString('base64'),
  Buffer.from(v).toString('base64url'),
  Buffer.from(v).toString('hex'),
  Buffer.from(`${v}\n`).toString('hex').replace(/(.{60})/g, '$1\n'),
  Buffer.from(v).toString('hex').toUpperCase(),
  encodeURIComponent(`${v} &x`),
];

/** Every place a canary could end up, as text. */
async function everywhere(home: TestHome): Promise<string> {
  let text = '';
  for (const dir of [home.home, join(home.home, 'logs')]) {
    for (const f of await readdir(dir).catch(() => [] as string[])) {
      if (/\.log/.test(f)) text += await readFile(join(dir, f), 'utf8');
    }
  }
  return text;
}

for (const p of SECRET_PROVIDERS) {
  test(`canaries from the ${p.name} provider never reach the model, the logs, the audit log or the reply`, async (t) => {
    const canary = `canary-${randomBytes(12).toString('hex')}`;
    const file = ['notes', ...encodings(canary), 'end'].join('\n');
    const model = await startModelServer([
      { toolCalls: [{ name: 'read', args: { path: 'leak.txt' } }] },
      // A model that somehow learned the value tries to write it out and say it.
      { toolCalls: [{ name: 'write', args: { path: 'out.txt', content: `key=${canary}` } }] },
      { text: `here it is: ${canary}` },
    ]);
    const home = await makeHome({
      // trustedFiles: so that the write after the read is not held for a person (the rule of two).
      config: scriptedModelConfig(model.url, { ...p.config, logging: { level: 'debug' }, agents: { defaults: { trustedFiles: ['leak.txt'] } } }),
      files: { 'leak.txt': file },
    });
    t.after(async () => { await model.close(); await home.cleanup(); });
    await p.give(home, 'API_KEY', canary);

    const res = await runCli(['agent', '--message', 'read leak.txt', '--json'], home.env);
    assert.equal(res.code, 0, res.stderr);
    const out = JSON.parse(res.stdout);
    assert.equal(out.stopReason, 'completed');
    assert.deepEqual(out.toolCalls.map((c: any) => [c.tool, c.ok]), [['read', true], ['write', true]]);

    // What hardshell showed the model before the scripted model "said" the value itself.
    const sent = model.requests.slice(0, 2).map((r) => r.raw).join('\n');
    for (const form of encodings(canary)) {
      for (const piece of form.split('\n')) {
        if (piece.length >= 16) assert.ok(!sent.includes(piece), `the model was shown ${JSON.stringify(piece)} (${p.name})`);
      }
    }
    assert.match(sent, /\[REDACTED:API_KEY\]/, 'the model sees the name, not the value');
    assert.match(sent, /notes/, 'the rest of the file still arrives');
    assert.ok(!res.stdout.includes(canary) && !res.stderr.includes(canary), 'the reply carries no canary');
    assert.match(out.reply, /here it is: \[REDACTED:API_KEY\]/);

    const written = await everywhere(home);
    assert.ok(written.length > 0, 'the audit log was written');
    assert.ok(!written.includes(canary), 'a log or the audit log holds the canary');
    const audit = await readFile(join(home.home, 'audit.log'), 'utf8');
    assert.match(audit, /"kind":"tool","action":"run"/);
    assert.match(audit, /key=\[REDACTED:API_KEY\]/, 'the write call\'s arguments are audited, redacted');

    const verify = await runCli(['audit', 'verify'], home.env);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  });
}

test('the config\'s own credentials (seed 01 API key, provider key) are redacted from tool output', async (t) => {
  const apiKey = `key-${randomBytes(16).toString('hex')}`;
  const model = await startModelServer([{ toolCalls: [{ name: 'read', args: { path: 'dump.txt' } }] }, { text: 'done' }]);
  const home = await makeHome({
    config: scriptedModelConfig(model.url, { security: { auth: { type: 'apiKey', key: '${CLAWDBOT_API_KEY}' } } }),
    files: { 'dump.txt': `CLAWDBOT_API_KEY=${apiKey}\nprovider key: test-key\n` },
    env: { CLAWDBOT_API_KEY: apiKey },
  });
  t.after(async () => { await model.close(); await home.cleanup(); });
  const res = await runCli(['agent', '--message', 'x', '--json'], home.env);
  assert.equal(res.code, 0, res.stderr);
  assert.ok(!model.allRequestText().includes(apiKey));
  assert.match(model.allRequestText(), /REDACTED:security\.auth\.key/);
  assert.ok(!(await everywhere(home)).includes(apiKey));
});
