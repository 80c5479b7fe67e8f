// A turn groups a completed item with the records that belong to it (Sessions.together):
// they commit together or not at all, in a real SQLite file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/db.ts';
import { Sessions } from '../../src/sessions/store.ts';
import { MemoryLedger } from '../../src/sessions/memory.ts';

async function store(t: { after(fn: () => Promise<void>): void }) {
  const dir = await mkdtemp(join(tmpdir(), 'hardshell-store-'));
  const db = openStore(join(dir, 'hardshell.db'));
  t.after(async () => { db.close(); await rm(dir, { recursive: true, force: true }); });
  return { db, sessions: new Sessions(db), memory: new MemoryLedger(db), file: join(dir, 'hardshell.db') };
}

test('together(): an item and the fingerprint that belongs to it commit as one', async (t) => {
  const { sessions, memory, file } = await store(t);
  const session = sessions.open('main', 'k');
  sessions.together(() => {
    memory.wroteFile('/ws', 'a.txt', 'f'.repeat(64));
    sessions.append(session.id, 'tool', 'tool', { role: 'tool', content: 'wrote a.txt' });
    sessions.append(session.id, 'assistant', 'agent', { role: 'assistant', content: 'done' });
  });
  // Seen from another connection: committed, in order.
  const other = openStore(file);
  try {
    assert.deepEqual(new Sessions(other).items(session.id).map((i) => i.seq), [1, 2]);
    assert.equal(new MemoryLedger(other).writtenHash('/ws', 'a.txt'), 'f'.repeat(64));
  } finally {
    other.close();
  }
});

test('together(): a failure leaves none of the group, and the store takes the next item', async (t) => {
  const { sessions, memory } = await store(t);
  const session = sessions.open('main', 'k');
  sessions.append(session.id, 'user', 'owner', { role: 'user', content: 'hi' });
  assert.throws(() => sessions.together(() => {
    memory.wroteFile('/ws', 'a.txt', 'f'.repeat(64));
    sessions.append(session.id, 'tool', 'tool', { role: 'tool', content: 'half' });
    throw new Error('killed here');
  }), /killed here/);
  assert.deepEqual(sessions.items(session.id).map((i) => i.role), ['user']);
  assert.equal(memory.writtenHash('/ws', 'a.txt'), null);
  assert.equal(sessions.append(session.id, 'assistant', 'agent', { role: 'assistant', content: 'next' }), 2);
});
