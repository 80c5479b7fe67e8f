// The audit key and the head record, kept apart from the log (<state>/keys/, mode 600): the
// key signs checkpoints, and the head says how far the log had got, signed, so a cut tail or
// a log rewritten from scratch with a fresh, consistent chain does not pass verify.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { writeFile, rename } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { headMac } from './format.ts';

export interface Head { seq: number; hash: string; mac: string }

export function auditKeyPaths(home: string, logPath: string): { keyFile: string; headFile: string } {
  const id = createHash('sha256').update(resolve(logPath)).digest('hex').slice(0, 16);
  return { keyFile: join(home, 'keys', 'audit.key'), headFile: join(home, 'keys', `audit-${id}.head`) };
}

/** The audit key; made (32 random bytes, mode 600) when create is set and there is none. */
export function readAuditKey(keyFile: string, create: boolean): Buffer | null {
  try {
    const key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`the audit key ${keyFile} is not 32 bytes of base64: restore it from a backup`);
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    if (!create) return null;
  }
  const key = randomBytes(32);
  mkdirSync(join(keyFile, '..'), { recursive: true, mode: 0o700 });
  const fd = openSync(keyFile, 'wx', 0o600);
  try {
    writeSync(fd, key.toString('base64') + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return key;
}

export function readHead(headFile: string): Head | null {
  try {
    const h = JSON.parse(readFileSync(headFile, 'utf8')) as Head;
    return typeof h.seq === 'number' && typeof h.hash === 'string' && typeof h.mac === 'string' ? h : null;
  } catch {
    return null;
  }
}

export function headIsGenuine(head: Head, key: Buffer): boolean {
  const want = Buffer.from(headMac(key, head.seq, head.hash), 'hex');
  const got = Buffer.from(head.mac, 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}

export function headText(key: Buffer, seq: number, hash: string): string {
  return JSON.stringify({ seq, hash, mac: headMac(key, seq, hash) }) + '\n';
}

export function writeHeadSync(headFile: string, text: string): void {
  const tmp = `${headFile}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, headFile);
}

export async function writeHead(headFile: string, text: string): Promise<void> {
  const tmp = `${headFile}.tmp`;
  await writeFile(tmp, text, { mode: 0o600 });
  await rename(tmp, headFile);
}
