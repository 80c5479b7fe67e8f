// Shared by the sandbox tests: one real bwrap backend, a throw-away hardshell home with
// secrets planted outside the workspace, and a snapshot of everything outside it.
import { mkdir, writeFile, readdir, lstat, readFile, readlink } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { TestContext } from 'node:test';
import { makeHome, type TestHome } from '../fixtures/home.ts';
import { BwrapBackend } from '../../src/sandbox/bwrap.ts';
import { DEFAULT_LIMITS, shellArgv, type Limits, type RunResult, type RunSpec } from '../../src/sandbox/types.ts';

export const bwrap = new BwrapBackend();

/** Why bwrap cannot run here, or null when it can (tests skip with this reason). */
export async function bwrapMissing(): Promise<string | null> {
  const ok = await bwrap.available();
  return ok.ok ? null : `bwrap is not usable here: ${ok.why} (${ok.install})`;
}

export interface Place extends TestHome {
  /** The real path of the workspace. */
  ws: string;
  sshKey: string;
  run(command: string, spec?: Partial<Omit<RunSpec, 'limits'>> & { limits?: Partial<Limits> }): Promise<RunResult>;
  /** Every path under the user's home except the workspace, with type, mode and content. */
  snapshotOutside(): Promise<Record<string, string>>;
}

export async function makePlace(t: TestContext, files: Record<string, string> = {}): Promise<Place> {
  const home = await makeHome({ config: { gateway: { port: 18789 } }, files });
  t.after(() => home.cleanup());
  const ws = realpathSync(home.workspace);
  const sshDir = join(home.userHome, '.ssh');
  await mkdir(sshDir, { mode: 0o700 });
  const sshKey = join(sshDir, 'id_rsa');
  await writeFile(sshKey, `-----BEGIN OPENSSH PRIVATE KEY-----\n${home.canary}\n-----END OPENSSH PRIVATE KEY-----\n`, { mode: 0o600 });
  await writeFile(join(home.home, 'hardshell.db'), `token-store ${home.canary}\n`, { mode: 0o600 });
  return {
    ...home, ws, sshKey,
    run(command, spec = {}) {
      const { limits, ...rest } = spec;
      return bwrap.run({
        argv: shellArgv(command), cwd: '.', env: {}, workspace: ws, workspaceAccess: 'rw', network: 'none',
        signal: new AbortController().signal, ...rest, limits: { ...DEFAULT_LIMITS, wallMs: 20_000, ...limits },
      });
    },
    async snapshotOutside() {
      const out: Record<string, string> = {};
      const visit = async (dir: string) => {
        for (const e of await readdir(dir, { withFileTypes: true })) {
          const full = join(dir, e.name);
          if (full === home.workspace || full === ws) continue;
          const st = await lstat(full);
          const key = relative(home.userHome, full);
          if (e.isSymbolicLink()) out[key] = `link ${await readlink(full)}`;
          else if (e.isDirectory()) { out[key] = `dir ${st.mode.toString(8)}`; await visit(full); }
          else out[key] = `file ${st.mode.toString(8)} ${await readFile(full, 'utf8')}`;
        }
      };
      await visit(home.userHome);
      return out;
    },
  };
}
