// The agent's long-term memory: MEMORY.md (loaded into every prompt) and memory/*.md (read on
// demand), in the workspace. Writes are recorded with their provenance: an entry written by
// a session that has read untrusted content is held for the owner's review instead of being
// written, so a prompt injection cannot plant instructions for later sessions.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { readWhole, resolveInside, walk, writeTextAtomic } from '../safe-fs/index.ts';
import { ToolError, type MemoryPort, type ToolContext, type ToolDef } from './types.ts';
import { fsCall } from './file-common.ts';

export const MEMORY_FILE = 'MEMORY.md';
const MEMORY_DIR = 'memory';
const MAX_ENTRY_CHARS = 4000;
const MAX_FILE_BYTES = 1024 * 1024;
const MEMORY_FILE_RE = /^(MEMORY\.md|memory\/[A-Za-z0-9][A-Za-z0-9._-]{0,100}\.md)$/;

export const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

function port(ctx: ToolContext, tool: string): MemoryPort {
  if (!ctx.memory) throw new ToolError(`${tool} is not available here: memory needs the agent's store`);
  return ctx.memory;
}

/** The memory file's text, or '' when it does not exist yet. */
async function readMemoryText(workspace: string, file: string, op: string): Promise<string> {
  const where = await fsCall(op, () => resolveInside(workspace, file, op));
  if (!where.real) return '';
  return (await fsCall(op, () => readWhole(workspace, file, MAX_FILE_BYTES, op))).text;
}

const readMemoryFile = (ctx: ToolContext, file: string, op: string) => readMemoryText(ctx.workspace, file, op);

/** Appends one note (a paragraph) to a memory file, atomically; returns the file's new text. */
export async function appendNote(workspace: string, file: string, note: string, signal?: AbortSignal): Promise<string> {
  const before = await readMemoryText(workspace, file, 'memory_write');
  const text = `${before}${before && !before.endsWith('\n') ? '\n' : ''}${before ? '\n' : ''}${note.trim()}\n`;
  await fsCall('memory_write', () => writeTextAtomic(workspace, file, text, { op: 'memory_write', maxBytes: MAX_FILE_BYTES, signal }));
  return text;
}

/** Memory files that exist, MEMORY.md first. */
async function memoryFiles(ctx: ToolContext, op: string): Promise<string[]> {
  const files: string[] = [];
  if ((await fsCall(op, () => resolveInside(ctx.workspace, MEMORY_FILE, op))).real) files.push(MEMORY_FILE);
  if ((await fsCall(op, () => resolveInside(ctx.workspace, MEMORY_DIR, op))).real) {
    await fsCall(op, () => walk(ctx.workspace, MEMORY_DIR, (entry) => {
      if (entry.kind === 'file' && MEMORY_FILE_RE.test(entry.path)) files.push(entry.path);
    }, { op, maxEntries: 2000, maxDepth: 1 }));
  }
  return files;
}

/** Memory content counts as trusted only while it is exactly what hardshell wrote or the owner accepted. */
function trustOf(ctx: ToolContext, file: string, text: string): string | undefined {
  return ctx.memory?.vouchedFor(file, text) ? undefined : `file:${file}`;
}

const writeInput = z.strictObject({
  content: z.string().min(1).max(MAX_ENTRY_CHARS).describe('The fact or note to remember, in a few sentences'),
  file: z.string().regex(MEMORY_FILE_RE, 'MEMORY.md or memory/<name>.md').optional()
    .describe('Where to keep it: MEMORY.md (default; loaded into every conversation) or memory/<topic>.md (read on demand)'),
});

