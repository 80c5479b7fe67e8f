// `hardshell channels list|status|test <channel>`: which chat apps are on, whether their
// credentials are written safely, and whether the platform answers.
import type { Command } from 'commander';
import { openRuntime } from './runtime.ts';
import { printJson, say, UserError } from './io.ts';
import { channelDeps } from './channel-deps.ts';
import { CHANNEL_NAMES, type ChannelName } from '../config/schema.ts';
import { buildAdapters } from '../channels/manager.ts';
import { channelCredentials, plainCredentialProblems } from '../channels/settings.ts';
import { PairingStore } from '../channels/pairing.ts';

interface ChannelRow {
  channel: ChannelName;
  enabled: boolean;
  owners: number;
  dmPolicy: string;
  credentials: 'ok' | 'missing' | 'plain text';
}

export function register(program: Command): void {
  const channels = program.command('channels').description('the chat apps agents answer on');
  channels.command('list')
    .description('each channel: on or off, owners, credentials')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const runtime = openRuntime();
      try {
        const rows = channelRows(runtime);
        if (opts.json) return printJson({ channels: rows });
        for (const r of rows) say(`${r.channel.padEnd(9)} ${r.enabled ? 'on ' : 'off'}  owners: ${r.owners}  credentials: ${r.credentials}`);
      } finally {
        runtime.close();
      }
    });
  channels.command('status')
    .description('what list shows, plus pending pairing requests and problems to fix')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const runtime = openRuntime();
      try {
        const rows = channelRows(runtime);
        const pending = new PairingStore(runtime.store).pending();
        const problems = plainCredentialProblems(runtime.config, runtime.loaded.references, runtime.loaded.paths.config).map((p) => p.message);
        for (const r of rows) if (r.enabled && r.credentials === 'missing') problems.push(`${r.channel} is enabled but its credentials are not set`);
        if (problems.length > 0) process.exitCode = 1;
        if (opts.json) return printJson({ channels: rows, pendingPairings: pending.length, problems });
        for (const r of rows) say(`${r.channel.padEnd(9)} ${r.enabled ? 'on ' : 'off'}  dm: ${r.dmPolicy}  owners: ${r.owners}  credentials: ${r.credentials}`);
        say(`pending pairing requests: ${pending.length}${pending.length > 0 ? ' (hardshell pairing list)' : ''}`);
        for (const p of problems) say(`problem: ${p}`);
      } finally {
        runtime.close();
      }
    });
  channels.command('test')
    .description('connect to the platform with the configured credentials and report whether it answers')
    .argument('<channel>', CHANNEL_NAMES.join(' | '))
    .action(async (name: string) => {
      if (!CHANNEL_NAMES.includes(name as ChannelName)) throw new UserError(`there is no channel "${name}": the channels are ${CHANNEL_NAMES.join(', ')}`);
      const runtime = openRuntime();
      try {
        if (!runtime.config.channels[name as ChannelName].enabled) throw new UserError(`channels.${name}.enabled is false: enable it in hardshell.json first`);
        const adapter = (await buildAdapters(channelDeps(runtime))).find((a) => a.name === name)!;
        let detail: string;
        try {
          detail = await adapter.probe();
        } catch (err) {
          throw new UserError(`${name}: the platform did not accept the connection: ${(err as Error).message}`);
        }
        say(`${name}: ok, ${detail}`);
      } finally {
        runtime.close();
      }
    });
}

function channelRows(runtime: ReturnType<typeof openRuntime>): ChannelRow[] {
  const { config } = runtime;
  const plain = new Set(plainCredentialProblems(config, runtime.loaded.references, '').map((p) => p.keyPath));
  const creds = channelCredentials(config);
  return CHANNEL_NAMES.map((channel) => {
    const mine = creds.filter((c) => c.channel === channel);
    const credentials = mine.some((c) => plain.has(c.key)) ? 'plain text' as const
      : mine.length === 0 || mine.every((c) => c.value === undefined) ? 'missing' as const : 'ok' as const;
    return { channel, enabled: config.channels[channel].enabled, owners: config.channels[channel].owner.length, dmPolicy: config.agents.defaults.dm?.policy ?? 'pairing', credentials };
  });
}
