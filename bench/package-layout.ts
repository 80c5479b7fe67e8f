// The package as npm would install it — bin/, the compiled dist/ and the dependencies, no
// sources — so whole-command timings are measured the way users run hardshell.
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { report } from './stats.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SOURCE_BIN = join(ROOT, 'bin/hardshell');

/** Builds dist/, lays the package out in a scratch folder, and runs fn with its bin; skipped (said so) if the build fails. */
export async function withPackageLayout(fn: (bin: string) => Promise<void>): Promise<void> {
  try {
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'pipe' });
  } catch (err) {
    report('published layout', `skipped: "npm run build" failed: ${(err as { stderr?: Buffer }).stderr?.toString().trim()}`);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'hardshell-pkg-'));
  try {
    await mkdir(join(dir, 'bin'));
    await cp(SOURCE_BIN, join(dir, 'bin/hardshell'));
    await cp(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
    await cp(join(ROOT, 'package.json'), join(dir, 'package.json'));
    await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    await fn(join(dir, 'bin/hardshell'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