export const memoryWriteTool: ToolDef<typeof writeInput> = {
  name: 'memory_write',
  description: 'Remember something for later conversations by appending a note to MEMORY.md (loaded into every conversation) or to memory/<topic>.md. Notes written after reading untrusted content (files, web pages, other people\'s messages) are held for the owner\'s review before they are used.',
  input: writeInput,
  sideEffect: true,
  async run(args, ctx) {
    const memory = port(ctx, 'memory_write');
    const file = args.file ?? MEMORY_FILE;
    if (memory.containsSecret(args.content)) {
      throw new ToolError('memory_write refused: the note contains what looks like a secret (a key, token or password); secrets are never kept in memory');
    }
    const entry = memory.record(file, args.content);
    if (entry.status === 'quarantined') {
      return { ok: true, output: `The note was saved for the owner's review (entry ${entry.id}) and is not in ${file} yet: this conversation has read untrusted content (${entry.taintedBy}), so notes from it are checked by a person first.` };
    }
    memory.wrote(file, await appendNote(ctx.workspace, file, args.content, ctx.signal));
    return { ok: true, output: `Remembered in ${file}.` };
  },
};

const getInput = z.strictObject({
  path: z.string().regex(MEMORY_FILE_RE, 'MEMORY.md or memory/<name>.md').describe('MEMORY.md or memory/<topic>.md'),
  from: z.number().int().min(1).optional().describe('First line to return (1-based, default 1)'),
  lines: z.number().int().min(1).max(2000).optional().describe('How many lines (default 200)'),
});

export const memoryGetTool: ToolDef<typeof getInput> = {
  name: 'memory_get',
  description: 'Read a memory file (MEMORY.md or memory/<topic>.md), or some of its lines.',
  input: getInput,
  sideEffect: false,
  async run(args, ctx) {
    const text = await readMemoryFile(ctx, args.path, 'memory_get');
    if (!text) return { ok: true, output: `[${args.path} is empty or does not exist yet]` };
    const all = text.split('\n');
    const from = args.from ?? 1;
    const shown = all.slice(from - 1, from - 1 + (args.lines ?? 200));
    return { ok: true, output: shown.join('\n'), untrusted: trustOf(ctx, args.path, text) };
  },
};

const searchInput = z.strictObject({
  query: z.string().min(1).max(500).describe('Words to look for'),
  maxResults: z.number().int().min(1).max(50).optional().describe('Most passages to return (default 8)'),
});

export const memorySearchTool: ToolDef<typeof searchInput> = {
  name: 'memory_search',
  description: 'Search memory (MEMORY.md and memory/*.md) for passages about a topic. Returns the best-matching passages with their file and line.',
  input: searchInput,
  sideEffect: false,
  async run(args, ctx) {
    const terms = [...new Set(args.query.toLowerCase().split(/\W+/).filter((t) => t.length > 1))];
    if (terms.length === 0) throw new ToolError('memory_search needs at least one word of two letters or more');
    const hits: Array<{ file: string; line: number; text: string; score: number }> = [];
    let untrusted: string | undefined;
    for (const file of await memoryFiles(ctx, 'memory_search')) {
      const text = await readMemoryFile(ctx, file, 'memory_search');
      let matched = false;
      // A passage is a paragraph: notes are appended one paragraph each.
      let line = 1;
      for (const passage of text.split(/\n\s*\n/)) {
        const lower = passage.toLowerCase();
        const score = terms.reduce((n, t) => n + (lower.includes(t) ? 1 : 0), 0);
        if (score > 0) {
          hits.push({ file, line, text: passage.trim().slice(0, 600), score });
          matched = true;
        }
        line += passage.split('\n').length + 1;
      }
      if (matched) untrusted ??= trustOf(ctx, file, text);
    }
    hits.sort((a, b) => b.score - a.score || a.file.localeCompare(b.file) || a.line - b.line);
    const top = hits.slice(0, args.maxResults ?? 8);
    if (top.length === 0) return { ok: true, output: `[nothing in memory matches "${args.query}"]` };
    return { ok: true, output: top.map((h) => `${h.file}:${h.line}\n${h.text}`).join('\n\n'), untrusted };
  },
};

export const memoryTools: ToolDef[] = [memorySearchTool, memoryGetTool, memoryWriteTool];
