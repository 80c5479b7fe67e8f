// `grep`: search workspace files for a regular expression (or literal text). The model
// writes the pattern, so matching runs under a time limit: a pattern that backtracks
// catastrophically is stopped, not left to freeze the gateway.
import { z } from 'zod';
import vm from 'node:vm';
import { matchesGlob } from 'node:path';
import { walk, readFound, type WalkEntry } from '../safe-fs/index.ts';
import { ToolError, type ToolDef } from './types.ts';
import { fsCall } from './file-common.ts';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
const MAX_CONTEXT = 10;
/** Files bigger than this are not searched. */
const MAX_FILE_BYTES = 5 * 1024 * 1024;
/** Lines longer than this are not matched (minified code, data): costly and useless to show. */
const MAX_LINE_CHARS = 10_000;
/** Characters of a line shown in a result. */
const SHOW_LINE_CHARS = 500;
/** Text matched per guarded run. */
const BATCH_BYTES = 4 * 1024 * 1024;
/** Time all matching of one call may take. */
const MATCH_BUDGET_MS = 1000;
const WALK_TIME_MS = 3000;

const input = z.strictObject({
  pattern: z.string().min(1).max(1000).describe('Regular expression (JavaScript syntax) to search for, or plain text with literal: true'),
  path: z.string().min(1).optional().describe('Folder or file to search, relative to the workspace (default: the whole workspace)'),
  glob: z.string().min(1).max(500).optional().describe("Only search files whose name matches this glob, e.g. '*.ts' or 'src/**/*.spec.ts'"),
  ignoreCase: z.boolean().optional().describe('Match case-insensitively (default false)'),
  literal: z.boolean().optional().describe('Treat pattern as plain text, not a regular expression (default false)'),
  context: z.number().int().min(0).optional().describe('Lines to show before and after each match (default 0)'),
  limit: z.number().int().min(1).optional().describe(`Maximum number of matches to return (default ${DEFAULT_LIMIT})`),
});

