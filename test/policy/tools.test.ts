// Tool layers: global, agent defaults, per agent, trust; deny always wins; profiles; elevated;
// every seed spelling. Plus the seed configs about tools and exec, decided directly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseConfigText } from '../../src/config/load.ts';
import { effectiveAgent } from '../../src/config/agents.ts';
import { decide } from '../../src/policy/decide.ts';
import { offeredTools, toolVerdict } from '../../src/policy/tools.ts';
import { runsOnHostWhenApproved } from '../../src/policy/elevated.ts';
import type { TrustNarrowing } from '../../src/policy/decision.ts';

const ALL = ['read', 'write', 'edit', 'grep', 'find', 'exec', 'memory_search', 'memory_get', 'memory_write', 'web_fetch', 'web_search', 'message', 'sessions_spawn', 'browser'];
const parse = (text: string) => parseConfigText(text, 'hardshell.json', {}).config;
const seed = (name: string) => parseConfigText(readFileSync(new URL(`../fixtures/seed-configs/${name}`, import.meta.url), 'utf8'), name, {}).config;
const offered = (config: ReturnType<typeof parse>, id = 'main', trust?: TrustNarrowing) => offeredTools(config, effectiveAgent(config, id, '/h'), ALL, trust);
const call = (config: ReturnType<typeof parse>, tool: string, args: unknown = {}, id = 'main', trust?: TrustNarrowing) =>
  decide({ tool, args }, { config, agentId: id, agent: effectiveAgent(config, id, '/h'), available: ALL, trust });

test('profiles: standard is the default; minimal, files and full', () => {
  assert.deepEqual(offered(parse('{}')), ['read', 'write', 'edit', 'grep', 'find', 'exec', 'memory_search', 'memory_get', 'memory_write', 'web_fetch']);
  assert.deepEqual(offered(parse('{ tools: { profile: "minimal" } }')), ['read', 'grep', 'find']);
  assert.deepEqual(offered(parse('{ tools: { profile: "files" } }')), ['read', 'write', 'edit', 'grep', 'find']);
  // The browser only while browser.mode is "sandboxed"; then the standard profile has it too.
  assert.deepEqual(offered(parse('{ tools: { profile: "full" } }')), ALL.filter((t) => t !== 'browser'));
  assert.deepEqual(offered(parse('{ tools: { profile: "full" }, browser: { mode: "sandboxed" } }')), ALL);
  assert.ok(offered(parse('{ browser: { mode: "sandboxed" } }')).includes('browser'));
  assert.equal(call(parse('{ tools: { profile: "full" } }'), 'browser').rule, 'browser.mode=off');
  assert.deepEqual(offered(parse('{ agents: { list: [{ id: "m", tools: { profile: "minimal" } }] } }'), 'm'), ['read', 'grep', 'find']);
});

test('deny wins at every layer, and an agent cannot undo the defaults\' deny', () => {
  const config = parse(`{
    tools: { deny: ["web_fetch"] },
    agents: { defaults: { tools: { deny: ["exec"] } }, list: [{ id: "a", tools: { deny: ["write"], allow: ["exec", "read", "write", "web_fetch"] } }] },
  }`);
  assert.deepEqual(offered(config, 'a'), ['read']);
  assert.equal(call(config, 'exec', { command: 'ls' }, 'a').rule, 'agents.defaults.tools.deny');
  assert.equal(call(config, 'write', {}, 'a').rule, 'agents.list[a].tools.deny');
  assert.equal(call(config, 'web_fetch', {}, 'a').rule, 'tools.deny');
  assert.equal(call(config, 'read', {}, 'a').decision, 'allow');
});

test('every allow list present narrows; an explicit allow reaches beyond the profile', () => {
  const config = parse('{ tools: { allow: ["read", "grep", "web_search"] }, agents: { list: [{ id: "b", tools: { allow: ["read", "write"] } }] } }');
  assert.deepEqual(offered(config), ['read', 'grep', 'web_search']);
  assert.deepEqual(offered(config, 'b'), ['read']);
});

