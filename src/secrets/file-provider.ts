// Secrets from a folder of one-secret files, such as Docker's /run/secrets: the file name is
// the secret's name and its content the value (one trailing newline dropped). A file that
// others may read, or a symlink (which could point anywhere), is refused, naming the file.
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretProvider } from './provider.ts';
import { SECRET_NAME } from './names.ts';
import { SecretError } from './errors.ts';

export const DEFAULT_SECRETS_DIR = '/run/secrets';

export function fileProvider(dir: string): SecretProvider {
  return {
    kind: 'file',
    get: (name) => readSecretFile(dir, name),
    names: () => {
      let entries: string[];
      try {
        entries = readdirSync(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw new SecretError(`cannot list the secrets folder ${dir} (secrets.dir): ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      return entries.filter((e) => SECRET_NAME.test(e)).sort();
    },
    whereToSet: (name) => `write it to the file ${join(dir, name)} (secrets.dir) and run "chmod 600 ${join(dir, name)}"`,
  };
}

function readSecretFile(dir: string, name: string): string | undefined {
  if (!SECRET_NAME.test(name)) return undefined;
  const file = join(dir, name);
  let st;
  try {
    st = lstatSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SecretError(`cannot read the secret file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (st.isSymbolicLink()) {
    throw new SecretError(`the secret file ${file} is a symlink, which hardshell does not follow (it could point anywhere): replace it with the file itself and run "chmod 600 ${file}"`);
  }
  if (!st.isFile()) throw new SecretError(`the secret ${file} is not a regular file: put the value in a file of that name and run "chmod 600 ${file}"`);
  // Open without following links and check the opened file, so a swap after lstat is caught.
  const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const opened = fstatSync(fd);
    if (opened.ino !== st.ino || opened.dev !== st.dev) throw new SecretError(`the secret file ${file} changed while it was being read: try again`);
    if ((opened.mode & 0o077) !== 0) {
      const mode = (opened.mode & 0o777).toString(8).padStart(3, '0');
      throw new SecretError(`the secret file ${file} has mode ${mode}, so other users may read it: run "chmod 600 ${file}" (hardshell refuses group- or world-readable secret files)`);
    }
    const text = readFileSync(fd, 'utf8');
    return text.replace(/\r?\n$/, '');
  } finally {
    closeSync(fd);
  }
}
