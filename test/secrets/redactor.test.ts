// The redactor: known values in every common encoding, split across chunks, and the
// well-known credential formats; property: a planted secret never survives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Redactor } from '../../src/secrets/redactor.ts';
import { redactPatterns } from '../../src/secrets/patterns.ts';

const canary = `CANARY-${randomBytes(12).toString('hex')}`;
const r = new Redactor([{ name: 'API_KEY', value: canary }, { name: 'OTHER', value: 'short-but-ok' }]);

test('a known value is replaced by its name, in every common encoding', () => {
  const b64 = Buffer.from(canary).toString('base64');
  const forms = [
    canary, b64, b64.replace(/=+$/, ''), Buffer.from(canary).toString('base64url'),
    Buffer.from(canary).toString('hex'), Buffer.from(canary).toString('hex').toUpperCase(),
    encodeURIComponent(canary + ' x'), JSON.stringify({ k: canary }),
  ];
  for (const form of forms) {
    const out = r.message(`before ${form} after`);
    assert.ok(!out.includes(canary), out);
    assert.match(out, /\[REDACTED:API_KEY\]/, `${form} → ${out}`);
  }
});

test('base64 and hex of a longer text containing the value, at any alignment and wrapped, are caught', () => {
  for (const prefix of ['', 'x', 'xy', 'PATH=/usr/bin\nHOME=/root\nAPI_KEY=']) {
    const text = `${prefix}${canary}\nMORE=1\n`;
    const b64 = Buffer.from(text).toString('base64').replace(/(.{76})/g, '$1\n'); // like `base64`
    const hex = Buffer.from(text).toString('hex').replace(/(.{60})/g, '$1\n'); // like `xxd -p`
    for (const encoded of [b64, hex]) {
      const out = r.tool(encoded);
      assert.match(out, /\[REDACTED:API_KEY\]/, `${JSON.stringify(prefix)}: ${out}`);
      const leftover = out.replace(/\[REDACTED:[^\]]*\]/g, '');
      assert.ok(!leftover.includes(encoded.replace(/\n/g, '').slice(8, 40)) || !encoded.includes(canary));
    }
  }
});

test('a secret split across stream chunks is still found, at every split point', () => {
  const text = `one ${canary} two ${canary}`;
  for (let cut = 1; cut < text.length; cut++) {
    const s = r.stream('message');
    const out = s.push(text.slice(0, cut)) + s.push(text.slice(cut)) + s.end();
    assert.equal(out, 'one [REDACTED:API_KEY] two [REDACTED:API_KEY]', `cut at ${cut}`);
  }
});

test('property: whatever surrounds it and however it is chunked, the value never comes out', () => {
  fc.assert(fc.property(fc.string(), fc.string(), fc.array(fc.integer({ min: 1, max: 20 }), { maxLength: 10 }), (before, after, sizes) => {
    const text = before + canary + after;
    const whole = r.message(text);
    if (whole.includes(canary)) return false;
    const s = r.stream('tool');
    let out = '';
    let at = 0;
    for (const n of sizes) { out += s.push(text.slice(at, at + n)); at += n; }
    out += s.push(text.slice(at)) + s.end();
    return !out.includes(canary);
  }), { numRuns: 300 });
});

test('well-known formats are replaced in tool output; in messages only with redactSensitive "all"', () => {
  const samples: Record<string, string> = {
    'anthropic-key': 'sk-ant-api03-' + 'A1b2C3d4'.repeat(5),
    'openai-key': 'sk-proj-' + 'Z9y8X7w6'.repeat(5),
    'github-token': 'ghp_' + 'a1B2c3D4e5'.repeat(4),
    'slack-token': 'xoxb-1234567890-abcdefghij',
    'aws-access-key': 'AKIAIOSFODNN7EXAMPLE',
    'google-api-key': 'AIza' + 'SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q',
    'stripe-key': 'sk_live_' + '4eC39HqLyjWDarjtT1zdp7dc',
    jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    'hardshell-token': 'hs_' + randomBytes(32).toString('base64url'),
  };
  for (const [name, value] of Object.entries(samples)) {
    const text = `found: ${value} end`;
    assert.equal(redactPatterns(text), `found: [REDACTED:${name}] end`, name);
    assert.equal(r.tool(text), `found: [REDACTED:${name}] end`);
    assert.equal(r.message(text), text, 'mode "tools" leaves messages to known values');
    assert.equal(new Redactor([], 'all').message(text), `found: [REDACTED:${name}] end`);
  }
  assert.equal(redactPatterns('curl -H "Authorization: Bearer abcdef123456789"'), 'curl -H "Authorization: Bearer [REDACTED:auth-header]"');
  const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nIBAAK\n-----END RSA PRIVATE KEY-----';
  assert.equal(redactPatterns(`key:\n${pem}\nafter`), 'key:\n[REDACTED:private-key]\nafter');
  assert.equal(redactPatterns('-----BEGIN PRIVATE KEY-----\nMIIE truncated'), '[REDACTED:private-key]', 'an unterminated block is redacted to the end');
  assert.equal(redactPatterns('plain words, sk-short, AKIA too short'), 'plain words, sk-short, AKIA too short');
});

test('a value that contains line breaks (a PEM key) is found with or without them', () => {
  const pem = `-----BEGIN KEY-----\n${randomBytes(30).toString('base64')}\n${randomBytes(30).toString('base64')}\n-----END KEY-----`;
  const rr = new Redactor([{ name: 'PEM', value: pem }]);
  assert.equal(rr.message(`x ${pem} y`), 'x [REDACTED:PEM] y');
  assert.equal(rr.message(`x ${pem.replace(/\n/g, '\r\n')} y`), 'x [REDACTED:PEM] y');
});

test('no secrets, no change; very short values are matched only as themselves', () => {
  assert.equal(new Redactor([]).message('nothing here'), 'nothing here');
  const short = new Redactor([{ name: 'PIN', value: '4821' }]);
  assert.equal(short.message('pin 4821'), 'pin [REDACTED:PIN]');
  const b64 = Buffer.from('x4821').toString('base64');
  assert.equal(short.message(b64), b64, 'encoded forms under 8 characters would match by chance');
  assert.equal(new Redactor([{ name: 'X', value: 'ab' }]).message('ab'), 'ab', 'under 4 characters is not a secret worth the name');
});

test('log lines always lose hardshell tokens, Authorization headers and private keys; other formats only with "all"', () => {
  const token = 'hs_' + randomBytes(32).toString('base64url');
  const line = `{"msg":"auth header Authorization: Bearer abcdefghijklmnop12 token ${token} key sk-ant-api03-${'x'.repeat(30)}"}`;
  const out = new Redactor([]).log(line);
  assert.ok(!out.includes(token) && !out.includes('abcdefghijklmnop12'));
  assert.match(out, /sk-ant-api03-x+/, 'mode "tools" leaves other formats in logs');
  assert.doesNotMatch(new Redactor([], 'all').log(line), /sk-ant-api03/);
});
