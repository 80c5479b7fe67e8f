// hardshell's logger: pino, JSON lines, level from logging.level (info by default), written to
// logging.file (default <state>/logs/hardshell.log). Every line passes the redactor whatever
// the level: debug output is where secrets usually leak, and here it cannot.
import pino, { type Logger } from 'pino';
import { LogFile } from './log-file.ts';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

export interface HardshellLogger {
  pino: Logger;
  /** The gateway's shape: one record with optional level and msg. */
  log(line: Record<string, unknown>): void;
  file: LogFile;
  close(): void;
}

export interface LoggerOptions {
  file: string;
  level: LogLevel;
  retentionDays: number;
  /** Applied to each whole line before it is written. */
  redact: (line: string) => string;
  maxBytes?: number;
  /** Also copy each (redacted) line here, e.g. stderr for `hardshell gateway`. */
  echo?: (line: string) => void;
}

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);

export function createLogger(opts: LoggerOptions): HardshellLogger {
  const file = new LogFile({ file: opts.file, redact: opts.redact, retentionDays: opts.retentionDays, maxBytes: opts.maxBytes });
  const dest = {
    write(line: string): boolean {
      file.write(line);
      if (opts.echo) opts.echo(opts.redact(line));
      return true;
    },
  };
  const logger = pino({ level: opts.level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, dest);
  return {
    pino: logger,
    file,
    log(line) {
      const { level, msg, ...rest } = line;
      const lvl = typeof level === 'string' && LEVELS.has(level) ? (level as LogLevel) : 'info';
      logger[lvl](rest, typeof msg === 'string' ? msg : '');
    },
    close: () => file.close(),
  };
}
