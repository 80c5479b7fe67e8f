// `hardshell init` through the real command: modes right even under umask 0, the token shown
// once and stored only as its hash, and a second run that changes nothing at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeHome, type TestHome } from '../fixtures/home.ts';
import { BIN, runCli, type CliResult } from '../fixtures/cli.ts';
import { loadConfig } from '../../src/config/load.ts';
import { openStore } from '../../src/store/db.ts';
import { TokenStore } from '../../src/edge/tokens.ts';

const TOKEN = /hs_[A-Za-z0-9_-]{43}/g;

/** A test home whose state folder does not exist yet. */
async function freshHome(t: { after(fn: () => Promise<void>): void }): Promise<TestHome & { state: string }> {
  const home = await makeHome();
  t.after(home.cleanup);
  const state = join(home.userHome, 'fresh-state');
  return { ...home, state, env: { ...home.env, HARDSHELL_HOME: state } };
}

/** Runs `hardshell init` under umask 0, so only hardshell's own chmod can make modes right. */
function initUnderOpenUmask(env: NodeJS.ProcessEnv, args: string[] = []): Promise<CliResult> {
  const child = spawn('/bin/sh', ['-c', 'umask 0; exec "$0" "$@"', process.execPath, BIN, 'init', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? [p, ...filesUnder(p)] : [p];
  });
}

function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(filesUnder(dir).map((p) => {
    const s = statSync(p);
    const bytes = s.isDirectory() ? '' : createHash('sha256').update(readFileSync(p)).digest('hex');
    return [p, `${(s.mode & 0o777).toString(8)} ${s.mtimeMs} ${s.size} ${bytes}`];
  }));
}

const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

test('init makes the state folder, config, workspace, store and a token shown once', async (t) => {
  const home = await freshHome(t);
  const res = await initUnderOpenUmask(home.env);
  assert.equal(res.code, 0, res.stderr);
  assert.equal(res.stderr, '');

  assert.equal(mode(home.state), '700');
  assert.equal(mode(join(home.state, 'hardshell.json')), '600');
  assert.equal(mode(join(home.state, 'workspace')), '700');
  assert.equal(mode(join(home.state, 'hardshell.db')), '600');
  for (const f of filesUnder(home.state)) assert.equal(Number.parseInt(mode(f), 8) & 0o077, 0, `${f} is open to others`);

  const tokens = res.stdout.match(TOKEN) ?? [];
  assert.equal(tokens.length, 1, res.stdout);
  const token = tokens[0];
  assert.match(res.stdout, /Keep it now, somewhere safe: it is shown only this once\. hardshell stores only its hash/);

  // Only its hash is kept: the value is in no file of the state folder.
  for (const f of filesUnder(home.state)) {
    if (statSync(f).isDirectory()) continue;
    assert.ok(!readFileSync(f).includes(token), `the token is in ${f}`);
  }
  const db = openStore(join(home.state, 'hardshell.db'));
  try {
    const stored = new TokenStore(db).list();
    assert.deepEqual(stored.map((r) => [r.name, r.scopes, r.sha256]), [['owner', ['operator'], createHash('sha256').update(token).digest('hex')]]);
  } finally {
    db.close();
  }

  // The commented config is the defaults.
  const text = readFileSync(join(home.state, 'hardshell.json'), 'utf8');
  assert.match(text, /^\/\/ hardshell configuration/);
  const loaded = loadConfig({ env: home.env });
  assert.equal(loaded.exists, true);
  assert.deepEqual(loaded.config, loadConfig({ env: home.env, file: join(home.userHome, 'no-such-file.json') }).config);
});

test('a second run changes nothing and says so', async (t) => {
  const home = await freshHome(t);
  assert.equal((await initUnderOpenUmask(home.env)).code, 0);
  const before = snapshot(home.state);
  await new Promise((r) => setTimeout(r, 20)); // so a rewrite would show in the mtimes
  const again = await initUnderOpenUmask(home.env);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout, `hardshell is already set up at ${home.state}; nothing changed.\n`);
  assert.doesNotMatch(again.stdout, TOKEN);
  assert.deepEqual(snapshot(home.state), before);
});

test('--json prints home, config, workspace, the token and what was created', async (t) => {
  const home = await freshHome(t);
  const first = await runCli(['init', '--json'], home.env);
  assert.equal(first.code, 0, first.stderr);
  const out = JSON.parse(first.stdout);
  assert.deepEqual(Object.keys(out).sort(), ['config', 'created', 'home', 'token', 'workspace']);
  assert.equal(out.home, home.state);
  assert.equal(out.config, join(home.state, 'hardshell.json'));
  assert.equal(out.workspace, join(home.state, 'workspace'));
  assert.match(out.token, /^hs_[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(out.created, ['home', 'config', 'workspace', 'store', 'token']);
  const second = JSON.parse((await runCli(['init', '--json'], home.env)).stdout);
  assert.deepEqual(second, { home: home.state, config: out.config, workspace: out.workspace, created: [] });
});

test('an existing folder: only what is missing is added, the config is never overwritten', async (t) => {
  const home = await makeHome({ config: { gateway: { port: 4242 } }, files: { 'notes.md': 'mine' } });
  t.after(home.cleanup);
  const configPath = join(home.home, 'hardshell.json');
  const configBefore = readFileSync(configPath, 'utf8');
  const res = await runCli(['init', '--json'], home.env);
  assert.equal(res.code, 0, res.stderr);
  assert.deepEqual(JSON.parse(res.stdout).created, ['store', 'token']);
  assert.equal(readFileSync(configPath, 'utf8'), configBefore);
  assert.equal(readFileSync(join(home.workspace, 'notes.md'), 'utf8'), 'mine');

  const human = await runCli(['init'], home.env);
  assert.match(human.stdout, /already set up/);
});

test('a broken existing config is kept as it is, with a warning', async (t) => {
  const home = await makeHome();
  t.after(home.cleanup);
  writeFileSync(join(home.home, 'hardshell.json'), '{ gateway: { port: "x" } }', { mode: 0o600 });
  const res = await runCli(['init'], home.env);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /kept +.*hardshell\.json \(an existing configuration is never overwritten\)/);
  assert.match(res.stderr, /warning: the existing configuration has problems \(it was not changed\)/);
  assert.match(res.stderr, /gateway\.port must be a whole number/);
  assert.equal(readFileSync(join(home.home, 'hardshell.json'), 'utf8'), '{ gateway: { port: "x" } }');
});

test('a file where the state folder should be is a clear error', async (t) => {
  const home = await freshHome(t);
  writeFileSync(home.state, 'not a folder');
  const res = await runCli(['init'], home.env);
  assert.equal(res.code, 1);
  assert.match(res.stderr, /^hardshell: .*fresh-state exists but is not a folder; move it away/);
  assert.doesNotMatch(res.stderr, /bug|at .*\.ts:/);
});

test('an existing state folder open to others is reported, not silently changed', async (t) => {
  const home = await makeHome();
  t.after(home.cleanup);
  chmodSync(home.home, 0o755);
  const res = await runCli(['init'], home.env);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stderr, new RegExp(`warning: ${home.home} can be read by other users \\(mode 755\\); run: chmod 700 ${home.home}`));
  assert.equal(mode(home.home), '755');
});
