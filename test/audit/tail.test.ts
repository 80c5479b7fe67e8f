// `hardshell audit tail -f` prints events as they are written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { makeHome } from '../fixtures/home.ts';
import { startCli } from '../fixtures/cli.ts';
import { AuditLog } from '../../src/audit/log.ts';

test('audit tail -f follows new events, filtered by kind', async (t) => {
  const home = await makeHome({ config: {} });
  t.after(() => home.cleanup());
  const log = new AuditLog({ path: join(home.home, 'audit.log'), home: home.home });
  log.append({ kind: 'tool', action: 'before' });
  log.flush();
  const { child, done } = startCli(['audit', 'tail', '-f', '-n', '5', '--kind', 'tool', '--json'], home.env);
  t.after(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  let out = '';
  child.stdout!.on('data', (d: string) => { out += d; });
  const waitFor = async (re: RegExp) => {
    for (let i = 0; i < 100 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(out, re);
  };
  await waitFor(/"action":"before"/);
  log.append({ kind: 'auth', action: 'filtered_out' });
  log.append({ kind: 'tool', action: 'after', agentId: 'main' });
  log.close();
  await waitFor(/"action":"after"/);
  child.kill('SIGTERM');
  await done;
  assert.doesNotMatch(out, /filtered_out/);
  assert.equal(out.trim().split('\n').length, 2);
});
