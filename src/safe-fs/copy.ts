// A copy of a workspace for a sub-agent to work in: folders and regular files only. Symlinks,
// special files and hard-linked files (which may share their content with a file outside)
// are left out, so the copy holds nothing the agent's file tools could not read themselves.
import { constants } from 'node:fs';
import { mkdir, open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { walk } from './walk.ts';
import { failed } from './errors.ts';
import { formatBytes } from './read.ts';

export interface CopyLimits {
  maxBytes: number;
  maxFiles: number;
}

export interface CopySummary {
  files: number;
  bytes: number;
  /** Workspace-relative paths left out, and why (symlink, special file, hard link). */
  skipped: string[];
}

/** Copies workspace `from` into the empty or missing folder `to`; refuses when over the limits. */
export async function copyWorkspace(from: string, to: string, limits: CopyLimits, signal?: AbortSignal): Promise<CopySummary> {
  const summary: CopySummary = { files: 0, bytes: 0, skipped: [] };
  await mkdir(to, { recursive: true, mode: 0o700 });
  const walked = await walk(from, '.', async (entry) => {
    const target = join(to, entry.sub);
    if (entry.kind === 'dir') {
      await mkdir(target, { recursive: true, mode: 0o700 });
      return;
    }
    if (entry.kind !== 'file') {
      summary.skipped.push(`${entry.path} (${entry.kind === 'symlink' ? 'symbolic link' : 'special file'})`);
      return;
    }
    // O_NOFOLLOW and an fstat of what was opened: a file swapped for a link since the walk saw it is not followed.
    const handle = await open(entry.real, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => null);
    if (!handle) {
      summary.skipped.push(`${entry.path} (could not be opened)`);
      return;
    }
    try {
      const info = await handle.stat();
      if (!info.isFile() || info.nlink > 1) {
        summary.skipped.push(`${entry.path} (${info.isFile() ? 'hard link' : 'special file'})`);
        return;
      }
      summary.files++;
      summary.bytes += info.size;
      if (summary.files > limits.maxFiles || summary.bytes > limits.maxBytes) return false;
      await writeFile(target, await handle.readFile(), { mode: 0o600, flag: 'wx' });
    } finally {
      await handle.close();
    }
  }, { op: 'copy', maxEntries: limits.maxFiles * 4, timeMs: 60_000, signal });
  if (summary.files > limits.maxFiles || summary.bytes > limits.maxBytes || walked.stopped === 'entries') {
    throw failed('copy', '.', `(the workspace) is larger than a sub-agent's copy may be: at most ${limits.maxFiles} files and ${formatBytes(limits.maxBytes)}`);
  }
  if (walked.stopped) throw failed('copy', '.', `(the workspace) could not be copied completely (${walked.stopped === 'aborted' ? 'cancelled' : 'took too long'})`);
  return summary;
}
