// `hardshell pairing list|approve|deny`: the owner's answer to people who messaged an agent
// under dm.policy "pairing". Approved senders may talk as `user`, never as the owner.
import type { Command } from 'commander';
import { openRuntime } from './runtime.ts';
import { printJson, say, UserError } from './io.ts';
import { PairingError, PairingStore } from '../channels/pairing.ts';

export function register(program: Command): void {
  const pairing = program.command('pairing').description('answer pairing requests from people who messaged an agent');
  pairing.command('list')
    .description('pending pairing codes and approved senders')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const runtime = openRuntime();
      try {
        const store = new PairingStore(runtime.store);
        const pending = store.pending();
        const approved = store.approved();
        if (opts.json) return printJson({ pending, approved });
        if (pending.length === 0) say('no pending pairing requests');
        for (const p of pending) say(`${p.code}  ${p.channel.padEnd(9)} ${p.sender.padEnd(28)} expires ${new Date(p.expiresMs).toISOString()}`);
        if (approved.length > 0) {
          say('');
          say('approved senders:');
          for (const a of approved) say(`  ${a.channel.padEnd(9)} ${a.sender.padEnd(28)} by ${a.approvedBy} ${new Date(a.approvedMs).toISOString()}`);
        }
      } finally {
        runtime.close();
      }
    });
  for (const verb of ['approve', 'deny'] as const) {
    pairing.command(verb)
      .description(verb === 'approve' ? 'let the sender of this code talk to the agent (as a user, not the owner)' : 'refuse this pairing request')
      .argument('<code>', 'the code the sender was given')
      .action((code: string) => {
        const runtime = openRuntime();
        try {
          const store = new PairingStore(runtime.store);
          let p;
          try {
            p = verb === 'approve' ? store.approve(code, 'cli') : store.deny(code, 'cli');
          } catch (err) {
            if (err instanceof PairingError) throw new UserError(err.message);
            throw err;
          }
          runtime.audit({ kind: 'message', action: `pairing_${p.status}`, channel: p.channel, subject: p.sender, code: p.code, by: 'cli' });
          say(verb === 'approve' ? `approved: ${p.sender} on ${p.channel} may now talk to the agent` : `denied: ${p.sender} on ${p.channel}`);
        } finally {
          runtime.close();
        }
      });
  }
}
