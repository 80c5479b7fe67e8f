// One audit event is one JSON line: {"seq":N,"time":…,"kind":…,"action":…,…fields,"prev":H}
// where H is the SHA-256 (hex) of the previous line's bytes, without its newline. `prev` is
// always last and always 64 hex characters, so verify can find it without parsing JSON.
import { createHmac, hash } from 'node:crypto';

export const GENESIS = '0'.repeat(64);
const PREV_TAIL = ',"prev":"'.length + 64 + '"}'.length;
const RESERVED = new Set(['seq', 'time', 'kind', 'action', 'prev']);

export function lineHash(line: string): string {
  return hash('sha256', line, 'hex');
}

/** The prev hash written at the end of a line, or null when the line does not end like one. */
export function prevOf(line: string): string | null {
  if (line.length < PREV_TAIL || !line.endsWith('"}')) return null;
  const at = line.length - PREV_TAIL;
  if (!line.startsWith(',"prev":"', at)) return null;
  return line.slice(at + 9, line.length - 2);
}

/** The seq at the start of a line, or -1. */
export function seqOf(line: string): number {
  if (!line.startsWith('{"seq":')) return -1;
  let n = 0;
  let i = 7;
  for (; i < line.length && i < 24; i++) {
    const c = line.charCodeAt(i);
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
  }
  return i === 7 || line[i] !== ',' ? -1 : n;
}

export function formatLine(seq: number, time: string, kind: string, action: string, fields: Record<string, unknown>, prev: string): string {
  const body: Record<string, unknown> = { seq, time, kind, action };
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    body[RESERVED.has(k) ? `field_${k}` : k] = v;
  }
  return JSON.stringify(body).slice(0, -1) + `,"prev":"${prev}"}`;
}

/** What a checkpoint signs: the chain up to seq - 1 ends in the hash prev. */
export function checkpointMac(key: Buffer, seq: number, prev: string): string {
  return createHmac('sha256', key).update(`hardshell-audit-checkpoint:${seq}:${prev}`).digest('hex');
}

/** What the key-held head signs: the log's last event is seq, and its line hashes to hash. */
export function headMac(key: Buffer, seq: number, hashHex: string): string {
  return createHmac('sha256', key).update(`hardshell-audit-head:${seq}:${hashHex}`).digest('hex');
}