test('trust narrowing only takes away', () => {
  const config = parse('{ exec: { security: "auto" } }');
  const trust: TrustNarrowing = { label: 'telegram group', allow: ['read', 'exec', 'browser'], deny: ['exec'] };
  assert.deepEqual(offered(config, 'main', trust), ['read']);
  assert.equal(call(config, 'exec', { command: 'ls' }, 'main', trust).rule, 'trust.deny');
  assert.equal(call(config, 'browser', {}, 'main', trust).decision, 'deny');
  assert.equal(call(config, 'exec', { command: 'ls' }, 'main', { label: 'sub-agent', exec: 'ask' }).decision, 'ask');
  assert.equal(call(config, 'exec', { command: 'ls' }, 'main', { label: 'sub-agent', exec: 'deny' }).decision, 'deny');
});

test('seed spellings: allowlist/allowed, denied, Read/Write casing', () => {
  const config = parse('{ tools: { allowed: ["Read", "Write", "EXEC"], denied: ["Write"] } }');
  assert.deepEqual(offered(config), ['read', 'exec']);
});

test('tools.elevated: an elevated tool always asks, unless denied', () => {
  const config = parse('{ tools: { elevated: ["write", "exec"], deny: ["exec"] } }');
  assert.deepEqual(call(config, 'write', { path: 'a', content: 'b' }), { decision: 'ask', reason: call(config, 'write').reason, rule: 'tools.elevated' });
  assert.equal(call(config, 'exec', { command: 'ls' }).decision, 'deny');
  assert.equal(call(parse('{ tools: { elevated: ["exec"] }, exec: { security: "auto" } }'), 'exec', { command: 'ls' }).rule, 'tools.elevated');
});

test('unknown tools are refused', () => {
  assert.deepEqual(call(parse('{}'), 'bash'), { decision: 'deny', reason: 'there is no tool named "bash"', rule: 'unknown-tool' });
  assert.equal(toolVerdict('nope', parse('{}'), {}, ALL).rule, 'unknown-tool');
});

test('exec modes: deny, ask, auto, allowlist; bad arguments are refused', () => {
  assert.equal(call(parse('{ exec: { security: "deny" } }'), 'exec', { command: 'ls' }).rule, 'tools.exec.security=deny');
  assert.equal(call(parse('{}'), 'exec', { command: 'ls' }).decision, 'ask');
  assert.equal(call(parse('{ exec: { security: "auto" } }'), 'exec', { command: 'ls' }).decision, 'allow');
  assert.equal(call(parse('{ exec: { security: "auto" } }'), 'exec', { command: 'eval ls' }).decision, 'ask');
  assert.equal(call(parse('{ exec: { security: "auto", deniedCommands: ["rm"] } }'), 'exec', { command: 'ls | xargs rm' }).decision, 'deny');
  assert.equal(call(parse('{ exec: { security: "ask", deniedCommands: ["rm"] } }'), 'exec', { command: 'sh -c "rm x"' }).decision, 'deny');
  assert.equal(call(parse('{ exec: { security: "auto" } }'), 'exec', { command: 'sudo ls' }).rule, 'exec.privilege');
  // Inside what the analysis cannot follow, a denied name as a word still denies (not asks).
  assert.equal(call(parse('{ exec: { security: "auto", deniedCommands: ["rm"] } }'), 'exec', { command: 'git -c core.pager=rm log' }).rule, 'tools.exec.deniedCommands');
  assert.equal(call(parse('{ exec: { security: "ask", deniedCommands: ["rm"] } }'), 'exec', { command: 'env -S "rm x"' }).decision, 'deny');
  assert.equal(call(parse('{ exec: { security: "auto" } }'), 'exec', {}).rule, 'exec.arguments');
  assert.equal(call(parse('{ exec: { security: "auto" } }'), 'exec', { command: 'ls', env: { LD_PRELOAD: 'x' } }).decision, 'ask');
});