export const grepTool: ToolDef<typeof input> = {
  name: 'grep',
  description: `Search the contents of workspace files for a pattern. Returns matching lines as "path:line: text" (context lines as "path-line- text"), paths relative to the workspace. Skips .git and node_modules (unless path points into them), binary files and files over 5 MB. At most ${DEFAULT_LIMIT} matches by default; lines are cut at ${SHOW_LINE_CHARS} characters.`,
  input,
  sideEffect: false,
  untrustedSource: (args) => `file:${args.path ?? '.'}`,
  async run(args, ctx) {
    const regex = compile(args.pattern, args.literal ?? false, args.ignoreCase ?? false);
    const glob = args.glob ? globTester(args.glob) : null;
    const limit = Math.min(args.limit ?? DEFAULT_LIMIT, MAX_LIMIT);
    const context = Math.min(args.context ?? 0, MAX_CONTEXT);
    const out: string[] = [];
    const state: SearchState & { skippedFiles: number; budget: number } = { matches: 0, longLines: 0, hitFiles: [], skippedFiles: 0, budget: MATCH_BUDGET_MS };
    let batch: Array<{ path: string; text: string }> = [];
    let batchBytes = 0;

    const flush = () => {
      if (batch.length === 0) return;
      const files = batch;
      batch = [];
      batchBytes = 0;
      const started = performance.now();
      try {
        runGuarded(() => search(files, regex, context, limit, state, out), state.budget);
      } catch (err) {
        if ((err as NodeJS.ErrnoException)?.code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw err;
        throw new ToolError(`grep stopped: matching took longer than ${MATCH_BUDGET_MS} ms, so the pattern probably backtracks catastrophically (nested repetition like (a+)+). Simplify the pattern, or search for plain text with literal: true.`);
      }
      state.budget -= performance.now() - started;
    };

    const summary = await fsCall('grep', () => walk(ctx.workspace, args.path ?? '.', async (entry: WalkEntry) => {
      if (entry.kind !== 'file') return;
      if (glob && !glob(entry.sub)) return;
      let text: string;
      try {
        text = (await readFound(ctx.workspace, entry.real, entry.path, MAX_FILE_BYTES, 'grep')).text;
      } catch {
        state.skippedFiles++; // binary, too big, hard-linked, unreadable: not searched
        return;
      }
      batch.push({ path: entry.path, text });
      batchBytes += text.length;
      if (batchBytes >= BATCH_BYTES) flush();
      return state.matches < limit;
    }, { op: 'grep', timeMs: WALK_TIME_MS, signal: ctx.signal }));
    if (state.matches < limit) flush();

    const notes: string[] = [];
    if (state.matches >= limit) notes.push(`stopped at ${limit} matches; use limit or a narrower pattern/path for more`);
    if (summary.stopped === 'entries') notes.push(`stopped after looking at ${summary.visited} entries; search a narrower path`);
    if (summary.stopped === 'time') notes.push(`stopped after ${WALK_TIME_MS / 1000} s; search a narrower path`);
    if (state.longLines > 0) notes.push(`${state.longLines} line(s) over ${MAX_LINE_CHARS} characters not searched`);
    if (state.skippedFiles > 0) notes.push(`${state.skippedFiles} file(s) not searched (binary, over 5 MB, or not readable)`);
    const body = out.length > 0 ? out.join('\n') : 'No matches found';
    // Only what the files hold can carry an attacker's words: shown only vouched-for files, the result is trusted.
    const trusted = state.hitFiles.every((f) => ctx.files?.vouchedFor(f.path, f.text));
    return { ok: true, output: notes.length > 0 ? `${body}\n\n[${notes.join('; ')}]` : body, ...(trusted ? { trusted: true } : {}) };
  },
};

function compile(pattern: string, literal: boolean, ignoreCase: boolean): RegExp {
  const source = literal ? pattern.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') : pattern;
  try {
    return new RegExp(source, ignoreCase ? 'i' : '');
  } catch (err) {
    throw new ToolError(`grep failed: the pattern is not a valid regular expression (${(err as Error).message}). Fix it, or set literal: true to search for plain text.`);
  }
}

/** A glob without "/" matches file names at any depth; one with "/" matches the path below the searched folder. */
function globTester(glob: string): (sub: string) => boolean {
  try {
    matchesGlob('probe', glob);
  } catch {
    throw new ToolError(`grep failed: the glob ${JSON.stringify(glob)} is not valid.`);
  }
  if (glob.includes('/')) return (sub) => matchesGlob(sub, glob);
  return (sub) => matchesGlob(sub.slice(sub.lastIndexOf('/') + 1), glob);
}

interface SearchState { matches: number; longLines: number; hitFiles: Array<{ path: string; text: string }> }

/** Synchronous on purpose: it runs inside runGuarded, which can stop it. */
function search(files: Array<{ path: string; text: string }>, regex: RegExp, context: number, limit: number, state: SearchState, out: string[]): void {
  for (const file of files) {
    if (state.matches >= limit) return;
    const lines = file.text.split('\n');
    if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
    const hits: number[] = [];
    for (let i = 0; i < lines.length && state.matches + hits.length < limit; i++) {
      const line = lines[i];
      if (line.length > MAX_LINE_CHARS) {
        state.longLines++;
        continue;
      }
      if (regex.test(line.endsWith('\r') ? line.slice(0, -1) : line)) hits.push(i);
    }
    if (hits.length === 0) continue;
    state.matches += hits.length;
    state.hitFiles.push(file);
    const isHit = new Set(hits);
    let printed = -1; // last line index shown for this file
    for (const hit of hits) {
      const from = Math.max(hit - context, printed + 1);
      const to = Math.min(hit + context, lines.length - 1);
      if (printed >= 0 && from > printed + 1) out.push('--');
      for (let i = from; i <= to; i++) {
        out.push(isHit.has(i) ? `${file.path}:${i + 1}: ${show(lines[i])}` : `${file.path}-${i + 1}- ${show(lines[i])}`);
      }
      printed = Math.max(printed, to);
    }
  }
}

function show(line: string): string {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  return text.length > SHOW_LINE_CHARS ? `${text.slice(0, SHOW_LINE_CHARS)}… [line cut]` : text;
}

let guard: { context: vm.Context; script: vm.Script } | null = null;

/**
 * Runs `job` with a time limit. node:vm's timeout interrupts the running code — regular
 * expression matching included — which nothing else in one thread can do. This is not a
 * sandbox: `job` is our own code; only the limit is borrowed.
 */
function runGuarded(job: () => void, timeoutMs: number): void {
  guard ??= { context: vm.createContext({ job: null }), script: new vm.Script('job()') };
  guard.context.job = job;
  try {
    guard.script.runInContext(guard.context, { timeout: Math.max(1, Math.floor(timeoutMs)) });
  } finally {
    guard.context.job = null;
  }
}
