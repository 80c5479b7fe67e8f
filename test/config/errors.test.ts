// Bad configuration gets one clear line per problem, naming the file, the line and the key
// path, and saying what to do. The gateway refuses to start on any of them (fail closed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from '../../src/config/load.ts';
import { ConfigError } from '../../src/config/errors.ts';

const FILE = '/home/me/.hardshell/hardshell.json';

function problemsOf(text: string, env: NodeJS.ProcessEnv = {}): ConfigError {
  try {
    parseConfigText(text, FILE, env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    assert.equal(err.name, 'ConfigError');
    return err;
  }
  assert.fail('the config loaded, but it should have been refused');
}

test('malformed JSON5: file, line and column of the fault, in one line', () => {
  const err = problemsOf('{\n  gateway: {\n    port: 18789\n    bind: "127.0.0.1",\n  },\n}\n');
  assert.equal(err.message.split('\n').length, 1);
  assert.match(err.message, /^\/home\/me\/\.hardshell\/hardshell\.json:4:5: invalid character 'b'.*not valid JSON5/);
  assert.equal(err.line, 4);
});

test('an unclosed string or brace names where the file ended', () => {
  assert.match(problemsOf('{\n  gateway: { port: 1 }\n').message, /hardshell\.json:3:1: invalid end of input/);
  assert.match(problemsOf("{ a: 'x }").message, /hardshell\.json:1:10: invalid end of input/);
});

test('unknown key: its full path, its line, and the likely intended key', () => {
  const err = problemsOf(`{
  // the gateway
  gateway: { port: 18789 },
  security: {
    'auth': { type: "token" },
    audti: { enabled: true },
  },
}`);
  assert.equal(err.message, `${FILE}:6: unknown key "security.audti" (did you mean "security.audit"?)`);
  assert.equal(err.keyPath, 'security.audti');
  assert.equal(err.line, 6);
});

test('unknown key with no close match lists the keys that exist there', () => {
  const err = problemsOf('{ security: { foo: 1 } }');
  assert.match(err.message, /:1: unknown key "security\.foo" \(the keys of security are: auth, network, rateLimit, audit, injection\)/);
});

test('wrong type: key path, what it must be, and what it got', () => {
  const err = problemsOf('{\n  gateway: {\n    bind: "127.0.0.1",\n    port: "abc",\n  },\n}');
  assert.equal(err.message, `${FILE}:4: gateway.port must be a whole number between 0 and 65535, got "abc"`);
  assert.match(problemsOf('{ gateway: { port: 70000 } }').message, /gateway\.port must be a whole number between 0 and 65535, got 70000/);
  assert.match(problemsOf('{ security: { auth: { type: "password" } } }').message, /security\.auth\.type must be one of "token", "apiKey", got "password"/);
  assert.match(problemsOf('{ gateway: { tls: { enabled: "yes" } } }').message, /gateway\.tls\.enabled must be true or false, got "yes"/);
  assert.match(problemsOf('{ tools: { deny: "exec" } }').message, /tools\.deny must be a list of strings, got "exec"/);
});

test('unset ${VAR}: names the key, the line and the variable to set', () => {
  const err = problemsOf('{\n  models: {\n    providers: {\n      openai: { api: "openai-responses", apiKey: "${OPENAI_KEY}" },\n    },\n  },\n}');
  assert.equal(err.line, 4);
  assert.equal(err.keyPath, 'models.providers.openai.apiKey');
  assert.match(err.message, /^.*hardshell\.json:4: models\.providers\.openai\.apiKey refers to \$\{OPENAI_KEY\}, but the environment variable OPENAI_KEY is not set/);
  assert.equal(err.message.split('\n').length, 1);
});

test('a reference that is not one, and a bad secret name, are refused', () => {
  assert.match(problemsOf('{ logging: { file: "${not a var}" } }').message, /logging\.file holds "\$\{not a var\}", which is not a valid reference/);
  assert.match(problemsOf('{ logging: { file: "${HOME" } }').message, /not a valid reference/);
  assert.match(problemsOf('{ security: { auth: { key: "${secret:no-dashes}" } } }').message, /not a valid secret reference/);
});

test('every problem is listed, one line each, in file order', () => {
  const err = problemsOf(`{
  gateway: { port: "x" },
  tools: { denyy: [] },
  logging: { level: "loud" },
}`);
  const lines = err.message.split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[0], /:2: gateway\.port/);
  assert.match(lines[1], /:3: unknown key "tools\.denyy" \(did you mean "tools\.deny"\?\)/);
  assert.match(lines[2], /:4: logging\.level must be one of "fatal", "error", "warn", "info", "debug", "trace", got "loud"/);
  assert.equal(err.problems.length, 3);
});

