// An open folder, checked to lie inside the workspace, through which the names in it are
// reached without walking its path again. Node has no openat()/renameat(); on Linux the
// path /proc/self/fd/<fd>/<name> resolves through the open descriptor itself, which gives
// the same guarantee: once the folder is checked, swapping a folder on its path for a
// symlink cannot redirect a create, rename or unlink to somewhere outside.
import { openSync, closeSync, fstatSync, statSync, realpathSync, constants } from 'node:fs';
import { join } from 'node:path';
import { isInside, fdTarget } from './resolve.ts';
import { refused, fromFsError } from './errors.ts';

const O_DIR = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

export interface Anchor {
  /** The folder's real path when it was opened. */
  path: string;
  /** A path to `name` in exactly this folder. */
  at(name: string): string;
  /** A path that lists exactly this folder (for opendir). */
  list: string;
  close(): void;
}

/** Opens the folder `dir` (a final symlink is refused) and checks that what was opened lies inside `root`. */
export function openAnchor(root: string, dir: string, op: string, p: string): Anchor {
  let fd: number;
  try {
    fd = openSync(dir, O_DIR);
  } catch (err) {
    throw fromFsError(op, p, err);
  }
  const close = () => {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
  };
  try {
    const where = fdTarget(fd);
    if (where !== null) {
      if (!isInside(root, where)) throw refused(op, p, 'changed while it was being opened and now leads outside the workspace');
      const self = `/proc/self/fd/${fd}`;
      return { path: where, list: self, at: (name) => `${self}/${name}`, close };
    }
    // No /proc: the path must still resolve inside and name the folder that was opened.
    // Weaker: a swap after this check is not caught.
    const st = fstatSync(fd);
    const real = realpathSync.native(dir);
    const now = statSync(real);
    if (!isInside(root, real) || now.dev !== st.dev || now.ino !== st.ino) {
      throw refused(op, p, 'changed while it was being opened; try again');
    }
    return { path: real, list: real, at: (name) => join(real, name), close };
  } catch (err) {
    close();
    throw fromFsError(op, p, err);
  }
}
