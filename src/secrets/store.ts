// The encrypted local secret store: one JSON file in the state folder, each value sealed with
// AES-256-GCM under a master key (HARDSHELL_MASTER_KEY, or <state>/keys/master.key, mode 600).
// Each value's name is its additional data, so values cannot be swapped between names, and
// a check value sealed under the same key makes a wrong key fail at once, before any value
// is opened: no partial decrypt. Values are only ever read from stdin by the CLI.
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SecretProvider } from './provider.ts';
import { SECRET_NAME } from './names.ts';
import { SecretError } from './errors.ts';

interface Sealed { iv: string; tag: string; data: string }
interface StoredSecret extends Sealed { created: string; updated: string }
interface StoreFile {
  version: 1;
  /** Salt for a passphrase given as HARDSHELL_MASTER_KEY. */
  salt: string;
  check: Sealed;
  secrets: Record<string, StoredSecret>;
}

export interface SecretListing { name: string; created: string; updated: string }

const CHECK_TEXT = 'hardshell secret store';
const CHECK_AAD = 'hardshell-store-check';
const aadFor = (name: string) => `hardshell-secret:${name}`;

export function storePaths(home: string): { file: string; keyFile: string } {
  return { file: join(home, 'secrets.enc.json'), keyFile: join(home, 'keys', 'master.key') };
}

export class SecretStore {
  readonly file: string;
  readonly keyFile: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(home: string, env: NodeJS.ProcessEnv) {
    const p = storePaths(home);
    this.file = p.file;
    this.keyFile = p.keyFile;
    this.env = env;
  }

  list(): SecretListing[] {
    const doc = this.open();
    if (!doc) return [];
    return Object.entries(doc.data.secrets).map(([name, s]) => ({ name, created: s.created, updated: s.updated })).sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): string | undefined {
    const doc = this.open();
    const entry = doc?.data.secrets[name];
    if (!doc || !entry) return undefined;
    return this.unsealEntry(doc.key, name, entry);
  }

  /** Every value at once (the file read and the key derived once); all or nothing. */
  all(): { name: string; value: string }[] {
    const doc = this.open();
    if (!doc) return [];
    return Object.keys(doc.data.secrets).sort().map((name) => ({ name, value: this.unsealEntry(doc.key, name, doc.data.secrets[name]) }));
  }

  private unsealEntry(key: Buffer, name: string, entry: Sealed): string {
    return unseal(entry, key, aadFor(name), `the secret "${name}" in ${this.file} cannot be decrypted: the file was changed or damaged; set it again with "hardshell secrets set ${name}"`);
  }

  /** Adds or replaces a secret. Returns whether it existed before. */
  set(name: string, value: string): boolean {
    if (!SECRET_NAME.test(name)) throw new SecretError(`"${name}" is not a valid secret name: use letters, digits and _ only`);
    if (value.length === 0) throw new SecretError(`the value for "${name}" is empty: pipe the value on stdin, e.g. "printf %s \\"$VALUE\\" | hardshell secrets set ${name}"`);
    const doc = this.open(true)!;
    const now = new Date().toISOString();
    const existed = name in doc.data.secrets;
    const created = existed ? doc.data.secrets[name].created : now;
    doc.data.secrets[name] = { ...seal(value, doc.key, aadFor(name)), created, updated: now };
    this.write(doc.data);
    return existed;
  }

  remove(name: string): boolean {
    const doc = this.open();
    if (!doc || !(name in doc.data.secrets)) return false;
    delete doc.data.secrets[name];
    this.write(doc.data);
    return true;
  }

