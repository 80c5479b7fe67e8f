// StoreChanges: the question the gateway's in-memory copies (tokens, the session list) ask
// before every use. Two real connections to one SQLite file stand for two processes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { makeHome } from '../fixtures/home.ts';
import { openStore } from '../../src/store/db.ts';
import { oneLook, storeChanges } from '../../src/store/changes.ts';

async function twoConnections(t: { after(fn: () => Promise<void> | void): void }) {
  const home = await makeHome();
  const file = join(home.home, 'hardshell.db');
  const mine = openStore(file);
  const other = openStore(file);
  t.after(async () => {
    mine.close();
    other.close();
    await home.cleanup();
  });
  return { mine, other };
}

test('the version moves for this connection\'s writes and for commits of another', async (t) => {
  const { mine, other } = await twoConnections(t);
  const changes = storeChanges(mine);
  assert.equal(storeChanges(mine), changes, 'one watcher per connection');
  const v0 = changes.version();
  assert.equal(changes.version(), v0, 'nothing written: nothing moved');
  mine.prepare("INSERT INTO tokens (name, sha256, scopes, created_at) VALUES ('a', 'aa', '[]', 'now')").run();
  const v1 = changes.version();
  assert.notEqual(v1, v0);
  other.prepare("DELETE FROM tokens WHERE name = 'a'").run();
  assert.notEqual(changes.version(), v1);
});

test('within oneLook, another connection is looked at once; this connection\'s writes still show', async (t) => {
  const { mine, other } = await twoConnections(t);
  const changes = storeChanges(mine);
  oneLook(() => {
    const first = changes.version();
    other.prepare("INSERT INTO tokens (name, sha256, scopes, created_at) VALUES ('b', 'bb', '[]', 'now')").run();
    assert.equal(changes.version(), first, 'one look per moment');
    mine.prepare("DELETE FROM tokens WHERE name = 'b'").run();
    assert.notEqual(changes.version(), first, 'own writes are never hidden');
  });
  const after = changes.version();
  other.prepare("INSERT INTO tokens (name, sha256, scopes, created_at) VALUES ('c', 'cc', '[]', 'now')").run();
  assert.notEqual(changes.version(), after, 'outside oneLook every call looks');
  const before = changes.version();
  oneLook(() => other.prepare("DELETE FROM tokens WHERE name = 'c'").run());
  oneLook(() => assert.notEqual(changes.version(), before, 'the next moment looks again'));
});
