// Would git ignore this file? Read from the .gitignore files between the work tree's root
// and the file, and .git/info/exclude, without running git (posture never spawns). Covers
// what people write in practice: globs, `**`, anchoring, trailing `/`, and `!` negation.

interface Rule { re: RegExp; negate: boolean; dirOnly: boolean }

/** rel: the file's path from the work tree root, with `/` separators. */
export function isIgnoredByGit(root: string, rel: string, read: (path: string) => string | null): boolean {
  const parts = rel.split('/');
  const sources: Array<{ base: string; text: string | null }> = [{ base: '', text: read(`${root}/.git/info/exclude`) }];
  for (let i = 0; i < parts.length; i++) {
    const base = parts.slice(0, i).join('/');
    sources.push({ base, text: read(`${root}/${base ? `${base}/` : ''}.gitignore`) });
  }
  // A file inside an ignored folder is ignored whatever later rules say (git's rule too).
  for (let depth = 1; depth <= parts.length; depth++) {
    const candidate = parts.slice(0, depth).join('/');
    const isDir = depth < parts.length;
    let ignored = false;
    for (const { base, text } of sources) {
      if (!text || (base && !candidate.startsWith(`${base}/`))) continue;
      const local = base ? candidate.slice(base.length + 1) : candidate;
      for (const rule of parse(text)) {
        if (rule.dirOnly && !isDir) continue;
        if (rule.re.test(local)) ignored = !rule.negate;
      }
    }
    if (ignored) return true;
  }
  return false;
}

const cache = new Map<string, Rule[]>();

function parse(text: string): Rule[] {
  const hit = cache.get(text);
  if (hit) return hit;
  const rules: Rule[] = [];
  for (let line of text.split(/\r?\n/)) {
    line = line.replace(/(?<!\\)\s+$/, '');
    if (!line || line.startsWith('#')) continue;
    let negate = false;
    if (line.startsWith('!')) { negate = true; line = line.slice(1); }
    if (line.startsWith('\\')) line = line.slice(1);
    let dirOnly = false;
    if (line.endsWith('/')) { dirOnly = true; line = line.slice(0, -1); }
    const anchored = line.includes('/');
    if (line.startsWith('/')) line = line.slice(1);
    if (!line) continue;
    const body = globToRegex(line);
    rules.push({ re: new RegExp(anchored ? `^${body}$` : `^(?:.*/)?${body}$`), negate, dirOnly });
  }
  cache.set(text, rules);
  return rules;
}

function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      if (glob[i + 2] === '/') { out += '(?:.*/)?'; i += 2; } else { out += '.*'; i += 1; }
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close < 0) { out += '\\['; continue; }
      out += `[${glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
      i = close;
    } else if (c === '\\' && i + 1 < glob.length) { out += escape(glob[++i]); }
    else out += escape(c);
  }
  return out;
}

function escape(c: string): string {
  return /[.+^${}()|[\]\\]/.test(c) ? `\\${c}` : c;
}
