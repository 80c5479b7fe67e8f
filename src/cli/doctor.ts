// `hardshell doctor`: is everything this install needs here and working, with a fix for each failure.
import type { Command } from 'commander';
import type { DoctorStatus } from '../posture/doctor.ts';
import { printJson, say } from './io.ts';

const MARK: Record<DoctorStatus, string> = { ok: '✓', warn: '!', fail: '✗', skip: '-' };

export function register(program: Command): void {
  program.command('doctor')
    .description('check that this install has what it needs: Node, config, state modes, store, sandbox, provider, disk')
    .option('--json', 'print the results as JSON')
    .option('--offline', 'do not contact the model provider')
    .action(async (opts: { json?: boolean; offline?: boolean }) => {
      // Loaded on use: the sandbox and egress modules are not needed by other commands.
      const { runDoctor } = await import('../posture/doctor.ts');
      const items = await runDoctor({ env: process.env, offline: opts.offline });
      const failed = items.filter((i) => i.status === 'fail').length;
      if (opts.json) {
        printJson({ ok: failed === 0, items });
      } else {
        for (const i of items) {
          say(`${MARK[i.status]} ${i.title}: ${i.detail}`);
          if (i.fix && i.status !== 'ok') say(`    fix: ${i.fix}`);
        }
        say(failed === 0 ? 'Everything hardshell needs is here.' : `${failed} problem${failed === 1 ? '' : 's'} to fix.`);
      }
      process.exitCode = failed === 0 ? 0 : 1;
    });
}
