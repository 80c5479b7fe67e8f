// Every row of the exec corpus gets its expected decision under seed 12's allowlist (plus grep).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from '../../src/config/load.ts';
import { decide } from '../../src/policy/decide.ts';
import { CORPUS } from './exec-corpus.ts';

const config = parseConfigText(`{
  exec: { security: "allowlist", allowedCommands: ["wp", "git", "ls", "cat", "grep"], deniedCommands: ["rm", "curl", "wget", "nc"] },
}`, 'seed-12.json5', {}).config;
const ctx = { config, agentId: 'main', agent: { id: 'main' } as never, available: ['read', 'write', 'exec'] };

test('the corpus has at least 150 commands and covers every bypass family', () => {
  assert.ok(CORPUS.length >= 150, `only ${CORPUS.length} rows`);
  const families = new Set(CORPUS.map((r) => r.family));
  for (const f of ['path and quoting', 'pipelines and lists', 'substitutions', 'env and command wrappers', 'xargs', 'shell -c', 'eval and source', 'busybox', 'find', 'git runs programs', 'tar runs programs', 'inline interpreter code']) {
    assert.ok(families.has(f), f);
  }
});

test('every corpus command gets its expected decision', () => {
  const wrong: string[] = [];
  for (const row of CORPUS) {
    const d = decide({ tool: 'exec', args: { command: row.command } }, ctx);
    if (d.decision !== row.expect) wrong.push(`[${row.family}] ${JSON.stringify(row.command)}: expected ${row.expect}, got ${d.decision} (${d.rule}: ${d.reason})`);
  }
  assert.deepEqual(wrong, []);
});

test('no bypass-family row is ever allowed, in any mode but deny-free auto', () => {
  for (const security of ['allowlist', 'ask'] as const) {
    const c = { ...config, tools: { ...config.tools, exec: { ...config.tools.exec, security } } };
    for (const row of CORPUS) {
      if (row.expect === 'allow') continue;
      const d = decide({ tool: 'exec', args: { command: row.command } }, { ...ctx, config: c });
      assert.notEqual(d.decision, 'allow', `${security}: ${row.command}`);
    }
  }
});

test('under auto, every trick is still caught: only plain unlisted programs run without asking', () => {
  const auto = { ...config, tools: { ...config.tools, exec: { ...config.tools.exec, security: 'auto' as const } } };
  const allowedUnderAuto = new Set(['python3 script.py', 'ssh host', 'chmod 777 x', 'dd if=/dev/zero of=x', './ls', '/tmp/ls']);
  const wrong: string[] = [];
  for (const row of CORPUS) {
    if (row.expect === 'allow' || allowedUnderAuto.has(row.command)) continue;
    const d = decide({ tool: 'exec', args: { command: row.command } }, { ...ctx, config: auto });
    if (d.decision === 'allow') wrong.push(`[${row.family}] ${row.command}`);
  }
  assert.deepEqual(wrong, []);
});
