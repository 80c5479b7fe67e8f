// Attack tests: the "model" tries every way out of the workspace through the five file
// tools. Each attempt must be refused (or find nothing), the canary planted next to the
// workspace must never appear in a result, and nothing outside the workspace may change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { symlink, link, mkdir, writeFile, rename, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { makePlace, type Place } from './fixture.ts';

/** Plants every way out we know of inside the workspace. */
async function plantWaysOut(place: Place): Promise<void> {
  const ws = place.workspace;
  await symlink(place.canaryFile, join(ws, 'link-out.txt'));             // absolute file symlink out
  await symlink('../outside/secret.txt', join(ws, 'link-rel.txt'));      // relative file symlink out
  await symlink(place.outside, join(ws, 'dir-out'));                     // folder symlink out
  await mkdir(join(ws, 'sub'));
  await symlink('../..', join(ws, 'sub', 'up'));                         // a middle component going up
  await link(place.canaryFile, join(ws, 'hard.txt'));                    // hard link to the canary
  await symlink(join(place.outside, 'planted.txt'), join(ws, 'dangling.txt')); // dangling, pointing out
  await symlink(join(place.outside, 'newdir'), join(ws, 'dangling-dir'));      // dangling folder, pointing out
  await writeFile(join(ws, 'ok.txt'), 'fine\n');
}

interface Attempt { tool: string; args: Record<string, unknown>; expect?: RegExp }

function attempts(place: Place): Attempt[] {
  const { outside, canaryFile, base } = place;
  return [
    { tool: 'read', args: { path: '../x' }, expect: /^read refused: "\.\.\/x" is outside the workspace$/ },
    { tool: 'read', args: { path: '../outside/secret.txt' }, expect: /outside the workspace/ },
    { tool: 'read', args: { path: 'sub/../../top-secret.txt' }, expect: /outside the workspace/ },
    { tool: 'read', args: { path: canaryFile }, expect: /is outside the workspace/ },
    { tool: 'read', args: { path: join(base, 'top-secret.txt') }, expect: /is outside the workspace/ },
    { tool: 'read', args: { path: '/etc/passwd' }, expect: /is outside the workspace/ },
    { tool: 'read', args: { path: 'link-out.txt' }, expect: /^read refused: "link-out.txt" leads outside the workspace through a symbolic link$/ },
    { tool: 'read', args: { path: 'link-rel.txt' }, expect: /symbolic link/ },
    { tool: 'read', args: { path: 'dir-out/secret.txt' }, expect: /symbolic link/ },
    { tool: 'read', args: { path: 'sub/up/outside/secret.txt' }, expect: /symbolic link/ },
    { tool: 'read', args: { path: 'sub/up/top-secret.txt' }, expect: /symbolic link/ },
    { tool: 'read', args: { path: 'hard.txt' }, expect: /^read refused: "hard.txt" has 2 hard links, so it may be the same file as one outside the workspace/ },
    { tool: 'read', args: { path: 'dangling.txt' }, expect: /symbolic link whose target does not exist/ },
    { tool: 'read', args: { path: 'ok.txt\0/../../outside/secret.txt' }, expect: /NUL/ },
    { tool: 'write', args: { path: 'dangling.txt', content: 'owned' }, expect: /^write refused: "dangling.txt" is \(or passes through\) a symbolic link whose target does not exist$/ },
    { tool: 'write', args: { path: 'dangling-dir/x.txt', content: 'owned' }, expect: /symbolic link/ },
    { tool: 'write', args: { path: '../x', content: 'owned' }, expect: /^write refused: "\.\.\/x" is outside the workspace$/ },
    { tool: 'write', args: { path: '../outside/planted.txt', content: 'owned' }, expect: /outside the workspace/ },
    { tool: 'write', args: { path: join(outside, 'planted.txt'), content: 'owned' }, expect: /outside the workspace/ },
    { tool: 'write', args: { path: 'link-out.txt', content: 'owned' }, expect: /symbolic link/ },
    { tool: 'write', args: { path: 'dir-out/planted.txt', content: 'owned' }, expect: /symbolic link/ },
    { tool: 'write', args: { path: 'dir-out/deeper/planted.txt', content: 'owned' }, expect: /symbolic link/ },
    { tool: 'write', args: { path: 'sub/up/outside/planted.txt', content: 'owned' }, expect: /symbolic link/ },
    { tool: 'write', args: { path: 'hard.txt', content: 'owned' }, expect: /hard links/ },
    { tool: 'edit', args: { path: 'link-out.txt', oldText: 'CANARY', newText: 'x' }, expect: /symbolic link/ },
    { tool: 'edit', args: { path: 'dir-out/secret.txt', oldText: 'CANARY', newText: 'x' }, expect: /symbolic link/ },
    { tool: 'edit', args: { path: 'hard.txt', oldText: 'CANARY', newText: 'x' }, expect: /hard links/ },
    { tool: 'edit', args: { path: '../outside/secret.txt', oldText: 'CANARY', newText: 'x' }, expect: /outside the workspace/ },
    { tool: 'grep', args: { pattern: 'CANARY', path: '..' }, expect: /^grep refused: "\.\." is outside the workspace$/ },
    { tool: 'grep', args: { pattern: 'CANARY', path: outside }, expect: /outside the workspace/ },
    { tool: 'grep', args: { pattern: 'CANARY', path: 'dir-out' }, expect: /symbolic link/ },
    { tool: 'grep', args: { pattern: 'CANARY', path: 'sub/up' }, expect: /symbolic link/ },
    { tool: 'grep', args: { pattern: 'CANARY', path: 'link-out.txt' }, expect: /symbolic link/ },
    { tool: 'find', args: { pattern: '*', path: '..' }, expect: /^find refused: "\.\." is outside the workspace$/ },
    { tool: 'find', args: { pattern: '*', path: outside }, expect: /outside the workspace/ },
    { tool: 'find', args: { pattern: '*', path: 'dir-out' }, expect: /symbolic link/ },
    { tool: 'find', args: { pattern: '*', path: 'sub/up' }, expect: /symbolic link/ },
  ];
}

