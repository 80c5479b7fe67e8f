// Reading the audit log back: filtered queries (`audit query`), the last events (`audit
// tail`), and following new ones as they are written (`audit tail -f`).
import { closeSync, openSync, readSync, fstatSync, createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export interface AuditEvent {
  seq: number;
  time: string;
  kind: string;
  action: string;
  agentId?: string;
  [field: string]: unknown;
}

export interface AuditFilter {
  kinds?: string[];
  /** Events at or after this time. */
  since?: Date;
  agentId?: string;
}

/** "2026-11-01", an ISO time, or a duration back from now: 30s, 15m, 2h, 7d. */
export function parseSince(text: string, now = Date.now()): Date | null {
  const rel = /^(\d+)\s*([smhdw])$/.exec(text.trim());
  if (rel) {
    const unit = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 }[rel[2] as 's' | 'm' | 'h' | 'd' | 'w'];
    return new Date(now - Number(rel[1]) * unit);
  }
  const t = Date.parse(text);
  return Number.isNaN(t) ? null : new Date(t);
}

export function matches(e: AuditEvent, f: AuditFilter): boolean {
  if (f.kinds && f.kinds.length > 0 && !f.kinds.includes(e.kind)) return false;
  if (f.agentId && e.agentId !== f.agentId) return false;
  if (f.since && !(Date.parse(e.time) >= f.since.getTime())) return false;
  return true;
}

function parse(line: string): AuditEvent | null {
  if (!line.startsWith('{')) return null;
  try {
    const e = JSON.parse(line) as AuditEvent;
    delete e.prev;
    return e;
  } catch {
    return null;
  }
}

/** Every event that matches, oldest first. Lines that are not events are skipped. */
export async function* queryAuditLog(path: string, filter: AuditFilter = {}): AsyncGenerator<AuditEvent> {
  let stream;
  try {
    stream = createReadStream(path, { encoding: 'utf8' });
    await new Promise<void>((resolve, reject) => { stream!.once('open', () => resolve()); stream!.once('error', reject); });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
    const e = parse(line);
    if (e && matches(e, filter)) yield e;
  }
}

/** The last n events that match (reads the whole file; the log is read rarely). */
export async function lastEvents(path: string, n: number, filter: AuditFilter = {}): Promise<AuditEvent[]> {
  const out: AuditEvent[] = [];
  for await (const e of queryAuditLog(path, filter)) {
    out.push(e);
    if (out.length > n) out.shift();
  }
  return out;
}

/** Calls onEvent for each event written after now, until the signal aborts. */
export async function followAuditLog(path: string, onEvent: (e: AuditEvent) => void, signal: AbortSignal, filter: AuditFilter = {}, pollMs = 200): Promise<void> {
  let offset = sizeOf(path);
  let carry = '';
  while (!signal.aborted) {
    await new Promise((r) => setTimeout(r, pollMs));
    const size = sizeOf(path);
    if (size < offset) offset = 0; // the file was replaced
    if (size === offset) continue;
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(size - offset);
      const n = readSync(fd, buf, 0, buf.length, offset);
      offset += n;
      const text = carry + buf.toString('utf8', 0, n);
      const lines = text.split('\n');
      carry = lines.pop() ?? '';
      for (const line of lines) {
        const e = parse(line);
        if (e && matches(e, filter)) onEvent(e);
      }
    } finally {
      closeSync(fd);
    }
  }
}

function sizeOf(path: string): number {
  try {
    const fd = openSync(path, 'r');
    try { return fstatSync(fd).size; } finally { closeSync(fd); }
  } catch {
    return 0;
  }
}
