// Reading workspace files: opened without following a final symlink, without blocking on a
// fifo, checked through the descriptor (a regular file, one link, really inside), and read
// in a bounded window so a huge file never lands in memory or in the model's context whole.
// (Metadata calls are synchronous on purpose: see resolve.ts.)
import { openSync, closeSync, fstatSync, lstatSync, readSync, read, constants, type Stats } from 'node:fs';
import { promisify } from 'node:util';
import { dirname, basename } from 'node:path';
import { resolveInsideSync, confirmOpened, realRoot, isInside } from './resolve.ts';
import { openAnchor } from './anchor.ts';
import { FsError, failed, refused, fromFsError } from './errors.ts';

/** Most bytes readText returns by default. */
export const MAX_READ_BYTES = 1024 * 1024;
/** Files up to this size are scanned to the end to count their lines; bigger ones are not. */
const COUNT_LINES_UP_TO = 8 * 1024 * 1024;
const CHUNK = 64 * 1024;
/** How much of the start is looked at for NUL bytes to call a file binary. */
const SNIFF = 8192;
/** Reads up to this size are done synchronously (page cache: microseconds); bigger ones are not. */
const SYNC_READ_BYTES = 256 * 1024;

const O_READ = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const readAsync = promisify(read);

export interface OpenedFile {
  fd: number;
  /** Workspace-relative name. */
  rel: string;
  size: number;
  /** Permission bits (0o777). */
  mode: number;
  close(): void;
}

/** Why a stat'ed thing is not a file we read or write; null when it is one. */
export function notARegularFile(st: Stats, op: string, p: string): FsError | null {
  if (st.isDirectory()) return failed(op, p, 'is a folder, not a file');
  if (st.isSymbolicLink()) return refused(op, p, 'is a symbolic link that changed while it was being opened');
  if (!st.isFile()) return refused(op, p, `is not a regular file (it is ${kindOf(st)})`);
  if (st.nlink > 1) {
    return refused(op, p, `has ${st.nlink} hard links, so it may be the same file as one outside the workspace; hardshell only reads and writes files that have a single link`);
  }
  return null;
}

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a fifo';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'a special file';
}

/** Opens a workspace file for reading after every check. The caller closes it. */
export function openForRead(workspace: string, p: string, op = 'read'): OpenedFile {
  const r = resolveInsideSync(workspace, p, op);
  if (!r.real) throw failed(op, p, 'does not exist');
  return openReal(r.root, r.real, r.rel, p, op);
}

/**
 * Opens a real path already known to lie inside `root` (walk and resolveInside give those),
 * through an anchor on its folder so a folder swapped on the way cannot redirect the open.
 */
export function openReal(root: string, real: string, rel: string, p: string, op: string): OpenedFile {
  if (real === root) throw failed(op, p, 'is a folder, not a file');
  const folder = openAnchor(root, dirname(real), op, p);
  try {
    const at = folder.at(basename(real));
    // lstat first so special files (devices) are refused without ever being opened.
    const pre = lstatSync(at);
    const bad = notARegularFile(pre, op, p);
    if (bad) throw bad;
    const fd = openSync(at, O_READ);
    const close = () => {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    };
    try {
      const st = fstatSync(fd);
      const wrong = notARegularFile(st, op, p);
      if (wrong) throw wrong;
      if (st.dev !== pre.dev || st.ino !== pre.ino) throw refused(op, p, 'changed while it was being opened; try again');
      confirmOpened(fd, st, real, root, op, p);
      return { fd, rel, size: st.size, mode: st.mode & 0o777, close };
    } catch (err) {
      close();
      throw err;
    }
  } catch (err) {
    throw fromFsError(op, p, err);
  } finally {
    folder.close();
  }
}

/** Reads at `pos`: synchronously when small (the usual case), else off the main thread. */
async function readAt(fd: number, buf: Buffer, offset: number, length: number, pos: number, total: number): Promise<number> {
  if (total <= SYNC_READ_BYTES) return readSync(fd, buf, offset, length, pos);
  return (await readAsync(fd, buf, offset, length, pos)).bytesRead;
}

export interface ReadOptions {
  /** First line to return, 1-based (default 1). */
  offset?: number;
  /** Most lines to return (default: no line limit). */
  limit?: number;
  /** Most bytes to return (default MAX_READ_BYTES). */
  maxBytes?: number;
  /** The tool name used in error sentences (default 'read'). */
  op?: string;
}

export interface TextWindow {
  /** Workspace-relative name. */
  path: string;
  text: string;
  /** First line returned (1-based). */
  startLine: number;
  /** Last line returned, partly or whole; startLine - 1 when none. */
  endLine: number;
  /** Lines in the file, or null when the file is too big to count them all. */
  totalLines: number | null;
  /** File size in bytes. */
  size: number;
  /** Whether the file goes on after what was returned. */
  more: boolean;
  /** Whether the last line returned was cut at the byte limit. */
  lineCut: boolean;
}

/** Reads a window of lines of a workspace text file. Binary files are refused. */
export async function readText(workspace: string, p: string, options: ReadOptions = {}): Promise<TextWindow> {
  const op = options.op ?? 'read';
  const file = openForRead(workspace, p, op);
  try {
    return await readWindow(file, options, op, p);
  } catch (err) {
    throw fromFsError(op, p, err);
  } finally {
    file.close();
  }
}