test('every way out of the workspace is refused, leaks nothing and changes nothing outside', async (t) => {
  const place = await makePlace();
  t.after(() => place.cleanup());
  await plantWaysOut(place);
  const before = await place.snapshotOutside();
  for (const a of attempts(place)) {
    const r = await place.call(a.tool, a.args);
    const label = `${a.tool} ${JSON.stringify(a.args)} → ${r.output}`;
    assert.equal(r.ok, false, label);
    if (a.expect) assert.match(r.output, a.expect, label);
    assert.ok(!r.output.includes(place.canary), `canary leaked: ${label}`);
    const gavePath = JSON.stringify(a.args).includes(place.base);
    if (!gavePath) assert.ok(!r.output.includes(place.base), `host path leaked: ${label}`);
  }
  assert.deepEqual(await place.snapshotOutside(), before, 'something outside the workspace changed');
  assert.deepEqual(await place.call('read', { path: 'ok.txt' }), { ok: true, output: 'fine\n', source: 'file:ok.txt' }, 'the legitimate read still works');
});

test('searching the whole workspace does not follow the ways out', async (t) => {
  const place = await makePlace();
  t.after(() => place.cleanup());
  await plantWaysOut(place);
  const grep = await place.call('grep', { pattern: 'CANARY' });
  assert.equal(grep.ok, true);
  assert.ok(!grep.output.includes(place.canary));
  assert.match(grep.output, /^No matches found\n\n\[1 file\(s\) not searched/, 'the hard link is skipped, symlinks are not followed');
  const find = await place.call('find', { pattern: '**/*' });
  assert.ok(find.ok);
  assert.ok(!find.output.includes('secret.txt'), find.output);
  assert.ok(!find.output.includes('top-secret'), find.output);
  assert.ok(!find.output.includes('sub/up/'), 'a symlinked folder is not listed as a folder');
});

test('a workspace symlink to a special file or a socket is refused', async (t) => {
  const place = await makePlace();
  t.after(() => place.cleanup());
  await symlink('/dev/zero', join(place.workspace, 'zero'));
  await symlink('/proc/self/environ', join(place.workspace, 'env'));
  for (const path of ['zero', 'env']) {
    const r = await place.call('read', { path });
    assert.equal(r.ok, false);
    assert.match(r.output, /outside the workspace/);
  }
});

test('a symlink in the workspace pointing inside is followed for reads', async (t) => {
  const place = await makePlace({ 'docs/real.md': 'inside\n' });
  t.after(() => place.cleanup());
  await symlink('docs', join(place.workspace, 'docs-link'));
  await symlink('docs/real.md', join(place.workspace, 'alias.md'));
  assert.equal((await place.call('read', { path: 'docs-link/real.md' })).output, 'inside\n');
  assert.equal((await place.call('read', { path: 'alias.md' })).output, 'inside\n');
});

test('a folder swapped for a symlink out while tools run never leaks or writes outside', async (t) => {
  const place = await makePlace();
  t.after(() => place.cleanup());
  const ws = place.workspace;
  await mkdir(join(ws, 'flip-dir'));
  await writeFile(join(ws, 'flip-dir', 'secret.txt'), 'inside\n');
  await symlink(place.outside, join(ws, 'flip-link'));
  const before = await place.snapshotOutside();
  let running = true;
  const flipper = (async () => {
    // Swap "flip" between a real folder and a symlink to the outside folder, as fast as we can.
    while (running) {
      await rename(join(ws, 'flip-dir'), join(ws, 'flip')).catch(() => {});
      await rename(join(ws, 'flip'), join(ws, 'flip-dir')).catch(() => {});
      await rename(join(ws, 'flip-link'), join(ws, 'flip')).catch(() => {});
      await rename(join(ws, 'flip'), join(ws, 'flip-link')).catch(() => {});
    }
  })();
  try {
    for (let i = 0; i < 150; i++) {
      const results = await Promise.all([
        place.call('read', { path: 'flip/secret.txt' }),
        place.call('write', { path: 'flip/planted.txt', content: 'owned' }),
        place.call('grep', { pattern: 'CANARY', path: 'flip' }),
      ]);
      for (const r of results) assert.ok(!r.output.includes(place.canary), r.output);
    }
  } finally {
    running = false;
    await flipper;
  }
  assert.deepEqual(await place.snapshotOutside(), before);
});

test('random path spellings never reach the canary', async (t) => {
  const place = await makePlace();
  t.after(() => place.cleanup());
  await plantWaysOut(place);
  const before = await place.snapshotOutside();
  const segment = fc.constantFrom('..', '.', '', 'ok.txt', 'sub', 'up', 'link-out.txt', 'link-rel.txt', 'dir-out',
    'hard.txt', 'secret.txt', 'outside', 'ws', 'dangling.txt', place.base, place.workspace, '~');
  await fc.assert(fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 6 }), fc.constantFrom('read', 'write', 'edit', 'grep', 'find'), async (parts, tool) => {
    const path = parts.join('/');
    const args = tool === 'read' ? { path } : tool === 'write' ? { path: `${path}/new.txt`, content: 'x' }
      : tool === 'edit' ? { path, oldText: 'CANARY', newText: 'x' } : { pattern: tool === 'grep' ? 'CANARY' : '*', path };
    const r = await place.call(tool, args);
    assert.ok(!r.output.includes(place.canary), `${tool} ${path}: ${r.output}`);
  }), { numRuns: 300 });
  assert.deepEqual(await place.snapshotOutside(), before);
});

test('oversized and aborted writes change nothing and leave no temp files', async (t) => {
  const place = await makePlace({ 'keep.txt': 'original\n' });
  t.after(() => place.cleanup());
  const big = await place.call('write', { path: 'big.txt', content: 'x'.repeat(5 * 1024 * 1024 + 1) });
  assert.equal(big.ok, false);
  assert.equal(big.output, 'write refused: the new content of "big.txt" is 5.0 MiB, more than the 5 MiB limit for one write');
  const stopped = new AbortController();
  stopped.abort();
  const aborted = await place.call('write', { path: 'keep.txt', content: 'replaced\n' }, stopped.signal);
  assert.equal(aborted.ok, false);
  assert.match(aborted.output, /was not written: the turn was stopped/);
  const abortedEdit = await place.call('edit', { path: 'keep.txt', oldText: 'original', newText: 'changed' }, stopped.signal);
  assert.equal(abortedEdit.ok, false);
  assert.equal(await readFile(join(place.workspace, 'keep.txt'), 'utf8'), 'original\n');
  assert.deepEqual(await readdir(place.workspace), ['keep.txt']);
  await rm(join(place.workspace, 'keep.txt'));
});
