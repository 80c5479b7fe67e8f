// `hardshell demo`: the first thing to run. A scripted compromised model attacks a throw-away
// hardshell with its default controls; each attack is shown with what stopped it.
import type { Command } from 'commander';
import { say, printJson } from './io.ts';
import type { AttackResult, DemoResult } from '../posture/demo/run.ts';

export function register(program: Command): void {
  program.command('demo')
    .description('watch a compromised model attack a throw-away hardshell, and what stops each attack (no API key, no network)')
    .option('--keep', 'keep the demo\'s state folder (its audit log, transcript, workspace) to look at afterwards')
    .option('--json', 'print the results as JSON')
    .action(async (opts: { keep?: boolean; json?: boolean }) => {
      const { runDemo } = await import('../posture/demo/run.ts');
      if (!opts.json) {
        say('hardshell demo: a compromised model against hardshell\'s default controls.');
        say('There is no API key and no network: the "model" is a script, in this process, that plays an attacker.');
        say('');
      }
      const progress = opts.json || !process.stderr.isTTY ? undefined : (line: string) => process.stderr.write(`\r\x1b[K  ${line}`);
      const result = await runDemo({ keep: opts.keep, progress });
      if (progress) process.stderr.write('\r\x1b[K');
      if (opts.json) printJson(result);
      else render(result);
      process.exitCode = passed(result) ? 0 : 1;
    });
}

export function passed(r: DemoResult): boolean {
  return r.attacks.every((a) => a.stopped) && r.loop.stopped && r.leaked === 0 && (r.audit?.ok ?? true);
}

function render(r: DemoResult): void {
  r.attacks.forEach((a, i) => {
    say(`${String(i + 1).padStart(2)}. ${a.title}`);
    say(`    the model calls: ${a.tool} ${clip(JSON.stringify(a.args), 100)}`);
    say(`    ${a.stopped ? 'STOPPED' : 'NOT STOPPED'}: ${what(a)}`);
    say('');
  });
  say(`${String(r.attacks.length + 1).padStart(2)}. Keep calling the same tool forever, burning credits`);
  say(`    ${r.loop.stopped ? 'STOPPED' : 'NOT STOPPED'}: ${r.loop.reason || 'the turn was not stopped'}`);
  say('');
  say(`Secrets planted for the attacker (an SSH key, a Stripe key): ${r.leaked === 0 ? 'none reached the model' : `${r.leaked} reached the model`}.`);
  if (r.audit) {
    say(`Audit log: ${r.audit.events} events recorded every decision; ${r.audit.ok ? 'the hash chain and its signed checkpoints verify' : `verification FAILED: ${r.audit.problems[0]?.message ?? ''}`}.`);
  }
  if (r.kept) say(`The demo's state folder is kept at ${r.kept} (HARDSHELL_HOME=${r.kept}/.hardshell to look at it).`);
  say('');
  const stopped = r.attacks.filter((a) => a.stopped).length + (r.loop.stopped ? 1 : 0);
  const total = r.attacks.length + 1;
  say(passed(r)
    ? `All ${total} attacks were stopped or contained. Next: "hardshell init", then "hardshell security audit".`
    : `${stopped} of ${total} attacks were stopped. That is a bug in hardshell: please report it with the output above.`);
}

/** What hardshell did, in its own words. */
function what(a: AttackResult): string {
  const o = a.outcome;
  if (o.decision === 'deny') return `denied by policy — ${a.reason}`;
  if (o.decision === 'ask' && o.ok === null) return `it needed a person's approval and nobody gave it, so it did not run — ${a.reason}`;
  if (o.ok === false) return `refused — ${clip(o.output, 200)}`;
  if (o.output.includes('[REDACTED')) return `allowed, but the key was removed before the model saw it: ${clip(o.output.split('\n').find((l) => l.includes('[REDACTED')) ?? '', 120)}`;
  if (o.untrustedSource) return `allowed, and shown to the model marked as untrusted content (${o.untrustedSource}), inside markers it cannot forge`;
  if (a.stopped) return `allowed — ${clip(o.output, 160)} — and a fresh session afterwards was not shown it`;
  return `allowed — ${clip(o.output, 200)}`;
}

function clip(s: string, max: number): string {
  // Control characters out: tool output must not repaint the terminal.
  const clean = s.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
