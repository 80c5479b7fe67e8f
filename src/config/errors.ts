// Configuration errors for people: each problem names the file, the line and the key path,
// and says what to do. One ConfigError carries every problem found, most important first.

export interface ConfigProblem {
  /** The file the problem is in (hardshell.json, its .env), or "environment". */
  file: string;
  line?: number;
  column?: number;
  /** The key path as the user wrote it, e.g. `gateway.port` or `tools.denied[1]`. */
  keyPath?: string;
  /** What is wrong and what to do, without the file/line prefix. */
  message: string;
}

export function formatProblem(p: ConfigProblem): string {
  if (!p.file) return p.message;
  const where = p.line === undefined ? p.file : p.column === undefined ? `${p.file}:${p.line}` : `${p.file}:${p.line}:${p.column}`;
  return `${where}: ${p.message}`;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly file: string;
  readonly line?: number;
  readonly keyPath?: string;
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[] | ConfigProblem | string) {
    const list: ConfigProblem[] = typeof problems === 'string' ? [{ file: '', message: problems }]
      : Array.isArray(problems) ? problems : [problems];
    if (list.length === 0) list.push({ file: '', message: 'the configuration is invalid' });
    super(list.map(formatProblem).join('\n'));
    this.problems = list;
    this.file = list[0].file;
    this.line = list[0].line;
    this.keyPath = list[0].keyPath;
  }
}
