// Config changes as audit events: the configuration as it may be shown (credentials as
// "(set)", `${VAR}` values as their reference) is compared with the one seen last time, and
// each changed key becomes part of one `config/changed` event. The snapshot is kept beside
// the audit key (mode 600), so the diff never holds a secret, and the redactor runs over it
// on the way into the log anyway.
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface ConfigChange {
  key: string;
  from?: unknown;
  to?: unknown;
}

/** Leaf differences between two JSON-like values, as key paths. */
export function diffConfig(before: unknown, after: unknown, path = ''): ConfigChange[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObj(before) && isObj(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffConfig(before[k], after[k], path ? `${path}.${k}` : k));
  }
  const change: ConfigChange = { key: path || '(root)' };
  if (before !== undefined) change.from = before;
  if (after !== undefined) change.to = after;
  return [change];
}

export function configSnapshotPath(home: string): string {
  return join(home, 'keys', 'audit-config.json');
}

/**
 * Compares the shown config with the last snapshot; returns the changes (empty when none, or
 * when there was no snapshot yet: `first` tells) and saves the new snapshot.
 */
export function configChanges(home: string, shown: Record<string, unknown>): { first: boolean; changes: ConfigChange[] } {
  const file = configSnapshotPath(home);
  let previous: unknown;
  let first = false;
  try {
    previous = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    first = true;
  }
  const changes = first ? [] : diffConfig(previous, shown);
  if (first || changes.length > 0) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify(shown));
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  }
  return { first, changes };
}
