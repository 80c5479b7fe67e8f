// The five file tools doing their ordinary work, through runTool as the agent calls them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat, writeFile, readdir, chmod, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { fileTools } from '../../src/tools/files.ts';
import { makePlace } from './fixture.ts';

test('the file tools carry OpenClaw names, strict schemas and side-effect flags', () => {
  assert.deepEqual(fileTools.map((t) => [t.name, t.sideEffect]), [['read', false], ['write', true], ['edit', true], ['grep', false], ['find', false]]);
  const schema = (name: string) => z.toJSONSchema(fileTools.find((t) => t.name === name)!.input) as any;
  assert.deepEqual(Object.keys(schema('read').properties), ['path', 'offset', 'limit']);
  assert.deepEqual(schema('read').required, ['path']);
  assert.deepEqual(schema('write').required, ['path', 'content']);
  assert.deepEqual(schema('edit').required, ['path', 'oldText', 'newText']);
  assert.deepEqual(Object.keys(schema('grep').properties), ['pattern', 'path', 'glob', 'ignoreCase', 'literal', 'context', 'limit']);
  assert.deepEqual(Object.keys(schema('find').properties), ['pattern', 'path', 'limit']);
  for (const t of fileTools) assert.equal(schema(t.name).additionalProperties, false, `${t.name} is strict`);
});

test('read returns the text, windows by line, and says how to continue', async (t) => {
  const lines = Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
  const place = await makePlace({ 'notes.txt': 'hello\nworld\n', 'ten.txt': lines, 'empty.txt': '' });
  t.after(() => place.cleanup());
  assert.deepEqual(await place.call('read', { path: 'notes.txt' }), { ok: true, output: 'hello\nworld\n', source: 'file:notes.txt' });
  const part = await place.call('read', { path: 'ten.txt', offset: 3, limit: 2 });
  assert.equal(part.output, 'line 3\nline 4\n\n[showing lines 3-4 of 10; use offset=5 to continue]');
  assert.equal((await place.call('read', { path: 'ten.txt', offset: 9 })).output, 'line 9\nline 10\n');
  assert.match((await place.call('read', { path: 'ten.txt', offset: 11 })).output, /has 10 lines; offset 11 is past its end/);
  assert.equal((await place.call('read', { path: 'empty.txt' })).output, '[the file is empty]');
  assert.equal((await place.call('read', { path: join(place.workspace, 'notes.txt') })).output, 'hello\nworld\n', 'absolute path inside');
  assert.equal((await place.call('read', { file_path: 'notes.txt' })).output, 'hello\nworld\n', 'file_path alias');
  const missing = await place.call('read', { path: 'nope.txt' });
  assert.deepEqual(missing, { ok: false, output: 'read failed: "nope.txt" does not exist' });
  const folder = await place.call('read', { path: '.' });
  assert.equal(folder.ok, false);
  assert.match(folder.output, /is a folder/);
});

test('read of a big file stays within its output cap and points at the next offset', async (t) => {
  const line = 'x'.repeat(99) + '\n';
  const place = await makePlace({ 'big.txt': line.repeat(30_000) }); // ~3 MB
  t.after(() => place.cleanup());
  const first = await place.call('read', { path: 'big.txt' });
  assert.ok(first.ok);
  assert.ok(first.output.length < 64 * 1024);
  assert.match(first.output, /\[showing lines 1-512 of 30000; use offset=513 to continue\]$/);
  const later = await place.call('read', { path: 'big.txt', offset: 29_999 });
  assert.equal(later.output, line + line);
});

test('read refuses binary files', async (t) => {
  const place = await makePlace();
  t.after(() => place.cleanup());
  await writeFile(join(place.workspace, 'blob.bin'), Buffer.from([1, 2, 0, 3]));
  const r = await place.call('read', { path: 'blob.bin' });
  assert.equal(r.ok, false);
  assert.match(r.output, /binary/);
});

test('write creates folders and files atomically with plain modes, and replaces keeping the mode', async (t) => {
  const place = await makePlace({ 'script.sh': 'echo old\n' });
  t.after(() => place.cleanup());
  await chmod(join(place.workspace, 'script.sh'), 0o750);
  const created = await place.call('write', { path: 'out/deep/summary.md', content: '# Summary\n' });
  assert.deepEqual(created, { ok: true, output: 'Created out/deep/summary.md (10 bytes)' });
  assert.equal(await readFile(join(place.workspace, 'out/deep/summary.md'), 'utf8'), '# Summary\n');
  assert.equal((await stat(join(place.workspace, 'out/deep/summary.md'))).mode & 0o777, 0o644);
  assert.equal((await stat(join(place.workspace, 'out/deep'))).mode & 0o777, 0o755 & ~process.umask());
  const replaced = await place.call('write', { file_path: 'script.sh', content: 'echo new\n' });
  assert.deepEqual(replaced, { ok: true, output: 'Wrote script.sh (9 bytes)' });
  assert.equal((await stat(join(place.workspace, 'script.sh'))).mode & 0o777, 0o750);
  assert.deepEqual((await readdir(place.workspace)).sort(), ['out', 'script.sh'], 'no temp files left');
});

test('write through a symlink that stays inside the workspace writes its target', async (t) => {
  const place = await makePlace({ 'real.txt': 'old\n' });
  t.after(() => place.cleanup());
  await symlink('real.txt', join(place.workspace, 'alias.txt'));
  const r = await place.call('write', { path: 'alias.txt', content: 'new\n' });
  assert.ok(r.ok, r.output);
  assert.equal(await readFile(join(place.workspace, 'real.txt'), 'utf8'), 'new\n');
  assert.equal((await place.call('read', { path: 'alias.txt' })).output, 'new\n');
});

