// The small readers the audit relies on: the compose YAML subset, git-ignore rules, and the
// in-place JSON5 edit that --fix uses (comments and layout survive).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import JSON5 from 'json5';
import { parseCompose } from '../../src/posture/compose.ts';
import { isIgnoredByGit } from '../../src/posture/gitignore.ts';
import { replaceValue } from '../../src/posture/fixes.ts';

test('compose: block maps, sequences, flow lists, quotes, comments, block scalars', () => {
  const text = `# top comment
version: "3.8"
services:
  gateway:
    image: 'hardshell:1.0' # pinned
    user: "1000:1000"
    read_only: true
    cap_drop: [ALL]
    ports:
    - "127.0.0.1:18789:18789"
    - target: 80
      published: 8080
    environment:
      - A=1
      - URL=http://x/#frag
    command: >
      hardshell
      gateway
    healthcheck: { test: ["CMD", "true"], interval: 30s }
  other:
    image: caddy
`;
  const c = parseCompose('compose.yml', text);
  assert.equal(c.error, undefined);
  assert.deepEqual(c.services.map((s) => [s.name, s.line]), [['gateway', 4], ['other', 20]]);
  const g = c.services[0].spec;
  assert.equal(g.image, 'hardshell:1.0');
  assert.equal(g.user, '1000:1000');
  assert.equal(g.read_only, true);
  assert.deepEqual(g.cap_drop, ['ALL']);
  assert.deepEqual(g.ports, ['127.0.0.1:18789:18789', { target: '80', published: '8080' }]);
  assert.deepEqual(g.environment, ['A=1', 'URL=http://x/#frag']);
  assert.equal(g.command, 'hardshell gateway');
  assert.deepEqual(g.healthcheck, { test: ['CMD', 'true'], interval: '30s' });
});

test('compose: what it cannot read is an error, not a guess', () => {
  assert.match(parseCompose('c.yml', 'services:\n\tgateway: {}\n').error!, /tabs/);
  assert.match(parseCompose('c.yml', 'services:\n  a:\n    image: "unclosed\n').error!, /quote/);
  assert.match(parseCompose('c.yml', 'services:\n  a: [1, 2\n').error!, /not closed/);
});

test('gitignore: globs, anchoring, folders, negation, nested files', () => {
  const files: Record<string, string> = {
    '/r/.gitignore': '*.log\n/build\nsecrets/\n.env*\n!.env.example\n',
    '/r/sub/.gitignore': 'local.txt\n',
  };
  const read = (p: string) => files[p] ?? null;
  const ign = (rel: string) => isIgnoredByGit('/r', rel, read);
  assert.equal(ign('.env'), true);
  assert.equal(ign('deep/dir/.env.production'), true);
  assert.equal(ign('.env.example'), false);
  assert.equal(ign('a/b.log'), true);
  assert.equal(ign('build'), true);
  assert.equal(ign('x/build'), false, '/build is anchored to the root');
  assert.equal(ign('secrets/key'), true, 'everything inside an ignored folder');
  assert.equal(ign('sub/local.txt'), true);
  assert.equal(ign('local.txt'), false);
  assert.equal(ign('hardshell.json'), false);
  assert.equal(isIgnoredByGit('/r', 'state/.env', () => '**/state/.env\n'), true);
});

test('replaceValue edits one value in JSON5 text and nothing else', () => {
  const text = `// my config
{
  security: {
    // I turned this off on purpose?
    audit: { enabled: /* temp */ false, events: ["auth"] },
    'injection': { "mode": 'off' }, // trailing
  },
  logging: { level: "debug", },
}
`;
  const a = replaceValue(text, ['security', 'audit', 'enabled'], 'true')!;
  assert.equal(a.old, 'false');
  assert.equal(a.text, text.replace('/* temp */ false', '/* temp */ true'));
  const b = replaceValue(a.text, ['security', 'injection', 'mode'], '"ask"')!;
  assert.equal(b.old, "'off'");
  const c = replaceValue(b.text, ['logging', 'level'], '"info"')!;
  assert.deepEqual(JSON5.parse(c.text), { security: { audit: { enabled: true, events: ['auth'] }, injection: { mode: 'ask' } }, logging: { level: 'info' } });
  assert.equal(c.text.split('\n').length, text.split('\n').length);
  assert.ok(c.text.includes('// I turned this off on purpose?') && c.text.includes('// trailing'));
  assert.equal(replaceValue(text, ['security', 'nothing'], 'true'), null);
});
