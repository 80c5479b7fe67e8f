// `hardshell memory`: the owner's side of memory hygiene. Notes an agent wrote after reading
// untrusted content wait here for review; bootstrap files (AGENTS.md, SOUL.md, MEMORY.md)
// that changed outside hardshell wait here to be accepted before they are loaded again.
import type { Command } from 'commander';
import { realpathSync } from 'node:fs';
import { openRuntime, type Runtime } from './runtime.ts';
import { printJson, say, UserError } from './io.ts';
import { MemoryLedger } from '../sessions/memory.ts';
import { effectiveAgent } from '../config/agents.ts';
import { appendNote, sha256 } from '../tools/memory.ts';
import { BOOTSTRAP_FILES, readBootstrap } from '../agent/context.ts';

export function register(program: Command): void {
  const memory = program.command('memory').description('review notes held back from memory, and accept changed bootstrap files');

  memory.command('review')
    .description('list the notes held for review (written after the agent read untrusted content)')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => withLedger((_rt, ledger) => {
      const entries = ledger.quarantined();
      if (opts.json) return printJson({ entries });
      if (entries.length === 0) return say('no notes are waiting for review');
      for (const e of entries) {
        say(`#${e.id}  agent ${e.agentId} → ${e.file}  (the session had read ${e.taintedBy})  ${e.createdAt}`);
        for (const line of e.content.split('\n')) say(`    ${line}`);
      }
      say('');
      say('Approve one with "hardshell memory approve ID", or drop it with "hardshell memory reject ID".');
    }));

  memory.command('approve')
    .description('write a held note to its memory file')
    .argument('<id>', 'the note\'s number, from "hardshell memory review"')
    .action((id: string) => withLedger(async (rt, ledger) => {
      const entry = waiting(ledger, id);
      const workspace = workspaceOf(rt, entry.agentId);
      ledger.accept(workspace, entry.file, sha256(await appendNote(workspace, entry.file, entry.content)));
      ledger.settle(entry.id, 'approved');
      say(`note #${entry.id} written to ${entry.file}`);
    }));

  memory.command('reject')
    .description('drop a held note')
    .argument('<id>', 'the note\'s number, from "hardshell memory review"')
    .action((id: string) => withLedger((_rt, ledger) => {
      const entry = waiting(ledger, id);
      ledger.settle(entry.id, 'rejected');
      say(`note #${entry.id} dropped`);
    }));

  memory.command('status')
    .description('show whether each bootstrap file is loaded, or held back because it changed')
    .option('-a, --agent <id>', 'whose workspace', 'main')
    .option('--json', 'print JSON')
    .action((opts: { agent: string; json?: boolean }) => withLedger(async (rt, ledger) => {
      const workspace = workspaceOf(rt, opts.agent);
      const files = [];
      for (const file of BOOTSTRAP_FILES) {
        const text = await readBootstrap(workspace, file);
        const accepted = ledger.acceptedHash(workspace, file);
        const state = text === null ? 'absent' : accepted === sha256(text) ? 'loaded' : accepted ? 'changed' : 'new';
        files.push({ file, state });
      }
      if (opts.json) return printJson({ workspace, files });
      for (const f of files) {
        const hint = f.state === 'changed' || f.state === 'new' ? `  (held back: read it, then "hardshell memory accept ${f.file}")` : '';
        say(`${f.file.padEnd(10)} ${f.state}${hint}`);
      }
    }));

  memory.command('accept')
    .description('load a bootstrap file again as it is now, after you have read it')
    .argument('<file>', BOOTSTRAP_FILES.join(', '))
    .option('-a, --agent <id>', 'whose workspace', 'main')
    .action((file: string, opts: { agent: string }) => withLedger(async (rt, ledger) => {
      if (!(BOOTSTRAP_FILES as readonly string[]).includes(file)) {
        throw new UserError(`"${file}" is not a bootstrap file; these are: ${BOOTSTRAP_FILES.join(', ')}`);
      }
      const workspace = workspaceOf(rt, opts.agent);
      const text = await readBootstrap(workspace, file);
      if (text === null) throw new UserError(`there is no ${file} in ${workspace}`);
      ledger.accept(workspace, file, sha256(text));
      say(`${file} accepted as it is now (${text.split('\n').length} lines, sha256 ${sha256(text).slice(0, 12)}…); it is loaded from the next turn on`);
    }));
}

async function withLedger(fn: (runtime: Runtime, ledger: MemoryLedger) => unknown): Promise<void> {
  const runtime = openRuntime();
  try {
    await fn(runtime, new MemoryLedger(runtime.store));
  } finally {
    runtime.close();
  }
}

function waiting(ledger: MemoryLedger, id: string) {
  const entry = /^\d+$/.test(id) ? ledger.get(Number(id)) : undefined;
  if (!entry) throw new UserError(`there is no note #${id}; "hardshell memory review" lists them`);
  if (entry.status !== 'quarantined') throw new UserError(`note #${id} is not waiting for review (it is ${entry.status})`);
  return entry;
}

/** The agent's workspace as the turn sees it: the real path, which the fingerprints are kept under. */
function workspaceOf(runtime: Runtime, agentId: string): string {
  const { workspace } = effectiveAgent(runtime.config, agentId, runtime.home);
  try {
    return realpathSync(workspace);
  } catch {
    throw new UserError(`the workspace ${workspace} does not exist yet; run "hardshell init" or a first turn`);
  }
}
