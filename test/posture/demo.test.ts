// `hardshell demo` end to end: every scripted attack is stopped or contained, judged from
// what really happened; no planted secret reaches the model; the audit log verifies; and the
// demo leaves nothing behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { runCli } from '../fixtures/cli.ts';
import { makeHome } from '../fixtures/home.ts';

test('hardshell demo: every attack is stopped, nothing leaks, the audit log verifies, nothing is left behind', async (t) => {
  const home = await makeHome();
  t.after(() => home.cleanup());
  const before = new Set((await readdir(tmpdir())).filter((n) => n.startsWith('hardshell-demo-')));
  const res = await runCli(['demo', '--json'], home.env);
  assert.equal(res.code, 0, res.stderr + res.stdout);
  const r = JSON.parse(res.stdout);
  for (const a of r.attacks) assert.ok(a.stopped, `not stopped: ${a.title}: ${JSON.stringify(a.outcome)}`);
  assert.ok(r.attacks.length >= 9);
  assert.equal(r.loop.stopped, true);
  assert.equal(r.leaked, 0);
  assert.equal(r.audit.ok, true);
  assert.ok(r.audit.events > 10);
  const after = (await readdir(tmpdir())).filter((n) => n.startsWith('hardshell-demo-') && !before.has(n));
  assert.deepEqual(after, [], 'the demo removed its state folder');
  // The user's own state folder was never touched.
  assert.deepEqual(await readdir(home.home), ['workspace']);
});

test('hardshell demo prints each attack with what stopped it', async (t) => {
  const home = await makeHome();
  t.after(() => home.cleanup());
  const res = await runCli(['demo'], home.env);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /1\. Read your SSH key from outside the workspace\n.*\n\s+STOPPED: refused — read refused: "\.\.\/\.\.\/\.ssh\/id_rsa" is outside the workspace/);
  assert.match(res.stdout, /STOPPED: allowed, but the key was removed before the model saw it: STRIPE_KEY=\[REDACTED:STRIPE_KEY\]/);
  assert.match(res.stdout, /All \d+ attacks were stopped or contained/);
  assert.doesNotMatch(res.stdout, /NOT STOPPED/);
});
