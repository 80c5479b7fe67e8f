// The log file: every line through the redactor before it is written, rotated by size
// (the current file becomes <file>.<time>), and rotated files older than
// logging.retention.days removed. Files are mode 600: logs say who did what.
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

export interface LogFileOptions {
  file: string;
  redact: (line: string) => string;
  maxBytes?: number;
  retentionDays: number;
  now?: () => number;
}

export class LogFile {
  readonly file: string;
  private fd: number;
  private size: number;
  private readonly redact: (line: string) => string;
  private readonly maxBytes: number;
  private readonly retentionDays: number;
  private readonly now: () => number;

  constructor(opts: LogFileOptions) {
    this.file = opts.file;
    this.redact = opts.redact;
    this.maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
    this.retentionDays = opts.retentionDays;
    this.now = opts.now ?? Date.now;
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    this.fd = openSync(this.file, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
    this.prune();
  }

  /** pino calls this with each serialised line. */
  write(line: string): boolean {
    if (this.fd < 0) return false;
    const clean = this.redact(line);
    const buf = Buffer.from(clean.endsWith('\n') ? clean : clean + '\n');
    if (this.size > 0 && this.size + buf.length > this.maxBytes) this.rotate();
    writeSync(this.fd, buf);
    this.size += buf.length;
    return true;
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }

  /** The rotated files beside the current one, oldest first. */
  rotated(): string[] {
    const dir = dirname(this.file);
    const prefix = basename(this.file) + '.';
    return readdirSync(dir).filter((f) => f.startsWith(prefix) && /\d{4}-\d\d-\d\dT/.test(f.slice(prefix.length))).sort().map((f) => join(dir, f));
  }

  private rotate(): void {
    closeSync(this.fd);
    const stamp = new Date(this.now()).toISOString().replace(/:/g, '-');
    let target = `${this.file}.${stamp}`;
    for (let i = 1; existsQuiet(target); i++) target = `${this.file}.${stamp}.${i}`;
    renameSync(this.file, target);
    this.fd = openSync(this.file, 'a', 0o600);
    this.size = 0;
    this.prune();
  }

  /** Removes rotated files last written more than retentionDays ago. */
  private prune(): void {
    const cutoff = this.now() - this.retentionDays * 86_400_000;
    for (const f of this.rotated()) {
      try {
        if (statSync(f).mtimeMs < cutoff) unlinkSync(f);
      } catch {
        // Already gone: nothing to do.
      }
    }
  }
}

function existsQuiet(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
