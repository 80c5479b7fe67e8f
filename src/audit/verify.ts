// `hardshell audit verify`: walks the log once, checking that every event's seq follows the
// one before and that its prev is the hash of the line before (an edited, dropped, reordered
// or inserted event breaks one of these), that every checkpoint is signed by the audit key,
// and that the log reaches the signed head kept beside the key (a cut tail, or a log rewritten
// from scratch with a fresh consistent chain, does not). Says where, by line and seq.
import { closeSync, openSync, readSync } from 'node:fs';
import { timingSafeEqual } from 'node:crypto';
import { GENESIS, checkpointMac, lineHash, prevOf, seqOf } from './format.ts';
import { auditKeyPaths, headIsGenuine, readAuditKey, readHead } from './keys.ts';

export interface VerifyProblem {
  /** 1-based line number in the file (0: the file as a whole). */
  line: number;
  seq?: number;
  message: string;
}

export interface VerifyResult {
  ok: boolean;
  file: string;
  events: number;
  checkpoints: number;
  lastSeq: number;
  /** Whether the signed head was found and matched (false also when there is no key or head). */
  headChecked: boolean;
  problems: VerifyProblem[];
}

const CHUNK = 16 << 20;
const MAX_PROBLEMS = 50;

export function verifyAuditLog(path: string, home: string): VerifyResult {
  const { keyFile, headFile } = auditKeyPaths(home, path);
  const key = readAuditKey(keyFile, false);
  const head = readHead(headFile);
  const result: VerifyResult = { ok: true, file: path, events: 0, checkpoints: 0, lastSeq: 0, headChecked: false, problems: [] };
  const problem = (p: VerifyProblem) => {
    result.ok = false;
    if (result.problems.length < MAX_PROBLEMS) result.problems.push(p);
  };

  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !head) return result;
    problem({ line: 0, message: `cannot open the audit log ${path}: ${(err as NodeJS.ErrnoException).code}${head ? ' (events were written to it before)' : ''}` });
    return result;
  }

  let expectSeq = -1; // unknown until the first line
  let prev = GENESIS;
  let lineNo = 0;
  let headHashAt: string | null = null;
  const checkLine = (line: string) => {
    lineNo++;
    const seq = seqOf(line);
    const writtenPrev = prevOf(line);
    if (seq < 0 || writtenPrev === null) {
      problem({ line: lineNo, message: `line ${lineNo} is not an audit event (it was edited, or is damaged)` });
    } else {
      if (expectSeq === -1) {
        if (seq !== 1) problem({ line: lineNo, seq, message: `the log starts at event ${seq}, not 1: its beginning was removed` });
      } else if (seq !== expectSeq) {
        problem({ line: lineNo, seq, message: seq > expectSeq
          ? `line ${lineNo} holds event ${seq} where event ${expectSeq} should be: ${seq - expectSeq} event(s) before it were removed`
          : `line ${lineNo} holds event ${seq} where event ${expectSeq} should be: events were reordered or repeated` });
      }
      if (writtenPrev !== prev) {
        problem({ line: lineNo, seq, message: lineNo === 1
          ? `event ${seq} on line 1 does not start the chain: the log's beginning was removed or replaced`
          : `event ${seq} on line ${lineNo} does not follow the line before it (its prev hash differs): line ${lineNo - 1} was changed, or events between them were removed or moved` });
      }
      if (line.includes('"action":"checkpoint"') && line.includes('"kind":"audit"')) {
        result.checkpoints++;
        checkCheckpoint(line, seq, writtenPrev);
      }
      expectSeq = seq + 1;
      result.lastSeq = seq;
    }
    prev = lineHash(line);
    if (head && seq === head.seq) headHashAt = prev;
    result.events++;
  };
  const checkCheckpoint = (line: string, seq: number, linePrev: string) => {
    if (!key) return;
    let mac: unknown;
    try {
      mac = (JSON.parse(line) as { mac?: unknown }).mac;
    } catch {
      mac = undefined;
    }
    const want = Buffer.from(checkpointMac(key, seq, linePrev), 'hex');
    const got = typeof mac === 'string' ? Buffer.from(mac, 'hex') : Buffer.alloc(0);
    if (got.length !== want.length || !timingSafeEqual(got, want)) {
      problem({ line: lineNo, seq, message: `the checkpoint at event ${seq} (line ${lineNo}) is not signed by this log's audit key: the log was rewritten` });
    }
  };

  try {
    const buf = Buffer.alloc(CHUNK);
    let carry = Buffer.alloc(0);
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      const data = carry.length ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
      const last = data.lastIndexOf(10);
      if (last < 0) { carry = Buffer.from(data); continue; }
      const text = data.toString('utf8', 0, last);
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        checkLine(text.slice(start, nl));
        start = nl + 1;
      }
      checkLine(text.slice(start));
      carry = Buffer.from(data.subarray(last + 1));
    }
    if (carry.length > 0) {
      problem({ line: lineNo + 1, message: `the last line (${lineNo + 1}) is incomplete, ${carry.length} bytes without an end: a write was cut short (a crash) or the file was cut; hardshell cuts it off and continues the chain the next time it opens the log` });
    }
  } finally {
    closeSync(fd);
  }

  if (!key) {
    problem({ line: 0, message: `the audit key ${keyFile} is missing, so checkpoints and the log's end cannot be checked: restore it from a backup` });
  } else if (head) {
    if (!headIsGenuine(head, key)) {
      problem({ line: 0, message: `the head record ${headFile} is not signed by the audit key: it was edited` });
    } else if (result.lastSeq < head.seq) {
      problem({ line: lineNo, seq: result.lastSeq, message: `the log ends at event ${result.lastSeq}, but events up to ${head.seq} were written: the end of the log was cut off` });
    } else if (headHashAt !== head.hash) {
      problem({ line: 0, seq: head.seq, message: `event ${head.seq} is not the event that was written as number ${head.seq}: the log was rewritten` });
    } else {
      result.headChecked = true;
    }
  } else if (result.events > 0) {
    problem({ line: 0, message: `there is no head record (${headFile}) for this log, though it has events: it was removed, or the log was copied here from elsewhere` });
  }
  return result;
}
