// Runs `hardshell sandbox ...` with only the sandbox command registered, the way main.ts
// runs every command (errors printed by reportError), so its tests do not depend on main.ts.
import { Command } from 'commander';
import { register } from '../../src/cli/sandbox.ts';
import { reportError } from '../../src/cli/main.ts';

const program = new Command('hardshell').exitOverride();
register(program);
try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = reportError(err);
}