test('errors in aliased keys name the key as the user wrote it', () => {
  assert.match(problemsOf('{\n  exec: {\n    security: "sometimes",\n  },\n}').message, /:3: exec\.security must be one of "deny", "allowlist", "ask", "auto", got "sometimes"/);
  assert.match(problemsOf('{\n  tools: { denied: [1] },\n}').message, /:2: tools\.denied\[0\] must be a non-empty string, got 1/);
  assert.match(problemsOf('{ exec: { secrity: "ask" } }').message, /unknown key "exec\.secrity" \(did you mean "exec\.security"\?\)/);
});

test('an alias and its canonical key set to different values is an error naming both', () => {
  const err = problemsOf('{\n  tools: {\n    deny: ["exec"],\n    denied: ["browser"],\n  },\n}');
  assert.match(err.message, /:4: tools\.denied and tools\.deny are the same setting but are both set, to different values/);
  // The same values are fine (and tool names compare without case).
  assert.deepEqual(parseConfigText('{ tools: { deny: ["exec"], denied: ["Exec"] } }', FILE, {}).config.tools.deny, ['exec']);
  assert.match(problemsOf('{ exec: { security: "deny" }, tools: { exec: { security: "ask" } } }').message, /exec\.security and tools\.exec\.security are the same setting/);
  assert.match(problemsOf('{ security: { sandbox: { enabled: false } }, agents: { defaults: { sandbox: { mode: "all" } } } }').message,
    /security\.sandbox\.enabled is false, but agents\.defaults\.sandbox\.mode is "all"/);
  assert.match(problemsOf('{ security: { users: { allowList: ["a"] } }, agents: { defaults: { dm: { policy: "open" } } } }').message,
    /security\.users\.allowList means agents\.defaults\.dm\.policy = "allowlist", but agents\.defaults\.dm\.policy is set to "open"/);
});

test('a key written twice is refused (json5 would silently keep the last)', () => {
  assert.match(problemsOf('{\n  gateway: { port: 1 },\n  gateway: { port: 2 },\n}').message, /:3: gateway is written twice \(also on line 2\)/);
});

test('empty file, non-object file, duplicate agent ids, missing required keys', () => {
  assert.match(problemsOf('  \n').message, /:1: the file is empty: write \{\} to use the defaults/);
  assert.match(problemsOf('[1, 2]').message, /:1: the configuration must be an object/);
  assert.match(problemsOf('{ agents: { list: [{ id: "a" }, { id: "a" }] } }').message, /the agent id "a" is used twice/);
  assert.match(problemsOf('{\n  models: { providers: {\n    local: { baseUrl: "http://127.0.0.1:1" },\n  } },\n}').message,
    /:3: models\.providers\.local\.api is missing: it must be one of "anthropic-messages", "openai-completions", "openai-responses"/);
});

test('a wrong value that came from a reference is quoted as the reference, never as its value', () => {
  const err = problemsOf('{ gateway: { port: "${PORT}" } }', { PORT: 'not-a-port' });
  assert.match(err.message, /gateway\.port must be .*, got "\$\{PORT\}"/);
  assert.doesNotMatch(err.message, /not-a-port/);
  const key = problemsOf('{ security: { auth: { tokens: [12345678] } } }');
  assert.doesNotMatch(key.message, /12345678/);
});
