// `find`: list workspace files whose path matches a glob.
import { z } from 'zod';
import { matchesGlob } from 'node:path';
import { walk, type WalkEntry } from '../safe-fs/index.ts';
import { ToolError, type ToolDef } from './types.ts';
import { fsCall } from './file-common.ts';

const DEFAULT_LIMIT = 1000;
const MAX_LIMIT = 5000;
const WALK_TIME_MS = 3000;

const input = z.strictObject({
  pattern: z.string().min(1).max(500).describe("Glob to match, e.g. '*.ts' (file names at any depth), '**/*.json' or 'src/**/*.spec.ts' (paths below the searched folder)"),
  path: z.string().min(1).optional().describe('Folder to search in, relative to the workspace (default: the whole workspace)'),
  limit: z.number().int().min(1).optional().describe(`Maximum number of results (default ${DEFAULT_LIMIT})`),
});

export const findTool: ToolDef<typeof input> = {
  name: 'find',
  description: `Find files in the workspace by glob pattern. Returns matching paths relative to the workspace, one per line, folders ending in "/". A pattern without "/" matches names at any depth; names starting with a dot match only patterns that start with one. Skips .git and node_modules unless path points into them. At most ${DEFAULT_LIMIT} results by default.`,
  input,
  sideEffect: false,
  untrustedSource: (args) => `file:${args.path ?? '.'}`,
  async run(args, ctx) {
    const pattern = args.pattern.replace(/^(\.\/)+/, '');
    try {
      matchesGlob('probe', pattern);
    } catch {
      throw new ToolError(`find failed: the pattern ${JSON.stringify(args.pattern)} is not a valid glob.`);
    }
    const byName = !pattern.includes('/');
    const limit = Math.min(args.limit ?? DEFAULT_LIMIT, MAX_LIMIT);
    const found: string[] = [];
    const summary = await fsCall('find', () => walk(ctx.workspace, args.path ?? '.', (entry: WalkEntry) => {
      const subject = byName ? entry.sub.slice(entry.sub.lastIndexOf('/') + 1) : entry.sub;
      if (!matchesGlob(subject, pattern)) return;
      found.push(entry.kind === 'dir' ? `${entry.path}/` : entry.path);
      return found.length < limit;
    }, { op: 'find', timeMs: WALK_TIME_MS, signal: ctx.signal }));

    const notes: string[] = [];
    if (found.length >= limit) notes.push(`stopped at ${limit} results; use limit or a narrower pattern/path for more`);
    if (summary.stopped === 'entries') notes.push(`stopped after looking at ${summary.visited} entries; search a narrower path`);
    if (summary.stopped === 'time') notes.push(`stopped after ${WALK_TIME_MS / 1000} s; search a narrower path`);
    const body = found.length > 0 ? found.join('\n') : 'No files found matching the pattern';
    return { ok: true, output: notes.length > 0 ? `${body}\n\n[${notes.join('; ')}]` : body };
  },
};
