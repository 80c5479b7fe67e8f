// A pids cgroup per sandbox, where this process may make one. It is needed because the
// kernel never applies RLIMIT_NPROC to processes of host uid 0: when the gateway runs as
// root, only a cgroup stops a fork bomb. As a normal user the rlimit works and a cgroup is a
// bonus (it exists when systemd delegated one).
import { accessSync, constants, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface PidsCgroup {
  dir: string;
  /** Writing a pid here moves that process (and its future children) into the cgroup. */
  procsFile: string;
  /** Whether a fork was refused because the cgroup was full. */
  hitLimit(): boolean;
  release(): Promise<void>;
}

let parent: string | null | undefined;

/** The folder under which sandbox cgroups are made, or null when none can be (cached). */
export function pidsCgroupParent(): string | null {
  if (parent !== undefined) return parent;
  parent = findParent();
  return parent;
}

function findParent(): string | null {
  let lines: string[];
  try {
    lines = readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n');
  } catch {
    return null;
  }
  const candidates: string[] = [];
  for (const line of lines) {
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first < 0 || second < 0) continue;
    const controllers = line.slice(first + 1, second);
    const rest = line.slice(second + 1);
    if (controllers.split(',').includes('pids')) candidates.push(join('/sys/fs/cgroup/pids', rest));
    else if (controllers === '') {
      // cgroup v2: usable only where the pids controller is already handed down to children.
      const base = join('/sys/fs/cgroup', rest);
      try {
        if (readFileSync(join(base, 'cgroup.subtree_control'), 'utf8').split(/\s+/).includes('pids')) candidates.push(base);
      } catch { /* not v2 here */ }
    }
  }
  for (const base of candidates) {
    const dir = join(base, 'hardshell-sandbox');
    try {
      mkdirSync(dir, { recursive: true });
      accessSync(join(dir, 'cgroup.procs'), constants.W_OK);
      return dir;
    } catch { /* not ours to use */ }
  }
  return null;
}

/** A fresh cgroup allowing `max` tasks, or null when cgroups are not available here. */
export function makePidsCgroup(max: number): PidsCgroup | null {
  const base = pidsCgroupParent();
  if (!base) return null;
  const dir = join(base, randomBytes(8).toString('hex'));
  try {
    mkdirSync(dir);
    writeFileSync(join(dir, 'pids.max'), String(max));
  } catch {
    try { rmdirSync(dir); } catch { /* never made */ }
    return null;
  }
  return {
    dir,
    procsFile: join(dir, 'cgroup.procs'),
    hitLimit() {
      try {
        const m = /^max (\d+)/m.exec(readFileSync(join(dir, 'pids.events'), 'utf8'));
        return m !== null && Number(m[1]) > 0;
      } catch {
        return false;
      }
    },
    async release() {
      // The last processes may still be exiting: try for a moment, then leave it (empty cgroups cost nothing).
      for (let i = 0; i < 50; i++) {
        try {
          rmdirSync(dir);
          return;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    },
  };
}
