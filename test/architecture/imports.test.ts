// DESIGN.md's import rules, checked on every source file: a room imports only the rooms it
// may; programs are spawned only in sandbox/; outbound connections are opened only in
// egress/ (the edge's listening server is not outbound); policy/ does no I/O at all.
// Type-only imports are free: they vanish at run time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';

const SRC = resolve(import.meta.dirname, '../../src');

/** Rooms each room may import at run time (DESIGN.md, plus the additions noted). */
const MAY_IMPORT: Record<string, string[] | '*'> = {
  cli: '*',
  config: ['secrets'],
  // edge: + secrets, to resolve `${secret:NAME}` token references.
  edge: ['config', 'audit', 'store', 'secrets'],
  channels: ['config', 'store', 'audit'],
  sessions: ['store'],
  // agent: + config (agent settings), secrets (provider keys), egress (providers are handed
  // egress's fetch), safe-fs (AGENTS.md is read like any workspace file).
  agent: ['policy', 'approvals', 'tools', 'sessions', 'config', 'secrets', 'egress', 'safe-fs'],
  policy: ['config'],
  approvals: ['store', 'audit'],
  tools: ['sandbox', 'egress', 'safe-fs', 'secrets'],
  'safe-fs': [],
  sandbox: [],
  egress: [],
  secrets: ['config'],
  audit: ['store'],
  store: [],
  posture: '*',
  obs: ['secrets'],
};

const NETWORK_MODULES = ['net', 'http', 'https', 'http2', 'tls', 'dns', 'dgram', 'undici'];

/** node:net's pure address helpers open nothing: a named import of only these is fine anywhere. */
const PURE_NET = new Set(['isIP', 'isIPv4', 'isIPv6', 'BlockList', 'SocketAddress']);

function onlyPureNet(text: string, spec: string): boolean {
  const escaped = spec.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`^\\s*import\\s*\\{([^}]*)\\}\\s*from\\s*['"]${escaped}['"]`, 'm').exec(text);
  return Boolean(m) && m![1].split(',').map((n) => n.trim().split(/\s+as\s+/)[0]).filter(Boolean).every((n) => PURE_NET.has(n));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

interface Import { spec: string; typeOnly: boolean }

function importsOf(text: string): Import[] {
  const found: Import[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(re)) found.push({ spec: m[3], typeOnly: Boolean(m[2]) });
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push({ spec: m[1], typeOnly: false });
  for (const m of text.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push({ spec: m[1], typeOnly: false });
  return found;
}

const roomOf = (file: string) => relative(SRC, file).split('/')[0];
const bare = (spec: string) => spec.replace(/^node:/, '').split('/')[0];

const files = sourceFiles(SRC);

test('every room imports only the rooms it may', () => {
  const problems: string[] = [];
  for (const file of files) {
    const room = roomOf(file);
    const allowed = MAY_IMPORT[room];
    assert.ok(allowed, `src/${room}/ is not a room of DESIGN.md: add it to the table or move ${relative(SRC, file)}`);
    for (const imp of importsOf(readFileSync(file, 'utf8'))) {
      if (imp.typeOnly || !imp.spec.startsWith('.')) continue;
      const target = roomOf(resolve(dirname(file), imp.spec));
      if (target !== room && allowed !== '*' && !allowed.includes(target)) {
        problems.push(`${relative(SRC, file)} imports ${target}/ (${imp.spec})`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('only sandbox/ spawns processes', () => {
  const offenders = files.filter((f) => roomOf(f) !== 'sandbox' &&
    importsOf(readFileSync(f, 'utf8')).some((i) => bare(i.spec) === 'child_process' || bare(i.spec) === 'worker_threads'));
  assert.deepEqual(offenders.map((f) => relative(SRC, f)), []);
});

test('only egress/ opens outbound connections', () => {
  const problems: string[] = [];
  for (const file of files) {
    const room = roomOf(file);
    if (room === 'egress') continue;
    const text = readFileSync(file, 'utf8');
    const code = text.replace(/^\s*\/\/.*$/gm, '');
    for (const imp of importsOf(text)) {
      if (imp.typeOnly || !NETWORK_MODULES.includes(bare(imp.spec))) continue;
      if (bare(imp.spec) === 'net' && onlyPureNet(text, imp.spec)) continue;
      // The edge listens; it may import the server modules, but never open a client connection.
      if (room === 'edge' && ['http', 'https', 'net', 'tls', 'http2'].includes(bare(imp.spec))) continue;
      problems.push(`${relative(SRC, file)} imports ${imp.spec}`);
    }
    if (/(?<![\w.])fetch\s*\(/.test(code)) problems.push(`${relative(SRC, file)} calls fetch() (use egress)`);
    if (/\bnew\s+WebSocket\s*\(/.test(code)) problems.push(`${relative(SRC, file)} opens a WebSocket client`);
    if (/\b(?:https?|net|tls|http2)\.(?:request|get|connect|createConnection)\s*\(/.test(code)) {
      problems.push(`${relative(SRC, file)} opens a client connection`);
    }
  }
  assert.deepEqual(problems, []);
});

test('policy/ is pure: no Node built-ins, no packages', () => {
  const problems: string[] = [];
  for (const file of files.filter((f) => roomOf(f) === 'policy')) {
    for (const imp of importsOf(readFileSync(file, 'utf8'))) {
      if (!imp.typeOnly && !imp.spec.startsWith('.')) problems.push(`${relative(SRC, file)} imports ${imp.spec}`);
    }
  }
  assert.deepEqual(problems, []);
});
