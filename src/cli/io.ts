// How commands talk to people: results on stdout, problems on stderr as one plain sentence.

/** An error meant for the user: printed as its message alone, never as a stack trace. */
export class UserError extends Error {
  override name = 'UserError';
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function say(line = ''): void {
  process.stdout.write(line + '\n');
}
