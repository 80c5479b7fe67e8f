// What the five file tools share: argument aliases that OpenClaw accepts, and turning
// safe-fs errors into ToolErrors whose sentences never carry host paths.
import { z } from 'zod';
import { FsError } from '../safe-fs/index.ts';
import { ToolError } from './types.ts';

/**
 * Accepts other spellings of argument names (`file_path` for `path`, ...) by renaming them
 * before the strict schema sees them. The JSON Schema the model is offered shows only the
 * canonical names. A canonical name given too wins; the alias then stays and is rejected.
 */
export function withAliases<S extends z.ZodType>(aliases: Record<string, string>, schema: S) {
  return z.preprocess((value) => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
    const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const [alias, canonical] of Object.entries(aliases)) {
      if (alias in out && !(canonical in out)) {
        out[canonical] = out[alias];
        delete out[alias];
      }
    }
    return out;
  }, schema);
}

/** Runs a file operation; safe-fs refusals become ToolErrors, raw fs errors lose their paths. */
export async function fsCall<T>(tool: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ToolError) throw err;
    if (err instanceof FsError) throw new ToolError(err.message);
    const code = (err as NodeJS.ErrnoException)?.code;
    if (typeof code === 'string') throw new ToolError(`${tool} failed: ${code}`);
    throw err;
  }
}

/** The path field every file tool has. */
export const pathField = (what: string) =>
  z.string().min(1).describe(`${what}, relative to the workspace (an absolute path is accepted only if it lies inside the workspace)`);

/** The workspace folder whose files are the agent's scratch paper: writing there is not a side effect. */
export const SCRATCH_DIR = 'scratch';

/** Whether a write to this path changes anything beyond the scratch folder. */
export function outsideScratch(path: string): boolean {
  const parts = path.split('/').filter((p) => p && p !== '.');
  return parts[0] !== SCRATCH_DIR || parts.length < 2 || parts.includes('..');
}