async function readWindow(file: OpenedFile, options: ReadOptions, op: string, p: string): Promise<TextWindow> {
  const offset = Math.max(1, Math.floor(options.offset ?? 1));
  const limit = options.limit === undefined ? Infinity : Math.max(1, Math.floor(options.limit));
  const maxBytes = Math.max(1, options.maxBytes ?? MAX_READ_BYTES);
  const buf = Buffer.allocUnsafe(Math.min(Math.max(file.size, 1), CHUNK));
  const parts: Buffer[] = [];
  let taken = 0;
  let line = 1; // the line the next byte belongs to
  let newlines = 0;
  let lastByte = -1;
  let endLine = offset - 1;
  let full = false; // the window is complete: what follows is only counted
  let lineCut = false;
  let stoppedEarly = false;
  let pos = 0;

  for (;;) {
    const bytesRead = await readAt(file.fd, buf, 0, buf.length, pos, pos === 0 ? buf.length : file.size);
    if (bytesRead === 0) break;
    const chunk = buf.subarray(0, bytesRead);
    if (pos < SNIFF && chunk.subarray(0, SNIFF - pos).includes(0)) {
      throw failed(op, p, 'looks like a binary file (it contains NUL bytes); read shows text files only');
    }
    pos += bytesRead;
    lastByte = chunk[bytesRead - 1];
    let i = 0;
    while (i < chunk.length) {
      const nl = chunk.indexOf(10, i);
      const end = nl === -1 ? chunk.length : nl + 1;
      if (!full && line >= offset) {
        if (line - offset >= limit) {
          full = true;
        } else {
          const room = maxBytes - taken;
          const piece = chunk.subarray(i, end);
          if (piece.length <= room) {
            parts.push(Buffer.from(piece));
            taken += piece.length;
            if (taken >= maxBytes) full = true;
          } else {
            parts.push(Buffer.from(piece.subarray(0, utf8Boundary(piece, room))));
            taken = maxBytes;
            lineCut = true;
            full = true;
          }
          endLine = line;
        }
      }
      if (nl !== -1) {
        line++;
        newlines++;
      }
      i = end;
    }
    if (full && file.size > COUNT_LINES_UP_TO && pos < file.size) {
      stoppedEarly = true;
      break;
    }
  }

  const totalLines = !stoppedEarly ? newlines + (lastByte !== -1 && lastByte !== 10 ? 1 : 0) : null;
  if (totalLines !== null && offset > Math.max(totalLines, 1)) {
    throw failed(op, p, `has ${totalLines} line${totalLines === 1 ? '' : 's'}; offset ${offset} is past its end`);
  }
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(Buffer.concat(parts));
  const more = lineCut || (totalLines === null ? true : endLine < totalLines);
  return { path: file.rel, text, startLine: offset, endLine, totalLines, size: file.size, more, lineCut };
}

/** The largest cut ≤ n that does not split a UTF-8 character. */
function utf8Boundary(bytes: Buffer, n: number): number {
  let cut = Math.min(n, bytes.length);
  while (cut > 0 && cut < bytes.length && (bytes[cut] & 0xc0) === 0x80) cut--;
  return cut;
}

export interface WholeText {
  path: string;
  text: string;
  size: number;
  mode: number;
}

/**
 * Reads a whole workspace text file (for edit), refusing files bigger than `maxBytes`,
 * binary files, and — because a rewrite must not mangle what it did not understand —
 * bytes that are not valid UTF-8.
 */
export async function readWhole(workspace: string, p: string, maxBytes: number, op: string): Promise<WholeText> {
  const file = openForRead(workspace, p, op);
  try {
    return await readOpened(file, maxBytes, op, p);
  } finally {
    file.close();
  }
}

/**
 * Reads a file a walk found (for grep): every check readWhole makes, without resolving the
 * path again (the walk holds its real path). Bytes that are not UTF-8 are decoded lossily.
 */
export async function readFound(workspace: string, real: string, rel: string, maxBytes: number, op: string): Promise<WholeText> {
  const root = realRoot(workspace, op);
  if (!isInside(root, real)) throw refused(op, rel, 'is outside the workspace');
  const file = openReal(root, real, rel, rel, op);
  try {
    return await readOpened(file, maxBytes, op, rel, true);
  } finally {
    file.close();
  }
}

/**
 * Reads all of an opened file; see readWhole. `lossy` decodes bytes that are not UTF-8 as
 * U+FFFD instead of refusing (for searching, where nothing is written back).
 */
async function readOpened(file: OpenedFile, maxBytes: number, op: string, p: string, lossy = false): Promise<WholeText> {
  if (file.size > maxBytes) {
    throw failed(op, p, `is ${formatBytes(file.size)}, more than the ${formatBytes(maxBytes)} ${op} limit`);
  }
  try {
    const data = Buffer.allocUnsafe(file.size + 1);
    let got = 0;
    for (;;) {
      const bytesRead = await readAt(file.fd, data, got, data.length - got, got, file.size);
      if (bytesRead === 0) break;
      got += bytesRead;
      if (got > file.size) throw failed(op, p, 'grew while it was being read; try again');
    }
    const bytes = data.subarray(0, got);
    if (bytes.subarray(0, SNIFF).includes(0)) throw failed(op, p, `looks like a binary file (it contains NUL bytes); ${op} works on text files only`);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: !lossy, ignoreBOM: true }).decode(bytes);
    } catch {
      throw failed(op, p, `is not valid UTF-8 text; ${op} works on UTF-8 text files only`);
    }
    return { path: file.rel, text, size: got, mode: file.mode };
  } catch (err) {
    throw fromFsError(op, p, err);
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n % 1024 === 0 ? 0 : 1)} KiB`;
  const mib = n / (1024 * 1024);
  return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB`;
}
