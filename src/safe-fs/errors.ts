// The one error safe-fs throws: a plain sentence that names the path as the caller gave it.
// It never carries a host path beyond the workspace or an outside file's contents, because
// its message goes straight to the model. (tools/ turns it into a ToolError.)

export class FsError extends Error {
  override name = 'FsError';
  /** 'refused' for a security refusal, 'failed' for an ordinary problem (missing file, too big). */
  readonly kind: 'refused' | 'failed';
  constructor(kind: 'refused' | 'failed', message: string) {
    super(message);
    this.kind = kind;
  }
}

/** The path as the model wrote it, quoted and kept short: it is echoed, never resolved. */
export function quote(p: string): string {
  const short = p.length > 200 ? `${p.slice(0, 200)}…` : p;
  return JSON.stringify(short);
}

export function refused(op: string, p: string, why: string): FsError {
  return new FsError('refused', `${op} refused: ${quote(p)} ${why}`);
}

export function failed(op: string, p: string, why: string): FsError {
  return new FsError('failed', `${op} failed: ${quote(p)} ${why}`);
}

/**
 * Turns an unexpected error from node:fs into a sentence. Node's messages contain absolute
 * paths, so only the error code is kept.
 */
export function fromFsError(op: string, p: string, err: unknown): FsError {
  if (err instanceof FsError) return err;
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT': return failed(op, p, 'does not exist');
    case 'ENOTDIR': return failed(op, p, 'has a part that is a file, not a folder');
    case 'EISDIR': return failed(op, p, 'is a folder, not a file');
    case 'ELOOP': return refused(op, p, 'is a symbolic link (or passes through too many of them)');
    case 'EACCES': case 'EPERM': return failed(op, p, 'is not accessible (permission denied)');
    case 'ENAMETOOLONG': return failed(op, p, 'is too long a path');
    case 'ENOSPC': case 'EDQUOT': return failed(op, p, 'could not be written: the disk is full');
    case 'EROFS': return failed(op, p, 'could not be written: the file system is read-only');
    default: return failed(op, p, `could not be accessed (${code ?? 'unexpected error'})`);
  }
}