test('edit replaces exactly one occurrence and explains when it cannot', async (t) => {
  const place = await makePlace({ 'notes.txt': 'this is a draft\nanother draft\n', 'win.txt': 'a\r\nb\r\nc\r\n' });
  t.after(() => place.cleanup());
  const many = await place.call('edit', { path: 'notes.txt', oldText: 'draft', newText: 'final' });
  assert.equal(many.ok, false);
  assert.match(many.output, /occurs 2 times in "notes.txt"; it must occur exactly once/);
  const none = await place.call('edit', { path: 'notes.txt', oldText: 'drafty', newText: 'x' });
  assert.equal(none.ok, false);
  assert.match(none.output, /oldText was not found in "notes.txt"/);
  const one = await place.call('edit', { path: 'notes.txt', oldText: 'another draft', newText: 'another final' });
  assert.deepEqual(one, { ok: true, output: 'Edited notes.txt: replaced 1 occurrence (now line 2).' });
  assert.equal(await readFile(join(place.workspace, 'notes.txt'), 'utf8'), 'this is a draft\nanother final\n');
  const alias = await place.call('edit', { file_path: 'notes.txt', old_string: 'a draft', new_string: 'a final' });
  assert.ok(alias.ok, alias.output);
  assert.equal(await readFile(join(place.workspace, 'notes.txt'), 'utf8'), 'this is a final\nanother final\n');
  const crlf = await place.call('edit', { path: 'win.txt', oldText: 'a\nb', newText: 'A\nB' });
  assert.ok(crlf.ok, crlf.output);
  assert.equal(await readFile(join(place.workspace, 'win.txt'), 'utf8'), 'A\r\nB\r\nc\r\n');
  const invalid = await place.call('edit', { path: 'notes.txt', oldText: '', newText: 'x' });
  assert.equal(invalid.ok, false);
  assert.match(invalid.output, /invalid arguments for edit: oldText/);
  assert.deepEqual((await readdir(place.workspace)).sort(), ['notes.txt', 'win.txt']);
});

test('grep finds lines with context, honours glob, case and literal, and skips .git', async (t) => {
  const place = await makePlace({
    'src/a.ts': 'const x = 1;\n// TODO: one\nconst y = 2;\n',
    'src/b.js': 'todo two\n',
    'docs/c.md': 'nothing here\n(a+b)\n',
    '.git/config': 'TODO hidden in git\n',
    'node_modules/m/index.js': 'TODO in deps\n',
  });
  t.after(() => place.cleanup());
  assert.deepEqual(await place.call('grep', { pattern: 'TODO' }), { ok: true, output: 'src/a.ts:2: // TODO: one', source: 'file:.' });
  assert.equal((await place.call('grep', { pattern: 'todo', ignoreCase: true })).output, 'src/a.ts:2: // TODO: one\nsrc/b.js:1: todo two');
  assert.equal((await place.call('grep', { pattern: 'todo', ignoreCase: true, glob: '*.js' })).output, 'src/b.js:1: todo two');
  assert.equal((await place.call('grep', { pattern: 'TODO', context: 1 })).output,
    'src/a.ts-1- const x = 1;\nsrc/a.ts:2: // TODO: one\nsrc/a.ts-3- const y = 2;');
  assert.equal((await place.call('grep', { pattern: '(a+b)', literal: true })).output, 'docs/c.md:2: (a+b)');
  assert.equal((await place.call('grep', { pattern: 'TODO', path: 'node_modules' })).output, 'node_modules/m/index.js:1: TODO in deps');
  assert.equal((await place.call('grep', { pattern: 'const', path: 'src/a.ts', limit: 1 })).output,
    'src/a.ts:1: const x = 1;\n\n[stopped at 1 matches; use limit or a narrower pattern/path for more]');
  assert.equal((await place.call('grep', { pattern: 'absent' })).output, 'No matches found');
  const bad = await place.call('grep', { pattern: '(' });
  assert.equal(bad.ok, false);
  assert.match(bad.output, /not a valid regular expression/);
});

test('grep stops a catastrophically backtracking pattern instead of hanging', async (t) => {
  const place = await makePlace({ 'evil.txt': `${'a'.repeat(40)}!\n` });
  t.after(() => place.cleanup());
  const started = performance.now();
  const r = await place.call('grep', { pattern: '(a+)+$' });
  assert.equal(r.ok, false);
  assert.match(r.output, /backtracks catastrophically/);
  assert.ok(performance.now() - started < 5000);
});

test('find lists matching paths relative to the workspace', async (t) => {
  const place = await makePlace({
    'src/a.ts': '', 'src/deep/b.ts': '', 'src/c.js': '', 'README.md': '', '.git/x.ts': '', 'node_modules/y.ts': '',
  });
  t.after(() => place.cleanup());
  assert.equal((await place.call('find', { pattern: '*.ts' })).output, 'src/a.ts\nsrc/deep/b.ts');
  assert.equal((await place.call('find', { pattern: '**/*.ts' })).output, 'src/a.ts\nsrc/deep/b.ts');
  assert.equal((await place.call('find', { pattern: 'deep/*.ts', path: 'src' })).output, 'src/deep/b.ts');
  assert.equal((await place.call('find', { pattern: 'deep' })).output, 'src/deep/');
  assert.equal((await place.call('find', { pattern: '*', limit: 2 })).output,
    'README.md\nsrc/\n\n[stopped at 2 results; use limit or a narrower pattern/path for more]');
  assert.equal((await place.call('find', { pattern: '*.py' })).output, 'No files found matching the pattern');
});
