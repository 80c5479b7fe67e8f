// Small helpers the check families share: where a key is written, file-mode tests, and
// what counts as a wildcard or an internal host.
import { isIP } from 'node:net';
import { resolve, sep } from 'node:path';
import type { Stats } from 'node:fs';
import { formatKeyPath, type KeyPath } from '../../config/keypath.ts';
import type { AuditContext } from '../context.ts';
import type { FindingDraft, FixAction } from '../types.ts';

/** A finding about a config key: names the file (or "defaults") and the line. */
export function at(ctx: AuditContext, path: KeyPath, message: string, extra: Partial<FindingDraft> = {}): FindingDraft {
  const line = ctx.lineOf(path);
  const written = line !== undefined;
  return { message, file: written ? ctx.paths.config : ctx.rawText === null ? '(built-in defaults)' : ctx.paths.config, key: formatKeyPath(path), line, ...extra };
}

export const mode = (s: Stats) => s.mode & 0o777;
export const octal = (m: number) => m.toString(8).padStart(3, '0');
export const worldReadable = (s: Stats) => (s.mode & 0o004) !== 0;
export const worldWritable = (s: Stats) => (s.mode & 0o002) !== 0;
export const groupReadable = (s: Stats) => (s.mode & 0o040) !== 0;
export const groupWritable = (s: Stats) => (s.mode & 0o020) !== 0;

export function isWildcard(entry: string): boolean {
  return ['*', '*.*', '**', '*:*', 'all', '0.0.0.0/0'].includes(entry.trim().toLowerCase());
}

/**
 * --fix for a "*" in an allowlist: the list without it. A "*" matches nothing, so dropping it
 * changes nothing hardshell does; it only stops the list from reading as "everything".
 * `path` may be several spellings (the key and its seed aliases): the one written is edited.
 */
export function dropWildcards(ctx: AuditContext, path: KeyPath | KeyPath[], list: readonly string[], wild: (entry: string) => boolean = isWildcard): { action: FixAction } {
  const spellings = Array.isArray(path[0]) ? path as KeyPath[] : [path as KeyPath];
  const written = spellings.find((p) => ctx.lineOf(p) !== undefined) ?? spellings[0];
  return { action: { kind: 'config-set', file: ctx.paths.config, keyPath: written, value: list.filter((e) => !wild(e)) } };
}

/** `*.com`, `*.co.uk`-like patterns: a wildcard over a whole public suffix. */
export function isSuffixWildcard(entry: string): boolean {
  const m = /^\*\.([a-z0-9-]+)$/i.exec(entry.trim());
  return Boolean(m);
}

const INTERNAL_NAMES = [/^localhost$/i, /\.localhost$/i, /\.internal$/i, /\.local$/i, /\.lan$/i, /\.home\.arpa$/i, /\.corp$/i, /^metadata(\.google\.internal)?$/i, /^instance-data$/i];

/** Hosts that lead into the machine or its private network (SSRF targets). */
export function isInternalHost(entry: string): boolean {
  let h = entry.trim().toLowerCase().replace(/^\*\./, '').replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '');
  if (h.startsWith('[')) h = h.slice(1, h.indexOf(']'));
  else if (/:\d+$/.test(h) && isIP(h.replace(/:\d+$/, '')) === 4) h = h.replace(/:\d+$/, '');
  else if (/^[^:]+:\d+$/.test(h)) h = h.replace(/:\d+$/, '');
  if (INTERNAL_NAMES.some((re) => re.test(h))) return true;
  const kind = isIP(h.replace(/\/\d+$/, ''));
  if (kind === 4) return isPrivateV4(h.replace(/\/\d+$/, ''));
  if (kind === 6) return isPrivateV6(h.replace(/\/\d+$/, ''));
  return false;
}

export function isPrivateV4(ip: string): boolean {
  const [a, b] = ip.split('.').map(Number);
  return a === 10 || a === 127 || a === 0 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31)
    || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
}

export function isPrivateV6(ip: string): boolean {
  const h = ip.toLowerCase();
  return h === '::1' || h === '::' || h.startsWith('fc') || h.startsWith('fd') || h.startsWith('fe80') || h.startsWith('::ffff:');
}

/** True when child is dir itself or inside it. */
export function isInside(child: string, dir: string): boolean {
  const c = resolve(child);
  const d = resolve(dir);
  return c === d || c.startsWith(d.endsWith(sep) ? d : d + sep);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
