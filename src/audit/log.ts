// The audit log: append-only JSON lines, each carrying the SHA-256 of the line before (the
// chain), with signed checkpoints every so often and a signed head kept beside the key.
// Appends are batched: lines are chained at once (so order is fixed when the event happens)
// and written with one write + fdatasync per batch, every few milliseconds, so thousands of
// events a second cost a few hundred syncs. Every string passes the redactor first.
// A torn last line (the process was killed mid-write) is cut off on open and reported with
// an event, and the chain continues from the last whole event.
import { closeSync, fdatasyncSync, fstatSync, ftruncateSync, mkdirSync, openSync, readSync, writeSync, chmodSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AuditRecord, AuditSink } from './types.ts';
import { ALWAYS_KEPT } from './types.ts';
import { GENESIS, checkpointMac, formatLine, lineHash, seqOf } from './format.ts';
import { auditKeyPaths, headIsGenuine, headText, readAuditKey, readHead, writeHeadSync } from './keys.ts';

export interface AuditLogOptions {
  /** The log file (security.audit.path; default <state>/audit.log). */
  path: string;
  /** The state folder: the key and head live in <home>/keys/. */
  home: string;
  /** Applied to every string of every event before it is written. */
  redact?: (text: string) => string;
  /** Kinds to keep (security.audit.events); alert and audit events are always kept. */
  kinds?: readonly string[];
  /** How long an event may wait for its batch to be written, in ms (default 5). */
  flushMs?: number;
  /** A signed checkpoint after this many events (default 1000), and at close. */
  checkpointEvery?: number;
  /** Told about anything found wrong on open (a torn tail, a cut log), as a sentence. */
  onProblem?: (message: string) => void;
}

const MAX_BATCH = 8192;
const TAIL_READ = 1 << 20;

export class AuditLog {
  readonly path: string;
  readonly headFile: string;
  /** What was found wrong when the log was opened, if anything. */
  readonly problems: string[] = [];
  private fd: number;
  private readonly key: Buffer;
  private readonly redact: ((text: string) => string) | undefined;
  private readonly kinds: Set<string> | null;
  private readonly flushMs: number;
  private readonly checkpointEvery: number;
  private seq = 0;
  private prev = GENESIS;
  private sinceCheckpoint = 0;
  private pending: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly onExit = () => this.flush();
  readonly sink: AuditSink = (record) => this.append(record);

  constructor(opts: AuditLogOptions) {
    this.path = opts.path;
    this.redact = opts.redact;
    this.kinds = opts.kinds ? new Set(opts.kinds) : null;
    this.flushMs = opts.flushMs ?? 5;
    this.checkpointEvery = opts.checkpointEvery ?? 1000;
    const { keyFile, headFile } = auditKeyPaths(opts.home, opts.path);
    this.headFile = headFile;
    this.key = readAuditKey(keyFile, true)!;
    mkdirSync(dirname(opts.path), { recursive: true, mode: 0o700 });
    this.fd = openSync(opts.path, 'a+', 0o600);
    const st = fstatSync(this.fd);
    if ((st.mode & 0o077) !== 0) {
      chmodSync(opts.path, 0o600);
      this.problems.push(`the audit log ${opts.path} had mode ${(st.mode & 0o777).toString(8)}; it is now 600`);
    }
    const torn = this.resume(st.size);
    const head = readHead(headFile);
    if (head && headIsGenuine(head, this.key) && head.seq > this.seq) {
      this.problems.push(`the audit log ${opts.path} ends at event ${this.seq}, but it had reached event ${head.seq}: events were removed from its end (run "hardshell audit verify")`);
    }
    for (const p of this.problems) opts.onProblem?.(p);
    if (torn) this.append({ kind: 'audit', action: 'torn_tail_recovered', afterSeq: this.seq, droppedBytes: torn.bytes, droppedSha256: torn.sha256 });
    process.on('exit', this.onExit);
  }

