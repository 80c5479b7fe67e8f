// Walking a workspace folder for grep and find: depth first, in name order, never into a
// symlinked folder, skipping .git and node_modules unless asked for them, and bounded in
// entries and time so a huge tree cannot stall a turn.
import { opendirSync, lstatSync } from 'node:fs';
import { join, basename } from 'node:path';
import { resolveInsideSync } from './resolve.ts';
import { openAnchor, type Anchor } from './anchor.ts';
import { failed, fromFsError } from './errors.ts';

export type EntryKind = 'file' | 'dir' | 'symlink' | 'other';

export interface WalkEntry {
  /** Workspace-relative, '/'-separated. */
  path: string;
  /** Relative to the folder the walk started in, '/'-separated (the file's name for a one-file walk). */
  sub: string;
  /** Real absolute path, inside the workspace (for a symlink: the link itself). */
  real: string;
  kind: EntryKind;
}

export interface WalkOptions {
  /** The tool name used in error sentences (default 'find'). */
  op?: string;
  /** Most entries looked at (default 20 000). */
  maxEntries?: number;
  /** Most milliseconds spent (default 3000). */
  timeMs?: number;
  /** Folder names neither listed nor entered below the start (default .git and node_modules). */
  skipDirs?: readonly string[];
  /** Deepest folder level entered (default 64). */
  maxDepth?: number;
  signal?: AbortSignal;
}

export interface WalkSummary {
  visited: number;
  /** Why the walk ended before the whole tree was seen; null when it saw it all. */
  stopped: null | 'entries' | 'time' | 'visitor' | 'aborted';
}

/** Return false to stop the walk. */
export type Visitor = (entry: WalkEntry) => boolean | void | Promise<boolean | void>;

export const DEFAULT_SKIP_DIRS: readonly string[] = ['.git', 'node_modules'];

/** Visits `p` (a folder or a single file in the workspace) and, for a folder, everything below it. */
export async function walk(workspace: string, p: string, visit: Visitor, options: WalkOptions = {}): Promise<WalkSummary> {
  const op = options.op ?? 'find';
  const maxEntries = options.maxEntries ?? 20_000;
  const deadline = performance.now() + (options.timeMs ?? 3000);
  const skip = new Set(options.skipDirs ?? DEFAULT_SKIP_DIRS);
  const maxDepth = options.maxDepth ?? 64;
  const r = resolveInsideSync(workspace, p, op);
  if (!r.real) throw failed(op, p, 'does not exist');
  let start;
  try {
    start = lstatSync(r.real);
  } catch (err) {
    throw fromFsError(op, p, err);
  }
  if (!start.isDirectory()) {
    const kind: EntryKind = start.isFile() ? 'file' : 'other';
    const go = await visit({ path: r.rel, sub: basename(r.real), real: r.real, kind });
    return { visited: 1, stopped: go === false ? 'visitor' : null };
  }

  const root = r.root;
  const prefix = r.rel === '.' ? '' : `${r.rel}/`;
  let visited = 0;
  interface Pending { real: string; sub: string; kind: EntryKind; depth: number }
  const stack: Pending[] = [];
  pushChildren(r.real, '', 0);
  while (stack.length > 0) {
    if (options.signal?.aborted) return { visited, stopped: 'aborted' };
    if (visited >= maxEntries) return { visited, stopped: 'entries' };
    if (performance.now() > deadline) return { visited, stopped: 'time' };
    const item = stack.pop()!;
    if (++visited % 1000 === 0) await new Promise((go) => setImmediate(go)); // let other work run during a long walk
    const go = await visit({ path: prefix + item.sub, sub: item.sub, real: item.real, kind: item.kind });
    if (go === false) return { visited, stopped: 'visitor' };
    if (item.kind === 'dir' && item.depth < maxDepth) {
      pushChildren(item.real, item.sub, item.depth + 1);
    }
  }
  return { visited, stopped: null };

  function pushChildren(dir: string, sub: string, depth: number): void {
    // Listed through an anchor (see anchor.ts): a folder swapped for a symlink since it was
    // seen is either refused when opened or found elsewhere than expected, and not entered.
    let folder: Anchor;
    try {
      folder = openAnchor(root, dir, op, p);
    } catch {
      return;
    }
    const children: Pending[] = [];
    try {
      if (folder.path !== dir) return;
      const budget = maxEntries - visited;
      const handle = opendirSync(folder.list, { bufferSize: 128 });
      try {
        for (let d = handle.readSync(); d !== null; d = handle.readSync()) {
          const kind: EntryKind = d.isDirectory() ? 'dir' : d.isFile() ? 'file' : d.isSymbolicLink() ? 'symlink' : 'other';
          if (kind === 'dir' && skip.has(d.name)) continue;
          children.push({ real: join(dir, d.name), sub: sub ? `${sub}/${d.name}` : d.name, kind, depth });
          if (children.length >= budget) break;
        }
      } finally {
        handle.closeSync();
      }
    } catch {
      return; // unreadable folder: seen as empty
    } finally {
      folder.close();
    }
    children.sort((a, b) => (a.sub < b.sub ? 1 : a.sub > b.sub ? -1 : 0)); // reversed: the stack pops in name order
    for (const c of children) stack.push(c);
  }
}
