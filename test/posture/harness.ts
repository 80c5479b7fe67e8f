// Builds one corpus case on disk: a user home (HOME) holding the state folder (.hardshell),
// a project folder with deployment files, and a fake host root (host/) for /etc and /proc.
// Cases are JSON files in corpus/; "$ROOT" in any string is the temp folder.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync, lstatSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { openStore } from '../../src/store/db.ts';
import { buildContext, type AuditContext } from '../../src/posture/context.ts';

export const CORPUS = join(import.meta.dirname, 'corpus');

export interface FileSpec { text: string; mode?: string; ageDays?: number }

export interface Case {
  name: string;
  description: string;
  config?: unknown;
  configText?: string;
  env?: Record<string, string>;
  files?: Record<string, string | FileSpec>;
  dirs?: Record<string, string>;
  modes?: Record<string, string>;
  symlinks?: Record<string, string>;
  /** Folders (relative to the root) that are git work trees. */
  git?: string[];
  /** Paths listed in the root repository's git index. */
  gitIndex?: string[];
  storeTokens?: Array<{ name: string; createdDaysAgo: number; expiresDaysAgo?: number; scopes?: string[] }>;
  expect: string[];
  notExpect?: string[];
}

export interface Built {
  root: string;
  home: string;
  project: string;
  hostRoot: string;
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

export function loadCases(): Case[] {
  return readdirSync(CORPUS).filter((n) => n.endsWith('.json')).sort()
    .map((n) => ({ name: n.replace(/\.json$/, ''), ...JSON.parse(readFileSync(join(CORPUS, n), 'utf8')) }));
}

const DAY = 86_400_000;

export function build(c: Case): Built {
  const root = mkdtempSync(join(tmpdir(), 'hardshell-posture-'));
  const sub = (v: string) => v.replaceAll('$ROOT', root);
  const subAll = (v: unknown): unknown => typeof v === 'string' ? sub(v) : Array.isArray(v) ? v.map(subAll)
    : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, subAll(x)])) : v;
  const home = join(root, '.hardshell');
  const project = join(root, 'project');
  const hostRoot = join(root, 'host');
  for (const d of [home, join(home, 'workspace')]) { mkdirSync(d, { recursive: true }); chmodSync(d, 0o700); }
  mkdirSync(project, { recursive: true });
  mkdirSync(hostRoot, { recursive: true });
  const configText = c.configText !== undefined ? sub(c.configText) : JSON.stringify(subAll(c.config ?? {}), null, 2);
  writeFileSync(join(home, 'hardshell.json'), configText, { mode: 0o600 });
  chmodSync(join(home, 'hardshell.json'), 0o600);
  for (const [rel, spec] of Object.entries(c.files ?? {})) {
    const s: FileSpec = typeof spec === 'string' ? { text: spec } : spec;
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, sub(s.text));
    chmodSync(p, parseInt(s.mode ?? '600', 8));
    if (s.ageDays) { const t = new Date(Date.now() - s.ageDays * DAY); utimesSync(p, t, t); }
  }
  for (const [rel, target] of Object.entries(c.symlinks ?? {})) {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    symlinkSync(sub(target), p);
  }
  for (const dir of c.git ?? []) mkdirSync(join(root, dir, '.git'), { recursive: true });
  if (c.gitIndex) {
    mkdirSync(join(root, '.git'), { recursive: true });
    writeFileSync(join(root, '.git', 'index'), Buffer.concat([Buffer.from('DIRC\0\0\0\x02'), ...c.gitIndex.map((p) => Buffer.from(`${p}\0`))]));
  }
  if (c.storeTokens) {
    const db = openStore(join(home, 'hardshell.db'));
    for (const t of c.storeTokens) {
      db.prepare('INSERT INTO tokens (name, sha256, scopes, created_at, expires_at) VALUES (?, ?, ?, ?, ?)').run(
        t.name, createHash('sha256').update(t.name).digest('hex'), JSON.stringify(t.scopes ?? ['operator']),
        new Date(Date.now() - t.createdDaysAgo * DAY).toISOString(),
        t.expiresDaysAgo === undefined ? null : new Date(Date.now() - t.expiresDaysAgo * DAY).toISOString());
    }
    db.close();
  }
  for (const [rel, mode] of Object.entries(c.dirs ?? {})) { mkdirSync(join(root, rel), { recursive: true }); chmodSync(join(root, rel), parseInt(mode, 8)); }
  for (const [rel, mode] of Object.entries(c.modes ?? {})) chmodSync(join(root, rel), parseInt(mode, 8));
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: root, HARDSHELL_HOME: home, ...subAll(c.env ?? {}) as Record<string, string> };
  return { root, home, project, hostRoot, env, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** The context the audit of a built case runs in; uid 1000 so the host root check stays quiet. */
export function contextFor(b: Built, extra: { hostRoot?: string; uid?: number } = {}): AuditContext {
  return buildContext({ env: b.env, home: b.home, projectDir: b.project, hostRoot: extra.hostRoot ?? b.hostRoot, uid: extra.uid ?? 1000 });
}

/** Every file and folder under root with its mode and content hash, for "nothing else changed". */
export function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const s = lstatSync(p);
      if (s.isSymbolicLink()) out.set(p, `link ${readlinkSync(p)}`);
      else if (s.isDirectory()) { out.set(p, `dir ${(s.mode & 0o777).toString(8)}`); walk(p); }
      else out.set(p, `file ${(s.mode & 0o777).toString(8)} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`);
    }
  };
  walk(root);
  return out;
}