  /** Queues one event; it is durable within flushMs (or at flush/close). */
  append(record: AuditRecord): void {
    if (this.closed) return;
    if (this.kinds && !this.kinds.has(record.kind) && !ALWAYS_KEPT.has(record.kind)) return;
    const { kind, action, ...fields } = record;
    const clean = this.redact ? (redactStrings(fields, this.redact) as Record<string, unknown>) : fields;
    this.push(kind, this.redact ? this.redact(String(action)) : String(action), clean);
    if (++this.sinceCheckpoint >= this.checkpointEvery) this.checkpoint();
    if (this.pending.length >= MAX_BATCH) this.flush();
    else this.timer ??= setTimeout(() => { this.timer = null; this.flush(); }, this.flushMs);
  }

  /** Writes and syncs everything queued, then records how far the log has got. */
  flush(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    if (this.pending.length === 0) return;
    const text = this.pending.join('\n') + '\n';
    this.pending = [];
    const buf = Buffer.from(text, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off);
    fdatasyncSync(this.fd);
    writeHeadSync(this.headFile, headText(this.key, this.seq, this.prev));
  }

  /** Adds a closing checkpoint, writes everything and closes the file. */
  close(): void {
    if (this.closed) return;
    if (this.sinceCheckpoint > 0) this.checkpoint();
    this.flush();
    this.closed = true;
    process.off('exit', this.onExit);
    closeSync(this.fd);
  }

  /** The number of the last event. */
  get lastSeq(): number {
    return this.seq;
  }

  private push(kind: string, action: string, fields: Record<string, unknown>): void {
    this.seq++;
    const line = formatLine(this.seq, new Date().toISOString(), kind, action, fields, this.prev);
    this.prev = lineHash(line);
    this.pending.push(line);
  }

  private checkpoint(): void {
    this.sinceCheckpoint = 0;
    const mac = checkpointMac(this.key, this.seq + 1, this.prev);
    this.push('audit', 'checkpoint', { mac });
  }

  /** Finds the last whole event; cuts off a torn partial line after it. */
  private resume(size: number): { bytes: number; sha256: string } | null {
    if (size === 0) return null;
    let readFrom = Math.max(0, size - TAIL_READ);
    let tail = this.readRange(readFrom, size);
    let lastNl = tail.lastIndexOf(10);
    while (lastNl < 0 && readFrom > 0) {
      readFrom = Math.max(0, readFrom - TAIL_READ);
      tail = this.readRange(readFrom, size);
      lastNl = tail.lastIndexOf(10);
    }
    let torn: { bytes: number; sha256: string } | null = null;
    const keep = lastNl < 0 ? 0 : readFrom + lastNl + 1;
    if (keep < size) {
      const dropped = tail.subarray(lastNl + 1);
      torn = { bytes: dropped.length, sha256: lineHash(dropped.toString('latin1')) };
      this.problems.push(`the audit log ${this.path} ended in a partly written event (${dropped.length} bytes, from a crash or kill); it was cut off and the chain continues from the last whole event`);
      ftruncateSync(this.fd, keep);
    }
    if (lastNl < 0) return torn;
    const before = tail.lastIndexOf(10, lastNl - 1);
    if (before < 0 && readFrom > 0) {
      this.problems.push(`the last event of the audit log ${this.path} is longer than ${TAIL_READ} bytes; the chain continues from it`);
    }
    const line = tail.subarray(before + 1, lastNl).toString('utf8');
    this.prev = lineHash(line);
    const seq = seqOf(line);
    if (seq < 0) this.problems.push(`the last line of the audit log ${this.path} is not an audit event; run "hardshell audit verify"`);
    this.seq = Math.max(0, seq);
    return torn;
  }

  private readRange(from: number, to: number): Buffer {
    const buf = Buffer.alloc(to - from);
    let off = 0;
    while (off < buf.length) {
      const n = readSync(this.fd, buf, off, buf.length - off, from + off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  }
}

function redactStrings(value: unknown, redact: (s: string) => string): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((v) => redactStrings(v, redact));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactStrings(v, redact);
    return out;
  }
  return value;
}
