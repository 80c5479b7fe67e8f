// `read`: a window of a workspace text file, with a note saying how to read on.
import { z } from 'zod';
import { readText, readWhole, formatBytes, MAX_WRITE_BYTES, type TextWindow } from '../safe-fs/index.ts';
import type { ToolContext, ToolDef } from './types.ts';
import { withAliases, fsCall, pathField } from './file-common.ts';

/** Defaults that keep one result well under the 64 KiB a tool result may put in context. */
const DEFAULT_LINES = 2000;
const MAX_BYTES = 50 * 1024;

const input = withAliases({ file_path: 'path' }, z.strictObject({
  path: pathField('The file to read'),
  offset: z.number().int().min(1).optional().describe('Line number to start reading from (1-based, default 1)'),
  limit: z.number().int().min(1).optional().describe(`Maximum number of lines to read (default ${DEFAULT_LINES})`),
}));

export const readTool: ToolDef<typeof input> = {
  name: 'read',
  description: `Read a text file in the workspace. Returns up to ${DEFAULT_LINES} lines or ${MAX_BYTES / 1024} KB, whichever comes first; when the file goes on, a note at the end gives the offset to continue from. Use offset and limit to read a part of a large file.`,
  input,
  sideEffect: false,
  untrustedSource: (args) => `file:${args.path}`,
  async run(args, ctx) {
    const w = await fsCall('read', () => readText(ctx.workspace, args.path, {
      offset: args.offset,
      limit: args.limit ?? DEFAULT_LINES,
      maxBytes: MAX_BYTES,
      op: 'read',
    }));
    if (w.size === 0) return { ok: true, output: '[the file is empty]' };
    const notes: string[] = [];
    if (w.lineCut) notes.push(`line ${w.endLine} is longer than ${formatBytes(MAX_BYTES)} and was cut`);
    if (w.more) {
      const of = w.totalLines === null ? ` (the file is ${formatBytes(w.size)}, too big to count its lines)` : ` of ${w.totalLines}`;
      notes.push(`showing lines ${w.startLine}-${w.endLine}${of}; use offset=${w.endLine + 1} to continue`);
    }
    const text = notes.length > 0 ? `${w.text}${w.text.endsWith('\n') ? '' : '\n'}\n[${notes.join('; ')}]` : w.text;
    return { ok: true, output: text, ...(await cleanlyWritten(ctx, args.path, w) ? { trusted: true } : {}) };
  },
};

/** Whether the whole file is vouched for (trustedFiles, or exactly what a clean session wrote). */
async function cleanlyWritten(ctx: ToolContext, path: string, w: TextWindow): Promise<boolean> {
  if (!ctx.files?.mayVouch(w.path)) return false;
  // The window is the whole file, decoded without a replaced byte: its text is what a second
  // read would give (readWhole refuses bytes that are not UTF-8, which come out as U+FFFD here).
  if (w.startLine === 1 && !w.more && !w.text.includes('\uFFFD')) return ctx.files.vouchedFor(w.path, w.text);
  const whole = await readWhole(ctx.workspace, path, MAX_WRITE_BYTES, 'read').catch(() => null);
  return whole !== null && ctx.files.vouchedFor(whole.path, whole.text);
}
