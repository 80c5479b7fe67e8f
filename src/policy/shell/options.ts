// Reading a program's options the way its own getopt would, so a wrapper's inner command is
// found exactly where the wrapper would find it. GNU long options may be abbreviated to any
// unique prefix (`--to-comm` is `--to-command`), so dangerous options are matched by prefix.

export interface OptionSpec {
  /** Short flags without a value, e.g. 'iv'. */
  flags?: string;
  /** Short options that take a value, e.g. 'uC'. */
  withValue?: string;
  /** Short options whose value, if any, must be attached (`-i{}`). */
  optionalValue?: string;
  long?: readonly string[];
  longWithValue?: readonly string[];
  longOptionalValue?: readonly string[];
}

export type Arg = string | null;

export interface ParsedOptions {
  /** Index of the first operand (the inner command for wrappers). */
  next: number;
  /** Options seen, by canonical name (short letter or full long name), with their values. */
  seen: Array<[string, string | undefined]>;
}

/** Thrown for an option the program would not accept as we read it: the call is not understood. */
export class OptionError extends Error {
  override name = 'OptionError';
}

/**
 * Reads options from argv[start] up to the first operand (the wrappers all stop there, like
 * GNU getopt with a leading `+`). An option whose value is only known at run time, an unknown
 * option or an ambiguous abbreviation throws: policy cannot tell what the program will run.
 */
export function readOptions(program: string, argv: readonly Arg[], start: number, spec: OptionSpec): ParsedOptions {
  const seen: Array<[string, string | undefined]> = [];
  let i = start;
  while (i < argv.length) {
    const a = argv[i];
    if (a === null) throw new OptionError(`an argument of ${program} is only known when the command runs`);
    if (a === '--') return { next: i + 1, seen };
    if (a === '-' || !a.startsWith('-')) break;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const given = a.slice(2, eq < 0 ? undefined : eq);
      const name = longName(program, given, spec);
      const takes = spec.longWithValue?.includes(name) ? 'yes' : spec.longOptionalValue?.includes(name) ? 'maybe' : 'no';
      if (eq >= 0) {
        if (takes === 'no') throw new OptionError(`${program} --${name} takes no value`);
        seen.push([name, a.slice(eq + 1)]);
        i++;
      } else if (takes === 'yes') {
        const v = argv[i + 1];
        if (v === undefined) throw new OptionError(`${program} --${name} needs a value`);
        if (v === null) throw new OptionError(`the value of ${program} --${name} is only known when the command runs`);
        seen.push([name, v]);
        i += 2;
      } else {
        seen.push([name, undefined]);
        i++;
      }
      continue;
    }
    // A bundle of short options: -abc, or -uNAME, or -u NAME.
    let j = 1;
    i++;
    while (j < a.length) {
      const c = a[j];
      if (spec.flags?.includes(c)) { seen.push([c, undefined]); j++; continue; }
      if (spec.optionalValue?.includes(c)) { seen.push([c, a.slice(j + 1) || undefined]); break; }
      if (spec.withValue?.includes(c)) {
        if (j + 1 < a.length) seen.push([c, a.slice(j + 1)]);
        else {
          const v = argv[i];
          if (v === undefined) throw new OptionError(`${program} -${c} needs a value`);
          if (v === null) throw new OptionError(`the value of ${program} -${c} is only known when the command runs`);
          seen.push([c, v]);
          i++;
        }
        break;
      }
      throw new OptionError(`${program} has no option -${c} that hardshell knows`);
    }
  }
  return { next: i, seen };
}

function longName(program: string, given: string, spec: OptionSpec): string {
  const all = [...(spec.long ?? []), ...(spec.longWithValue ?? []), ...(spec.longOptionalValue ?? [])];
  if (all.includes(given)) return given;
  const matches = given ? all.filter((n) => n.startsWith(given)) : [];
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) throw new OptionError(`${program} --${given} is ambiguous (${matches.map((m) => '--' + m).join(', ')})`);
  throw new OptionError(`${program} has no option --${given} that hardshell knows`);
}

/**
 * Whether `arg` is, or abbreviates, one of the long options in `dangerous` (names without
 * dashes). Any prefix counts, even one the program would call ambiguous: refusing an
 * ambiguous option costs nothing, missing an abbreviation is a bypass.
 */
export function abbreviates(arg: string, dangerous: readonly string[], minimum = 2): string | null {
  if (!arg.startsWith('--')) return null;
  const eq = arg.indexOf('=');
  const given = arg.slice(2, eq < 0 ? undefined : eq).toLowerCase();
  if (given.length < minimum) return null;
  return dangerous.find((d) => d.startsWith(given)) ?? null;
}
