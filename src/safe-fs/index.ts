// safe-fs: the one way hardshell's agent touches files. Every path is resolved inside the
// workspace; symlinks and hard links cannot lead out; reads and writes are bounded; writes
// are atomic. Errors are FsError sentences that name the path as the caller gave it.
export { FsError } from './errors.ts';
export { resolveInside, isInside, relName, type Resolved } from './resolve.ts';
export {
  readText, readWhole, readFound, formatBytes, MAX_READ_BYTES,
  type ReadOptions, type TextWindow, type WholeText,
} from './read.ts';
export { writeTextAtomic, MAX_WRITE_BYTES, type WriteOptions, type WriteResult } from './write.ts';
export { walk, DEFAULT_SKIP_DIRS, type WalkEntry, type WalkOptions, type WalkSummary, type Visitor, type EntryKind } from './walk.ts';
