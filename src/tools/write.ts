// `write`: create or replace a workspace file, atomically, creating its folders.
import { z } from 'zod';
import { writeTextAtomic, formatBytes, MAX_WRITE_BYTES } from '../safe-fs/index.ts';
import type { ToolDef } from './types.ts';
import { withAliases, fsCall, pathField, outsideScratch } from './file-common.ts';

const input = withAliases({ file_path: 'path' }, z.strictObject({
  path: pathField('The file to write'),
  content: z.string().describe('The complete new content of the file'),
}));

export const writeTool: ToolDef<typeof input> = {
  name: 'write',
  description: `Write a text file in the workspace: creates it (and any missing folders) or replaces its whole content. At most ${formatBytes(MAX_WRITE_BYTES)}. To change part of an existing file, use edit instead.`,
  input,
  sideEffect: true,
  sideEffectOf: (args) => outsideScratch(args.path),
  async run(args, ctx) {
    const r = await fsCall('write', () => writeTextAtomic(ctx.workspace, args.path, args.content, { op: 'write', signal: ctx.signal }));
    ctx.files?.wrote(r.path, args.content);
    return { ok: true, output: `${r.created ? 'Created' : 'Wrote'} ${r.path} (${formatBytes(r.bytes)})` };
  },
};