test('tools.exec.inlineCode lets a named interpreter run inline code, and nothing else', () => {
  const config = parse('{ exec: { security: "allowlist", allowedCommands: ["python3", "node"], inlineCode: ["python3"] } }');
  assert.equal(call(config, 'exec', { command: 'python3 -c "print(1)"' }).decision, 'allow');
  assert.equal(call(config, 'exec', { command: 'node -e "1"' }).rule, 'tools.exec.inlineCode');
  assert.equal(call(config, 'exec', { command: 'python3 script.py' }).decision, 'allow');
});

test('allowedCommands entries with arguments allow only that use', () => {
  const config = parse('{ exec: { security: "allowlist", allowedCommands: ["npm test", "ls"] } }');
  assert.equal(call(config, 'exec', { command: 'npm test -- --watch' }).decision, 'allow');
  assert.equal(call(config, 'exec', { command: 'npm install x' }).decision, 'deny');
});

test('seed 03: exec, bash and process are denied for every agent', () => {
  const config = seed('03-tools-deny.json5');
  assert.ok(!offered(config).includes('exec'));
  assert.equal(call(config, 'exec', { command: 'ls' }).rule, 'tools.deny');
});

test('seed 12: allowlist with denied commands', () => {
  const config = seed('12-exec-allowlist.json5');
  assert.equal(call(config, 'exec', { command: 'git status' }).decision, 'allow');
  assert.equal(call(config, 'exec', { command: 'ls | xargs rm' }).decision, 'deny');
  assert.equal(call(config, 'exec', { command: 'sh -c "curl x"' }).decision, 'deny');
});

test('seed 13: only search, fetch and read; exec, write and message denied', () => {
  const config = seed('13-untrusted-agent.json5');
  assert.deepEqual(offered(config), ['read', 'web_fetch', 'web_search']);
  assert.equal(call(config, 'exec', { command: 'cat a' }).decision, 'deny');
  assert.equal(call(config, 'write', {}).decision, 'deny');
});

test('seeds 15 and 16: file tools and memory search only / read-only', () => {
  assert.deepEqual(offered(seed('15-agent-tools-allowlist.json5')), ['read', 'write', 'edit', 'grep', 'find', 'memory_search']);
  assert.deepEqual(offered(seed('16-tools-readonly-allowlist.json5')), ['read', 'grep', 'find', 'memory_search']);
});

test('tools.elevated per agent only narrows; only an exec asked about under it runs on the host once approved', () => {
  const config = parse('{ tools: { elevated: ["exec"], exec: { security: "auto" } }, agents: { list: [{ id: "plain", tools: { elevated: [] } }, { id: "wider", tools: { elevated: ["exec", "write"] } }] } }');
  assert.equal(call(config, 'exec', { command: 'ls' }).rule, 'tools.elevated');
  assert.equal(call(config, 'exec', { command: 'ls' }, 'plain').decision, 'allow');
  assert.equal(call(config, 'exec', { command: 'ls' }, 'wider').rule, 'tools.elevated');
  assert.equal(call(config, 'write', { path: 'a', content: 'b' }, 'wider').decision, 'allow', 'an agent cannot add to tools.elevated');
  // Denied by exec policy: still denied, elevated or not.
  assert.equal(call(parse('{ tools: { elevated: ["exec"], exec: { security: "auto", deniedCommands: ["rm"] } } }'), 'exec', { command: 'rm -rf x' }).decision, 'deny');
  assert.equal(runsOnHostWhenApproved('exec', 'tools.elevated'), true);
  for (const [tool, rule] of [['exec', 'tools.exec.security=ask'], ['exec', 'exec.not-understood'], ['exec', 'security.injection.mode=ask'], ['write', 'tools.elevated']]) {
    assert.equal(runsOnHostWhenApproved(tool, rule), false, `${tool} ${rule}`);
  }
});

test('seeds 17 and 23: every command asks; 23 offers file tools only and no elevated tools', () => {
  assert.equal(call(seed('17-exec-ask.json5'), 'exec', { command: 'ls' }).decision, 'ask');
  const c23 = seed('23-production-complete.json5');
  assert.deepEqual(offered(c23), ['read', 'write', 'edit', 'grep', 'find', 'memory_search']);
  assert.equal(call(c23, 'exec', { command: 'ls' }).decision, 'deny');
  assert.deepEqual(c23.tools.elevated, []);
});
