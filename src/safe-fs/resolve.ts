// Turning a path the model wrote into a real path inside the workspace, or a refusal.
// Every check is done on real paths (symlinks resolved), and what was opened is checked
// again through the descriptor, so a path that changes between check and use is caught.
//
// safe-fs makes its metadata calls (realpath, lstat, open, fstat, close, rename) synchronously
// on purpose: on a local disk each takes a microsecond or two, while its promise version
// costs 50-100 µs of thread-pool round trip, which would be most of a tool call. File
// contents beyond a small first chunk, and fsync, stay asynchronous.
import { realpathSync, lstatSync, statSync, readlinkSync, type Stats } from 'node:fs';
import { isAbsolute, resolve, relative, sep, dirname, basename, join } from 'node:path';
import { FsError, failed, refused, fromFsError } from './errors.ts';

/** The longest path accepted from the model; anything longer is noise or an attack. */
const MAX_PATH_CHARS = 4096;

export function isInside(root: string, p: string): boolean {
  if (p === root) return true;
  return p.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Workspace-relative, '/'-separated: the form the model is shown. */
export function relName(root: string, p: string): string {
  const rel = relative(root, p);
  return rel === '' ? '.' : rel.split(sep).join('/');
}

const realRoots = new Map<string, string>();

/** The workspace root as a real path. The caller promises an absolute real path; this makes sure once per process. */
export function realRoot(root: string, op: string): string {
  const known = realRoots.get(root);
  if (known) return known;
  if (!isAbsolute(root)) throw new FsError('failed', `${op} failed: the workspace path is not absolute`);
  let real: string;
  try {
    real = realpathSync.native(root);
  } catch {
    throw new FsError('failed', `${op} failed: the workspace folder does not exist`);
  }
  if (realRoots.size > 1000) realRoots.clear(); // bounded: roots are few, but never grow without end
  realRoots.set(root, real);
  return real;
}

export interface Resolved {
  /** The real workspace root. */
  root: string;
  /** Relative to the workspace, '/'-separated ('.' for the root): what the model is shown. */
  rel: string;
  /** The real path (symlinks resolved, inside the root) when the path exists; else null. */
  real: string | null;
  /** When the path does not exist: its deepest existing ancestor (real, inside the root)... */
  existing: string;
  /** ...and the names below it that are missing, outermost first. Empty when the path exists. */
  missing: string[];
}

/**
 * Resolves `p` (relative to the workspace, or absolute inside it) to a real path inside the
 * workspace, or throws an FsError naming `p`. Refuses `..` escapes, absolute paths outside,
 * any symlink on the way that leads outside, and a dangling symlink as the first missing part.
 */
export async function resolveInside(workspace: string, p: string, op: string): Promise<Resolved> {
  return resolveInsideSync(workspace, p, op);
}

export function resolveInsideSync(workspace: string, p: string, op: string): Resolved {
  if (typeof p !== 'string' || p.length === 0) throw failed(op, '', 'is not a path (it is empty)');
  if (p.includes('\0')) throw refused(op, p, 'contains a NUL character');
  if (p.length > MAX_PATH_CHARS) throw failed(op, p, `is longer than ${MAX_PATH_CHARS} characters`);
  const root = realRoot(workspace, op);

  let abs: string;
  if (isAbsolute(p)) {
    const given = resolve(p);
    const spelled = resolve(workspace); // the workspace as the caller spelled it, if not its real path
    if (isInside(root, given)) abs = given;
    else if (isInside(spelled, given)) abs = join(root, relative(spelled, given));
    else throw refused(op, p, 'is outside the workspace');
  } else {
    abs = resolve(root, p);
    if (!isInside(root, abs)) throw refused(op, p, 'is outside the workspace');
  }

  try {
    const real = realpathSync.native(abs);
    if (!isInside(root, real)) throw refused(op, p, 'leads outside the workspace through a symbolic link');
    return { root, rel: relName(root, abs), real, existing: real, missing: [] };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fromFsError(op, p, err);
  }

  // Missing: find the deepest ancestor that exists, and make sure it is inside too.
  const missing = [basename(abs)];
  let ancestor = dirname(abs);
  for (;;) {
    if (!isInside(root, ancestor)) throw failed(op, p, 'does not exist');
    try {
      const existing = realpathSync.native(ancestor);
      if (!isInside(root, existing)) throw refused(op, p, 'leads outside the workspace through a symbolic link');
      refuseDanglingLink(join(existing, missing[0]), op, p);
      return { root, rel: relName(root, abs), real: null, existing, missing };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fromFsError(op, p, err);
    }
    missing.unshift(basename(ancestor));
    ancestor = dirname(ancestor);
  }
}

/** realpath said ENOENT: if the name exists anyway, it is a symlink pointing nowhere (or somewhere unreadable). */
function refuseDanglingLink(path: string, op: string, p: string): void {
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch {
    return; // truly absent
  }
  if (st.isSymbolicLink()) throw refused(op, p, 'is (or passes through) a symbolic link whose target does not exist');
}

/** Where a descriptor really points (Linux /proc); null where that cannot be told. */
export function fdTarget(fd: number): string | null {
  try {
    const target = readlinkSync(`/proc/self/fd/${fd}`);
    return target.startsWith('/') ? target : null;
  } catch {
    return null;
  }
}

/**
 * After opening: is the file behind the descriptor inside? On Linux /proc/self/fd names
 * what was really opened. Elsewhere: the path must still resolve inside and name the same
 * inode.
 */
export function confirmOpened(fd: number, st: Stats, expected: string, root: string, op: string, p: string): void {
  const opened = fdTarget(fd);
  if (opened !== null) {
    if (!isInside(root, opened)) throw refused(op, p, 'changed while it was being opened and now leads outside the workspace');
    return;
  }
  let real: string | null = null;
  let now: Stats | null = null;
  try {
    real = realpathSync.native(expected);
    now = statSync(real);
  } catch {
    // gone or unreadable: refused below
  }
  if (!real || !isInside(root, real) || !now || now.dev !== st.dev || now.ino !== st.ino) {
    throw refused(op, p, 'changed while it was being opened; try again');
  }
}
