// Key paths: `agents.list[0].tools.allow` as text, and as arrays of keys and indexes.

export type KeyPath = Array<string | number>;

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

export function formatKeyPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (PLAIN_KEY.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

/** Parses `a.b[0].c`, `a.b.0.c` and `a["odd.key"]`; returns null when it cannot. */
export function parseKeyPath(text: string): KeyPath | null {
  const path: KeyPath = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '.') {
      if (i === 0 || i === text.length - 1) return null;
      i++;
      continue;
    }
    if (text[i] === '[') {
      const close = text.indexOf(']', i);
      if (close < 0) return null;
      const inner = text.slice(i + 1, close).trim();
      if (/^\d+$/.test(inner)) path.push(Number(inner));
      else if (/^"(?:[^"\\]|\\.)*"$/.test(inner)) path.push(JSON.parse(inner) as string);
      else return null;
      i = close + 1;
      continue;
    }
    let j = i;
    while (j < text.length && text[j] !== '.' && text[j] !== '[') j++;
    const part = text.slice(i, j);
    path.push(/^\d+$/.test(part) ? Number(part) : part);
    i = j;
  }
  return path.length > 0 ? path : null;
}

export function pathKey(path: readonly (string | number)[]): string {
  return JSON.stringify(path);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function getAt(root: unknown, path: readonly (string | number)[]): unknown {
  let node = root;
  for (const part of path) {
    if (typeof part === 'number') {
      if (!Array.isArray(node)) return undefined;
      node = node[part];
    } else {
      if (!isPlainObject(node) || !Object.hasOwn(node, part)) return undefined;
      node = node[part];
    }
  }
  return node;
}

/** Sets a value, creating objects on the way; returns false where a non-object is in the way. */
export function setAt(root: Record<string, unknown>, path: readonly (string | number)[], value: unknown): boolean {
  let node: any = root;
  for (let i = 0; i < path.length - 1; i++) {
    const part = path[i];
    if (node[part] === undefined) node[part] = {};
    node = node[part];
    if (typeof node !== 'object' || node === null) return false;
  }
  node[path[path.length - 1]] = value;
  return true;
}

export function deleteAt(root: unknown, path: readonly (string | number)[]): void {
  const parent = getAt(root, path.slice(0, -1));
  const last = path[path.length - 1];
  if (isPlainObject(parent) && typeof last === 'string') delete parent[last];
}

export function startsWith(path: readonly (string | number)[], prefix: readonly (string | number)[]): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => path[i] === p);
}

/** Edit distance counting a swap of two neighbours as one edit (typos are often swaps). */
export function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The closest candidate, if it is close enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const score = c.toLowerCase() === lower ? 0 : distance(lower, c.toLowerCase());
    if (score < bestScore) { best = c; bestScore = score; }
  }
  return bestScore <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}
