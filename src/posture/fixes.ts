// `security audit --fix`: the remediations that cannot lock the owner out — file modes,
// .env into .gitignore, and config values turned back to their safe default (audit on, info
// logs, injection guard on). Never tokens, bind addresses or IP allowlists. Every file whose
// content changes is first copied to <file>.bak-<timestamp> (mode 600); config edits replace
// just the one value in the text, so comments and layout survive.
import { chmodSync, copyFileSync, existsSync, lstatSync, readFileSync, writeFileSync } from 'node:fs';
import { scanPositions } from '../config/positions.ts';
import { formatKeyPath } from '../config/keypath.ts';
import type { Finding, FixAction } from './types.ts';

export interface FixResult {
  id: string;
  target: string;
  before: string;
  after: string;
  /** The copy made before the file's content changed. */
  backup?: string;
  /** Set when the fix could not be applied; says what to do by hand. */
  error?: string;
}

export function fixable(findings: Finding[]): Finding[] {
  return findings.filter((f) => f.action);
}

export function applyFixes(findings: Finding[], now: Date = new Date()): FixResult[] {
  const stamp = now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const backups = new Map<string, string>();
  const backup = (file: string): string | undefined => {
    if (!existsSync(file)) return undefined;
    let b = backups.get(file);
    if (!b) {
      b = `${file}.bak-${stamp}`;
      copyFileSync(file, b);
      chmodSync(b, 0o600);
      backups.set(file, b);
    }
    return b;
  };
  // Several findings may chmod one path (world- and group-writable): apply the strictest once.
  const strictest = new Map<string, number>();
  for (const f of fixable(findings)) {
    const a = f.action!;
    if (a.kind === 'chmod') strictest.set(a.path, (strictest.get(a.path) ?? 0o7777) & a.mode);
  }
  const done = new Set<string>();
  const results: FixResult[] = [];
  for (const f of fixable(findings)) {
    const a: FixAction = f.action!.kind === 'chmod' ? { ...f.action!, mode: strictest.get(f.action!.path)! } : f.action!;
    const key = JSON.stringify(a);
    if (done.has(key)) continue;
    done.add(key);
    try {
      results.push({ id: f.id, ...apply(a, backup) });
    } catch (err) {
      results.push({ id: f.id, target: targetOf(a), before: '', after: '', error: `${(err as Error).message}; fix it by hand: ${f.fix}` });
    }
  }
  return results;
}

function targetOf(a: FixAction): string {
  return a.kind === 'chmod' ? a.path : a.file;
}

function apply(a: FixAction, backup: (file: string) => string | undefined): Omit<FixResult, 'id'> {
  switch (a.kind) {
    case 'chmod': {
      const s = lstatSync(a.path);
      if (s.isSymbolicLink()) throw new Error(`${a.path} is a symbolic link; not following it`);
      const before = (s.mode & 0o777).toString(8);
      chmodSync(a.path, a.mode);
      return { target: a.path, before: `mode ${before}`, after: `mode ${a.mode.toString(8)}` };
    }
    case 'gitignore': {
      const text = existsSync(a.file) ? readFileSync(a.file, 'utf8') : null;
      const b = backup(a.file);
      const prefix = text === null || text === '' || text.endsWith('\n') ? '' : '\n';
      writeFileSync(a.file, `${text ?? ''}${prefix}# hardshell security audit --fix: secrets stay out of git\n${a.entry}\n`, { mode: 0o644 });
      return { target: a.file, before: text === null ? '(no .gitignore)' : `${text.split('\n').filter(Boolean).length} rules`, after: `+ ${a.entry}`, backup: b };
    }
    case 'config-set': {
      const text = readFileSync(a.file, 'utf8');
      const edited = replaceValue(text, a.keyPath, JSON.stringify(a.value));
      if (!edited) throw new Error(`${formatKeyPath(a.keyPath)} is not written in ${a.file} as a plain value hardshell can edit in place`);
      const b = backup(a.file);
      writeFileSync(a.file, edited.text);
      return { target: `${a.file} ${formatKeyPath(a.keyPath)}`, before: edited.old, after: JSON.stringify(a.value), backup: b };
    }
  }
}

/** Replaces the value of one key in JSON5 text, leaving every other byte as it was. */
export function replaceValue(text: string, keyPath: Array<string | number>, replacement: string): { text: string; old: string } | null {
  const pos = scanPositions(text).at(keyPath);
  if (!pos || typeof keyPath[keyPath.length - 1] === 'number') return null;
  let i = offsetOf(text, pos.line, pos.column);
  // The key itself.
  if (text[i] === '"' || text[i] === "'") i = endOfString(text, i);
  else while (i < text.length && /[\w$\\-]/.test(text[i])) i++;
  i = skipSpace(text, i);
  if (text[i] !== ':') return null;
  const start = skipSpace(text, i + 1);
  const end = endOfValue(text, start);
  if (end <= start) return null;
  return { text: text.slice(0, start) + replacement + text.slice(end), old: text.slice(start, end) };
}

function offsetOf(text: string, line: number, column: number): number {
  let off = 0;
  for (let l = 1; l < line; l++) off = text.indexOf('\n', off) + 1;
  return off + column - 1;
}

function skipSpace(text: string, i: number): number {
  for (;;) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (text.startsWith('//', i)) { const n = text.indexOf('\n', i); i = n < 0 ? text.length : n; continue; }
    if (text.startsWith('/*', i)) { const n = text.indexOf('*/', i + 2); i = n < 0 ? text.length : n + 2; continue; }
    return i;
  }
}

function endOfString(text: string, i: number): number {
  const q = text[i];
  for (let j = i + 1; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === q) return j + 1;
  }
  return text.length;
}

function endOfValue(text: string, i: number): number {
  const c = text[i];
  if (c === '"' || c === "'") return endOfString(text, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const x = text[j];
      if (x === '"' || x === "'") { j = endOfString(text, j) - 1; continue; }
      if (text.startsWith('//', j)) { const n = text.indexOf('\n', j); j = n < 0 ? text.length : n; continue; }
      if (text.startsWith('/*', j)) { const n = text.indexOf('*/', j + 2); j = n < 0 ? text.length : n + 1; continue; }
      if (x === '{' || x === '[') depth++;
      if (x === '}' || x === ']') { depth--; if (depth === 0) return j + 1; }
    }
    return -1;
  }
  let j = i;
  while (j < text.length && !/[\s,}\]/]/.test(text[j])) j++;
  return j;
}
