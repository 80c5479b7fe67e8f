// safe-fs on its own: resolving, windowed and whole reads, atomic writes, walking.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, readFile, mkdir, symlink, link, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import {
  resolveInside, readText, readWhole, writeTextAtomic, walk, FsError, type WalkEntry,
} from '../../src/safe-fs/index.ts';
import { makePlace } from '../tools/fixture.ts';

async function refusal(promise: Promise<unknown>): Promise<FsError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof FsError, `expected an FsError, got ${err}`);
    return err;
  }
  assert.fail('expected a refusal');
}

test('resolveInside maps paths into the workspace and names what is missing', async (t) => {
  const place = await makePlace({ 'a/b.txt': 'x' });
  t.after(() => place.cleanup());
  const ws = place.workspace;
  assert.deepEqual(await resolveInside(ws, '.', 'read'), { root: ws, rel: '.', real: ws, existing: ws, missing: [] });
  assert.equal((await resolveInside(ws, 'a/./b.txt', 'read')).real, join(ws, 'a/b.txt'));
  assert.equal((await resolveInside(ws, join(ws, 'a/b.txt'), 'read')).rel, 'a/b.txt');
  assert.equal((await resolveInside(ws, 'a/x/../b.txt', 'read')).rel, 'a/b.txt', 'lexical .. inside is fine');
  const missing = await resolveInside(ws, 'a/new/deeper/file.txt', 'write');
  assert.deepEqual([missing.real, missing.existing, missing.missing], [null, join(ws, 'a'), ['new', 'deeper', 'file.txt']]);
  assert.equal((await refusal(resolveInside(ws, '../x', 'read'))).message, 'read refused: "../x" is outside the workspace');
  assert.equal((await refusal(resolveInside(ws, '', 'read'))).message, 'read failed: "" is not a path (it is empty)');
  assert.equal((await refusal(resolveInside(ws, 'a/b.txt/c', 'read'))).message, 'read failed: "a/b.txt/c" has a part that is a file, not a folder');
});

test('a workspace given through a symlink still confines, and accepts absolute paths in either spelling', async (t) => {
  const place = await makePlace({ 'f.txt': 'hello\n' });
  t.after(() => place.cleanup());
  const alias = join(place.base, 'alias');
  await symlink(place.workspace, alias);
  assert.equal((await readText(alias, join(alias, 'f.txt'))).text, 'hello\n');
  assert.equal((await readText(alias, join(place.workspace, 'f.txt'))).text, 'hello\n');
  assert.match((await refusal(readText(alias, join(alias, '../outside/secret.txt')))).message, /is outside the workspace/);
});

test('readText windows by lines and bytes without splitting a character', async (t) => {
  const place = await makePlace({ 'u.txt': 'ééé\nline2\nline3', 'one.txt': 'no newline' });
  t.after(() => place.cleanup());
  const ws = place.workspace;
  const cut = await readText(ws, 'u.txt', { maxBytes: 3 });
  assert.deepEqual([cut.text, cut.lineCut, cut.more, cut.endLine], ['é', true, true, 1]);
  const mid = await readText(ws, 'u.txt', { offset: 2, limit: 1 });
  assert.deepEqual([mid.text, mid.startLine, mid.endLine, mid.totalLines, mid.more], ['line2\n', 2, 2, 3, true]);
  const end = await readText(ws, 'u.txt', { offset: 3 });
  assert.deepEqual([end.text, end.more], ['line3', false]);
  assert.equal((await readText(ws, 'one.txt')).totalLines, 1);
});

test('a file too big to count is read in a window, not whole', async (t) => {
  const place = await makePlace();
  t.after(() => place.cleanup());
  await writeFile(join(place.workspace, 'huge.log'), 'y'.repeat(79) + '\n'.repeat(1) + ('z'.repeat(79) + '\n').repeat(120_000)); // ~9.6 MB
  const w = await readText(place.workspace, 'huge.log', { limit: 2 });
  assert.equal(w.text, `${'y'.repeat(79)}\n${'z'.repeat(79)}\n`);
  assert.equal(w.totalLines, null);
  assert.equal(w.more, true);
  const later = await readText(place.workspace, 'huge.log', { offset: 120_001 });
  assert.equal(later.text, `${'z'.repeat(79)}\n`);
  assert.equal(later.more, false);
});