  /** Opens the store with the master key, checking the key first. create: make both if absent. */
  private open(create = false): { data: StoreFile; key: Buffer } | null {
    let text: string | null = null;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new SecretError(`cannot read the secret store ${this.file}: ${(err as NodeJS.ErrnoException).code}`);
    }
    if (text === null) {
      if (!create) return null;
      const salt = randomBytes(16).toString('base64');
      const key = this.masterKey(salt, true);
      return { data: { version: 1, salt, check: seal(CHECK_TEXT, key, CHECK_AAD), secrets: {} }, key };
    }
    let data: StoreFile;
    try {
      data = JSON.parse(text) as StoreFile;
      if (data.version !== 1 || !data.check || typeof data.secrets !== 'object') throw new Error('shape');
    } catch {
      throw new SecretError(`the secret store ${this.file} is damaged (not a hardshell secret store file): restore it from a backup, or move it away and set the secrets again`);
    }
    const key = this.masterKey(data.salt, false);
    unseal(data.check, key, CHECK_AAD, `the secret store ${this.file} cannot be opened with this master key (${this.keySource()}): it is not the key the store was written with. Use the right HARDSHELL_MASTER_KEY or ${this.keyFile}; nothing was decrypted`);
    return { data, key };
  }

  private keySource(): string {
    return this.env.HARDSHELL_MASTER_KEY ? 'HARDSHELL_MASTER_KEY' : this.keyFile;
  }

  private masterKey(salt: string, create: boolean): Buffer {
    const given = this.env.HARDSHELL_MASTER_KEY;
    if (given) return parseMasterKey(given, salt);
    let text: string;
    try {
      const st = statSync(this.keyFile);
      if ((st.mode & 0o077) !== 0) {
        throw new SecretError(`the master key file ${this.keyFile} has mode ${(st.mode & 0o777).toString(8)}, so other users may read it: run "chmod 600 ${this.keyFile}"`);
      }
      text = readFileSync(this.keyFile, 'utf8').trim();
    } catch (err) {
      if (err instanceof SecretError) throw err;
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new SecretError(`cannot read the master key file ${this.keyFile}: ${(err as NodeJS.ErrnoException).code}`);
      if (!create) throw new SecretError(`the secret store ${this.file} exists but its master key does not: set HARDSHELL_MASTER_KEY or restore ${this.keyFile}`);
      const key = randomBytes(32);
      mkdirSync(dirname(this.keyFile), { recursive: true, mode: 0o700 });
      writeDurably(this.keyFile, key.toString('base64') + '\n');
      return key;
    }
    const key = Buffer.from(text, 'base64');
    if (key.length !== 32) throw new SecretError(`the master key file ${this.keyFile} does not hold a 32-byte base64 key: restore it from a backup`);
    return key;
  }

  private write(data: StoreFile): void {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    writeDurably(this.file, JSON.stringify(data, null, 1) + '\n');
  }
}

/** 64 hex characters or base64 of 32 bytes is the key itself; anything else is a passphrase. */
function parseMasterKey(given: string, salt: string): Buffer {
  const t = given.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) {
    const b = Buffer.from(t, 'base64');
    if (b.length === 32) return b;
  }
  if (t.length < 12) throw new SecretError('HARDSHELL_MASTER_KEY is too short: use 32 random bytes (64 hex characters or base64) or a passphrase of at least 12 characters');
  return scryptSync(t, Buffer.from(salt, 'base64'), 32);
}

function seal(text: string, key: Buffer, aad: string): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const data = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
}

/** Decrypts and authenticates; nothing is returned unless the tag checks out. */
function unseal(sealed: Sealed, key: Buffer, aad: string, failure: string): string {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    // Both parts are joined only after final() has verified the tag.
    const parts = [decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()];
    return Buffer.concat(parts).toString('utf8');
  } catch {
    throw new SecretError(failure);
  }
}

/** Writes a file mode 600 via a temporary file and rename, so a crash leaves old or new, never half. */
function writeDurably(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

export function storeProvider(home: string, env: NodeJS.ProcessEnv): SecretProvider {
  const store = new SecretStore(home, env);
  return {
    kind: 'store',
    all: () => store.all(),
    get: (name) => store.get(name),
    names: () => store.list().map((s) => s.name),
    whereToSet: (name) => `store it with "hardshell secrets set ${name}" (the value is read from stdin)`,
  };
}
