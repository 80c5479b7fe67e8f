// A temp folder holding a workspace and, next to it (not inside), an "outside" folder with a
// canary secret. Snapshots of everything outside the workspace prove that nothing there changed.
import { mkdtemp, mkdir, writeFile, rm, readdir, readFile, lstat, readlink, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ToolContext, ToolResult } from '../../src/tools/types.ts';
import { runTool } from '../../src/agent/run-tool.ts';
import { fileTools } from '../../src/tools/files.ts';

export interface Place {
  /** The temp folder holding both. */
  base: string;
  /** The workspace (real path): base/ws. */
  workspace: string;
  /** A folder next to the workspace: base/outside. */
  outside: string;
  canary: string;
  /** base/outside/secret.txt, holding the canary. */
  canaryFile: string;
  ctx: ToolContext;
  /** Every path outside the workspace with its type, mode and content. */
  snapshotOutside(): Promise<Record<string, string>>;
  call(tool: string, args: unknown, signal?: AbortSignal): Promise<ToolResult>;
  cleanup(): Promise<void>;
}

export async function makePlace(files: Record<string, string> = {}): Promise<Place> {
  const base = await realpath(await mkdtemp(join(tmpdir(), 'hardshell-fs-')));
  const workspace = join(base, 'ws');
  const outside = join(base, 'outside');
  await mkdir(workspace);
  await mkdir(outside);
  const canary = `CANARY-${randomBytes(12).toString('hex')}`;
  const canaryFile = join(outside, 'secret.txt');
  await writeFile(canaryFile, `${canary}\n`, { mode: 0o600 });
  await writeFile(join(base, 'top-secret.txt'), `${canary} top\n`, { mode: 0o600 });
  for (const [rel, text] of Object.entries(files)) {
    const target = join(workspace, rel);
    await mkdir(join(target, '..'), { recursive: true });
    await writeFile(target, text);
  }
  const ctx: ToolContext = { workspace, agentId: 'test', sessionId: 'test-session', signal: new AbortController().signal };
  return {
    base, workspace, outside, canary, canaryFile, ctx,
    async snapshotOutside() {
      const out: Record<string, string> = {};
      const visit = async (dir: string) => {
        for (const e of await readdir(dir, { withFileTypes: true })) {
          const full = join(dir, e.name);
          if (full === workspace) continue;
          const st = await lstat(full);
          const key = relative(base, full);
          if (e.isSymbolicLink()) out[key] = `link ${await readlink(full)}`;
          else if (e.isDirectory()) { out[key] = `dir ${st.mode.toString(8)}`; await visit(full); }
          else out[key] = `file ${st.mode.toString(8)} ${st.nlink} ${await readFile(full, 'utf8')}`;
        }
      };
      await visit(base);
      return out;
    },
    call(tool, args, signal) {
      const def = fileTools.find((t) => t.name === tool);
      if (!def) throw new Error(`no tool ${tool}`);
      return runTool(def, args, signal ? { ...ctx, signal } : ctx);
    },
    cleanup: () => rm(base, { recursive: true, force: true }),
  };
}