test('readWhole refuses files over its limit and bytes that are not UTF-8', async (t) => {
  const place = await makePlace({ 'bom.txt': '\uFEFFhello' });
  t.after(() => place.cleanup());
  await writeFile(join(place.workspace, 'latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9]));
  assert.equal((await refusal(readWhole(place.workspace, 'bom.txt', 3, 'edit'))).message, 'edit failed: "bom.txt" is 8 bytes, more than the 3 bytes edit limit');
  assert.match((await refusal(readWhole(place.workspace, 'latin1.txt', 1000, 'edit'))).message, /is not valid UTF-8 text/);
  const bom = await readWhole(place.workspace, 'bom.txt', 1000, 'edit');
  assert.equal(bom.text, '\uFEFFhello', 'the byte order mark survives a read-modify-write');
});

test('writeTextAtomic refuses folders, files in the way, hard links and sockets', async (t) => {
  const place = await makePlace({ 'dir/x.txt': 'x', 'file.txt': 'f' });
  t.after(() => place.cleanup());
  const ws = place.workspace;
  assert.equal((await refusal(writeTextAtomic(ws, 'dir', 'x'))).message, 'write failed: "dir" is a folder, not a file');
  assert.equal((await refusal(writeTextAtomic(ws, '.', 'x'))).message, 'write failed: "." is the workspace folder itself, not a file');
  assert.match((await refusal(writeTextAtomic(ws, 'file.txt/inner.txt', 'x'))).message, /has a part that is a file, not a folder/);
  await link(join(ws, 'file.txt'), join(ws, 'twin.txt'));
  assert.match((await refusal(writeTextAtomic(ws, 'twin.txt', 'x'))).message, /^write refused: "twin.txt" has 2 hard links/);
  assert.match((await refusal(writeTextAtomic(ws, 'small.txt', 'x'.repeat(11), { maxBytes: 10 }))).message, /11 bytes, more than the 10 bytes limit/);
  const server = createServer();
  await new Promise<void>((done) => server.listen(join(ws, 'sock'), done));
  t.after(() => new Promise<void>((done) => server.close(() => done())));
  assert.equal((await refusal(writeTextAtomic(ws, 'sock', 'x'))).message, 'write refused: "sock" is not a regular file (it is a socket)');
  assert.equal((await refusal(readText(ws, 'sock'))).message, 'read refused: "sock" is not a regular file (it is a socket)');
  assert.deepEqual((await readdir(ws)).sort(), ['dir', 'file.txt', 'sock', 'twin.txt'], 'nothing created, no temp files');
  assert.equal(await readFile(join(ws, 'file.txt'), 'utf8'), 'f');
});

test('writeTextAtomic reports whether it created the file', async (t) => {
  const place = await makePlace();
  t.after(() => place.cleanup());
  assert.deepEqual(await writeTextAtomic(place.workspace, 'n/new.txt', 'héllo'), { path: 'n/new.txt', bytes: 6, created: true });
  assert.deepEqual(await writeTextAtomic(place.workspace, 'n/new.txt', 'again'), { path: 'n/new.txt', bytes: 5, created: false });
});

test('walk goes depth first in name order, never into symlinked folders, within its caps', async (t) => {
  const place = await makePlace({ 'b/2.txt': '', 'b/1.txt': '', 'a.txt': '', '.git/HEAD': '', 'node_modules/m.js': '' });
  t.after(() => place.cleanup());
  const ws = place.workspace;
  await symlink(place.outside, join(ws, 'out'));
  await symlink('b', join(ws, 'b-link'));
  const seen: string[] = [];
  const all = await walk(ws, '.', (e: WalkEntry) => { seen.push(`${e.kind} ${e.path}`); });
  assert.deepEqual(seen, ['file a.txt', 'dir b', 'file b/1.txt', 'file b/2.txt', 'symlink b-link', 'symlink out']);
  assert.deepEqual(all, { visited: 6, stopped: null });
  const capped = await walk(ws, '.', () => {}, { maxEntries: 3 });
  assert.deepEqual(capped, { visited: 3, stopped: 'entries' });
  const mine = await walk(ws, '.', () => {}, { skipDirs: [] });
  assert.equal(mine.visited, 10);
  const one: string[] = [];
  await walk(ws, 'b/1.txt', (e: WalkEntry) => { one.push(`${e.path} ${e.sub}`); });
  assert.deepEqual(one, ['b/1.txt 1.txt']);
  assert.match((await refusal(walk(ws, 'out', () => {}))).message, /^find refused: "out" leads outside the workspace through a symbolic link$/);
  await rm(join(ws, 'out'));
});
