// Hostile command lines (the model writes them): deep nesting, huge repetition, unclosed
// everything. decide() never throws and never allows what it could not read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from '../../src/config/load.ts';
import { decide } from '../../src/policy/decide.ts';

const config = parseConfigText('{ exec: { security: "auto", deniedCommands: ["rm"] } }', 'f', {}).config;
const run = (command: string) => decide({ tool: 'exec', args: { command } }, { config, agentId: 'main', agent: { id: 'main' } as never, available: ['exec'] });
const N = 64 * 1024 - 16;

test('deep nesting and long repetition are refused as not understood, never a crash', () => {
  const nested: Record<string, string> = {
    '${': '${'.repeat(N / 2), '$(': '$('.repeat(N / 2), '(': '('.repeat(N), '$((': '$(('.repeat(N / 3), backticks: '`'.repeat(N - 1),
    'sh -c': "sh -c '".repeat(40) + 'ls' + "'".repeat(40), pipes: 'ls |'.repeat(N / 4) + ' ls', lists: 'ls;'.repeat(N / 3),
    'long brace program': '{' + 'rm,-rf,/,' + 'x'.repeat(600) + '}', 'too long': 'ls '.repeat(30_000),
  };
  for (const [name, command] of Object.entries(nested)) {
    const d = run(command);
    assert.notEqual(d.decision, 'allow', name);
  }
});

test('unclosed quotes and substitutions around a denied program are denied', () => {
  for (const command of ['ls "$(rm x', "ls '$(rm x)", 'ls `rm x', 'ls ${x:-$(rm x)', 'ls $((1 + $(rm x)', 'cat <<EOF\n$(rm x)']) {
    assert.equal(run(command).decision, 'deny', command);
  }
});
