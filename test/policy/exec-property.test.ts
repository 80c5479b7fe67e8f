// Property: however allowed and denied programs are composed (pipes, lists, subshells,
// substitutions, wrappers, quoting tricks), a reachable denied program never yields `allow`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseConfigText } from '../../src/config/load.ts';
import { decide } from '../../src/policy/decide.ts';

const config = parseConfigText(`{ exec: { security: "allowlist", allowedCommands: ["wp", "git", "ls", "cat", "grep"], deniedCommands: ["rm", "curl", "wget", "nc"] } }`, 'f', {}).config;
const ctx = (security: 'allowlist' | 'ask' | 'auto') => ({
  config: { ...config, tools: { ...config.tools, exec: { ...config.tools.exec, security } } },
  agentId: 'main', agent: { id: 'main' } as never, available: ['exec'],
});

const ALLOWED = ['ls', 'cat', 'git', 'grep', 'wp'];
const DENIED = ['rm', 'curl', 'wget', 'nc'];

/** Ways to write a program name that all run it. */
const spell = (name: string) => fc.constantFrom(name, `/usr/bin/${name}`, `\\${name}`, `"${name}"`, `'${name}'`, `${name[0]}''${name.slice(1)}`, `$'${name}'`);
/** Wrappers that run the command after them. */
const wrapper = fc.constantFrom('', 'env ', 'env -i ', 'command ', 'exec ', 'nohup ', 'nice ', 'timeout 5 ', 'stdbuf -o0 ', 'xargs ', 'busybox ', 'time ', 'env A=1 ');
const arg = fc.constantFrom('', ' x', ' -la src', ' "a b"', ' $HOME');

interface Node { text: string; denied: boolean }
const leaf = (names: string[], denied: boolean): fc.Arbitrary<Node> =>
  fc.tuple(wrapper, fc.constantFrom(...names).chain(spell), arg).map(([w, n, a]) => ({ text: `${w}${n}${a}`, denied }));

const tree = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf(ALLOWED, false),
    leaf(DENIED, true),
    fc.tuple(tie('node'), fc.constantFrom(' | ', ' && ', ' || ', '; ', ' & ', '\n', ' |& '), tie('node')).map(([a, op, b]) => ({ text: `${a.text}${op}${b.text}`, denied: a.denied || b.denied })),
    tie('node').map((a) => ({ text: `( ${a.text} )`, denied: a.denied })),
    tie('node').map((a) => ({ text: `{ ${a.text}; }`, denied: a.denied })),
    fc.tuple(leaf(ALLOWED, false), tie('node')).map(([a, b]) => ({ text: `${a.text} $( ${b.text} )`, denied: b.denied })),
    fc.tuple(leaf(ALLOWED, false), tie('node')).map(([a, b]) => ({ text: `${a.text} \`${b.text.replace(/[`\\$]/g, '')}\``, denied: b.denied && !/[`\\$]/.test(b.text) })),
    fc.tuple(leaf(ALLOWED, false), tie('node')).map(([a, b]) => ({ text: `${a.text} <(${b.text})`, denied: b.denied })),
    tie('node').map((a) => ({ text: `sh -c '${a.text.replace(/'/g, `'\\''`)}'`, denied: a.denied })),
    tie('node').map((a) => ({ text: `bash -c "${a.text.replace(/["\\$`]/g, '\\$&')}"`, denied: a.denied })),
    fc.tuple(leaf(ALLOWED, false), tie('node')).map(([a, b]) => ({ text: `${a.text} "\${X:-$( ${b.text} )}"`, denied: b.denied })),
    tie('node').map((a) => ({ text: `bash <<'EOF'\n${a.text}\nEOF`, denied: a.denied })),
    fc.oneof(leaf(ALLOWED, false), leaf(DENIED, true)).map((a) => ({ text: `find . -name x -exec ${a.text} {} \\;`, denied: a.denied })),
  ),
}));

test('a composition that reaches a denied program is never allowed, in any mode', () => {
  fc.assert(fc.property(tree.node, (node) => {
    for (const mode of ['allowlist', 'ask', 'auto'] as const) {
      const d = decide({ tool: 'exec', args: { command: node.text } }, ctx(mode));
      if (node.denied) assert.notEqual(d.decision, 'allow', `${mode}: ${node.text}`);
      if (node.denied && mode !== 'ask') assert.equal(d.decision === 'allow', false);
    }
  }), { numRuns: 1500 });
});

test('a denied program anywhere is denied (not merely asked about) under allowlist', () => {
  fc.assert(fc.property(tree.node, (node) => {
    const d = decide({ tool: 'exec', args: { command: node.text } }, ctx('allowlist'));
    if (node.denied) assert.equal(d.decision, 'deny', node.text);
  }), { numRuns: 800 });
});

test('compositions of allowed programs only, without tricks, are allowed under allowlist', () => {
  const plain = fc.letrec<{ node: string }>((tie) => ({
    node: fc.oneof({ depthSize: 'small' },
      fc.constantFrom('ls -la src', 'cat a', 'git status', 'git log -n 3', 'grep -n x f', 'wp plugin list', 'ls', 'cat "a b"', 'cat $FILE'),
      fc.tuple(tie('node'), fc.constantFrom(' | ', ' && ', ' || ', '; '), tie('node')).map(([a, op, b]) => `${a}${op}${b}`),
      tie('node').map((a) => `( ${a} )`),
    ),
  }));
  fc.assert(fc.property(plain.node, (text) => {
    const d = decide({ tool: 'exec', args: { command: text } }, ctx('allowlist'));
    assert.equal(d.decision, 'allow', `${text}: ${d.reason}`);
  }), { numRuns: 500 });
});

test('arbitrary text never throws, and a denied name as a plain word after ";" is never allowed', () => {
  fc.assert(fc.property(fc.string({ maxLength: 80 }), (text) => {
    for (const mode of ['allowlist', 'ask', 'auto'] as const) {
      const d = decide({ tool: 'exec', args: { command: text } }, ctx(mode));
      assert.ok(['allow', 'deny', 'ask'].includes(d.decision));
    }
  }), { numRuns: 2000 });
  fc.assert(fc.property(fc.stringMatching(/^[a-z0-9 ./-]{0,30}$/), fc.constantFrom(...DENIED), fc.stringMatching(/^[a-z0-9 ./-]{0,20}$/), (pre, name, post) => {
    const text = `${pre};${name} ${post}`;
    const d = decide({ tool: 'exec', args: { command: text } }, ctx('auto'));
    assert.notEqual(d.decision, 'allow', text);
  }), { numRuns: 1000 });
});
