// The position scanner finds the line of every key, whatever JSON5 style the file is in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import JSON5 from 'json5';
import { scanPositions } from '../../src/config/positions.ts';
import type { KeyPath } from '../../src/config/keypath.ts';

test('comments, single quotes, unquoted keys, trailing commas, escapes and continuations', () => {
  const text = [
    '// leading comment with { braces } and "quotes"',
    '/* block',
    '   comment */ {',
    "  'single': 'it\\'s }',",
    '  unquoted: [1, 2, /* inline */ 3,],',
    '  "double\\"key": "line one \\',
    'line two",',
    '  nested: { a: { b: +Infinity, c: NaN, d: 0x1F, }, },',
    '  list: [',
    '    { id: "x" },',
    '    { id: "y" },',
    '  ],',
    '  \\u0061lpha: true, // trailing comment',
    '}',
  ].join('\n');
  JSON5.parse(text); // the scanner only ever sees text json5 accepted
  const p = scanPositions(text);
  const line = (path: KeyPath) => p.at(path)?.line;
  assert.equal(line(['single']), 4);
  assert.equal(line(['unquoted']), 5);
  assert.equal(line(['unquoted', 2]), 5);
  assert.equal(line(['double"key']), 6);
  assert.equal(line(['nested']), 8);
  assert.equal(line(['nested', 'a', 'd']), 8);
  assert.equal(line(['list', 1]), 11);
  assert.equal(line(['list', 1, 'id']), 11);
  assert.equal(line(['alpha']), 13);
  assert.deepEqual(p.at(['unquoted']), { line: 5, column: 3 });
  assert.deepEqual(p.duplicates, []);
});

test('CRLF line ends count as one line', () => {
  const p = scanPositions('{\r\n  a: 1,\r\n  b: 2,\r\n}');
  assert.equal(p.at(['b'])?.line, 3);
});

test('duplicates are reported with both positions', () => {
  const p = scanPositions('{\n a: 1,\n b: { c: 1, c: 2 },\n a: 3 }');
  assert.deepEqual(p.duplicates.map((d) => [d.path, d.first.line, d.second.line]), [[['b', 'c'], 3, 3], [['a'], 2, 4]]);
});

test('text it cannot follow gives no positions instead of throwing', () => {
  const p = scanPositions('{ a: 1, b: [1, ');
  assert.equal(p.at(['a'])?.line, 1);
  assert.equal(p.at(['b', 0])?.column, 13);
  assert.equal(p.at(['b', 1]), undefined);
});

const keyArb = fc.oneof(fc.constantFrom('a', 'port', 'allow', '$schema', 'x-y', 'with space', "it's", 'q"uote', 'back\\slash', 'new\nline', ''), fc.string({ maxLength: 8 }));
const valueArb = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' },
    fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean(), fc.constant(null), fc.double({ noNaN: true })),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(keyArb, tie('value'), { maxKeys: 4 })),
})).value;

function paths(value: unknown, at: KeyPath = []): KeyPath[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...at, i], ...paths(v, [...at, i])]);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [[...at, k], ...paths(v, [...at, k])]);
  return [];
}

test('property: every key and element of any JSON5 document gets a position, in any layout', () => {
  fc.assert(fc.property(fc.dictionary(keyArb, valueArb, { maxKeys: 5 }), fc.constantFrom(0, 2, '\t'), fc.constantFrom('"', "'"), (doc, space, quote) => {
    const text = JSON5.stringify(doc, { space, quote });
    const p = scanPositions(text);
    const lines = text.split('\n');
    for (const path of paths(doc)) {
      const pos = p.at(path);
      assert.ok(pos, `no position for ${JSON.stringify(path)} in ${text}`);
      assert.ok(pos.line >= 1 && pos.line <= lines.length);
      const last = path[path.length - 1];
      if (typeof last === 'string' && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(last)) {
        // An identifier key is written as itself (quoted or not) at the reported column.
        const written = lines[pos.line - 1].slice(pos.column - 1).replace(/^["']/, '');
        assert.ok(written.startsWith(last), `${last} is not at ${pos.line}:${pos.column} of ${text}`);
      }
    }
  }), { numRuns: 300 });
});
