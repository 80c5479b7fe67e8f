// Writing workspace files atomically: the new text goes to a fresh temp file (O_EXCL, no
// symlink followed) in the target's own folder, is flushed to disk, and is renamed over the
// target. A reader sees the old file or the new one, never half of one; a failure leaves the
// old file and no temp file. rename() replaces a symlink itself, never what it points to.
// (Metadata calls are synchronous on purpose: see resolve.ts.)
import {
  openSync, closeSync, fstatSync, lstatSync, mkdirSync, renameSync, unlinkSync, writeSync, fchmodSync,
  write, fdatasync, constants,
} from 'node:fs';
import { promisify } from 'node:util';
import { join, dirname, basename } from 'node:path';
import { randomBytes } from 'node:crypto';
import { resolveInsideSync, confirmOpened } from './resolve.ts';
import { openAnchor, type Anchor } from './anchor.ts';
import { notARegularFile, formatBytes } from './read.ts';
import { FsError, failed, refused, fromFsError, quote } from './errors.ts';

/** Most bytes one write may put in a file by default. */
export const MAX_WRITE_BYTES = 5 * 1024 * 1024;
const NEW_FILE_MODE = 0o644;
const NEW_DIR_MODE = 0o755;
/** Content up to this size is written synchronously (to the page cache: microseconds). */
const SYNC_WRITE_BYTES = 256 * 1024;
const O_TEMP = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
const writeAsync = promisify(write);
const fdatasyncAsync = promisify(fdatasync);

export interface WriteOptions {
  /** Most bytes accepted (default MAX_WRITE_BYTES). */
  maxBytes?: number;
  /** The tool name used in error sentences (default 'write'). */
  op?: string;
  /** When aborted, the write is not committed (the temp file is removed). */
  signal?: AbortSignal;
}

export interface WriteResult {
  /** Workspace-relative name. */
  path: string;
  bytes: number;
  /** Whether the file did not exist before. */
  created: boolean;
}

/**
 * Writes `text` (UTF-8) to a workspace file atomically, creating missing parent folders
 * inside the workspace. Keeps an existing file's permission bits; new files get 0644.
 */
export async function writeTextAtomic(workspace: string, p: string, text: string, options: WriteOptions = {}): Promise<WriteResult> {
  const op = options.op ?? 'write';
  const maxBytes = options.maxBytes ?? MAX_WRITE_BYTES;
  const data = Buffer.from(text, 'utf8');
  if (data.length > maxBytes) {
    throw new FsError('refused', `${op} refused: the new content of ${quote(p)} is ${formatBytes(data.length)}, more than the ${formatBytes(maxBytes)} limit for one ${op}`);
  }
  const r = resolveInsideSync(workspace, p, op);
  if (r.rel === '.' || r.real === r.root) throw failed(op, p, 'is the workspace folder itself, not a file');

  // Every step below goes through an anchor on the target's folder (see anchor.ts), so a
  // folder swapped for a symlink meanwhile cannot send a create, rename or unlink outside.
  let folder: Anchor;
  let name: string;
  if (r.real) {
    folder = openAnchor(r.root, dirname(r.real), op, p); // symlinks that stay inside are written through
    name = basename(r.real);
  } else {
    folder = openAnchor(r.root, r.existing, op, p);
    for (const dir of r.missing.slice(0, -1)) folder = makeFolder(r.root, folder, dir, op, p);
    name = r.missing[r.missing.length - 1];
  }

  const temp = `.hardshell-${randomBytes(6).toString('hex')}.tmp`;
  let created = false;
  let renamed = false;
  let fd: number | null = null;
  try {
    let mode = NEW_FILE_MODE;
    const before = lstatOrNull(folder.at(name));
    if (before === null) created = true;
    else {
      if (before.isSymbolicLink()) throw refused(op, p, 'is a symbolic link that changed while it was being written');
      const bad = notARegularFile(before, op, p);
      if (bad) throw bad;
      mode = before.mode & 0o777;
    }
    fd = openSync(folder.at(temp), O_TEMP, 0o600);
    confirmOpened(fd, fstatSync(fd), join(folder.path, temp), r.root, op, p);
    await writeAll(fd, data);
    fchmodSync(fd, mode);
    await fdatasyncAsync(fd);
    closeSync(fd);
    fd = null;
    if (options.signal?.aborted) throw failed(op, p, 'was not written: the turn was stopped');
    renameSync(folder.at(temp), folder.at(name));
    renamed = true;
  } catch (err) {
    throw fromFsError(op, p, err);
  } finally {
    if (fd !== null) try { closeSync(fd); } catch { /* already closed */ }
    if (!renamed) try { unlinkSync(folder.at(temp)); } catch { /* never created */ }
    folder.close();
  }
  return { path: r.rel, bytes: data.length, created };
}

function lstatOrNull(path: string) {
  try {
    return lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function writeAll(fd: number, data: Buffer): Promise<void> {
  let done = 0;
  while (done < data.length) {
    done += data.length <= SYNC_WRITE_BYTES
      ? writeSync(fd, data, done, data.length - done, done)
      : (await writeAsync(fd, data, done, data.length - done, done)).bytesWritten;
  }
}

/**
 * Creates the folder `name` in `parent` (or uses the plain folder already there) and
 * returns an anchor on it, closing `parent`. A symlink in its place is refused: mkdir -p
 * would follow it.
 */
function makeFolder(root: string, parent: Anchor, name: string, op: string, p: string): Anchor {
  try {
    try {
      mkdirSync(parent.at(name), { mode: NEW_DIR_MODE });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const st = lstatSync(parent.at(name));
    if (st.isSymbolicLink()) throw refused(op, p, 'passes through a symbolic link that appeared while its folders were being created');
    if (!st.isDirectory()) throw failed(op, p, `has a part (${quote(name)}) that is not a folder`);
    return openAnchor(root, parent.at(name), op, p);
  } catch (err) {
    throw fromFsError(op, p, err);
  } finally {
    parent.close();
  }
}
