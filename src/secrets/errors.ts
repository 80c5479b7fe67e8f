// A secret that cannot be had, said so a person can fix it. Named like ConfigError's kin so
// the CLI prints it as a sentence, not a stack trace.
export class SecretError extends Error {
  override name = 'ConfigError';
  readonly keyPath = 'secrets';
  readonly file = '';
  readonly problems: { file: string; keyPath: string; message: string }[];
  constructor(message: string) {
    super(message);
    this.problems = [{ file: '', keyPath: 'secrets', message }];
  }
}
