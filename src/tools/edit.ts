// `edit`: replace one exact piece of text in a workspace file. The piece must occur exactly
// once, so the model cannot change a place it did not mean.
import { z } from 'zod';
import { readWhole, writeTextAtomic, MAX_WRITE_BYTES } from '../safe-fs/index.ts';
import { ToolError, type ToolDef } from './types.ts';
import { withAliases, fsCall, pathField, outsideScratch } from './file-common.ts';

const input = withAliases({ file_path: 'path', old_string: 'oldText', new_string: 'newText' }, z.strictObject({
  path: pathField('The file to edit'),
  oldText: z.string().min(1).describe('The exact text to replace, including whitespace and line breaks; it must occur exactly once in the file'),
  newText: z.string().describe('The text to put in its place'),
}));

export const editTool: ToolDef<typeof input> = {
  name: 'edit',
  description: 'Edit a text file in the workspace by replacing one exact piece of text (oldText) with new text (newText). oldText must match the file exactly, whitespace included, and occur exactly once: include enough surrounding lines to make it unique. Read the file first.',
  input,
  sideEffect: true,
  sideEffectOf: (args) => outsideScratch(args.path),
  async run(args, ctx) {
    return fsCall('edit', async () => {
      const file = await readWhole(ctx.workspace, args.path, MAX_WRITE_BYTES, 'edit');
      let { oldText, newText } = args;
      let count = occurrences(file.text, oldText);
      if (count === 0 && file.text.includes('\r\n') && !oldText.includes('\r')) {
        // The model usually writes \n; the file uses \r\n. Match and replace in the file's style.
        const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');
        const n = occurrences(file.text, crlf(oldText));
        if (n > 0) [oldText, newText, count] = [crlf(oldText), crlf(newText), n];
      }
      const name = JSON.stringify(file.path);
      if (count === 0) {
        throw new ToolError(`edit failed: oldText was not found in ${name}. It must match the file exactly, including whitespace, indentation and line breaks; read the file again and copy the text.`);
      }
      if (count > 1) {
        throw new ToolError(`edit failed: oldText occurs ${count} times in ${name}; it must occur exactly once. Include more of the surrounding text to make it unique.`);
      }
      if (oldText === newText) throw new ToolError('edit failed: oldText and newText are the same, so there is nothing to change.');
      const at = file.text.indexOf(oldText);
      const updated = file.text.slice(0, at) + newText + file.text.slice(at + oldText.length);
      const r = await writeTextAtomic(ctx.workspace, args.path, updated, { op: 'edit', signal: ctx.signal });
      ctx.files?.wrote(r.path, updated, file.text);
      const line = lineOf(file.text, at);
      const newLines = newText.split('\n').length;
      const span = newLines > 1 ? `lines ${line}-${line + newLines - 1}` : `line ${line}`;
      return { ok: true, output: `Edited ${file.path}: replaced 1 occurrence (now ${span}).` };
    });
  },
};

/** Occurrences of `needle`, overlapping ones too: an ambiguous match is not exactly one. */
function occurrences(haystack: string, needle: string): number {
  let count = 0;
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + 1)) count++;
  return count;
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
