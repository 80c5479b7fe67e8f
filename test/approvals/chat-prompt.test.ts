// The terminal chat asks inline: the request is shown with what will run, "y" runs it,
// anything else refuses it, and the model is told which.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startModelServer } from '../fixtures/model-server.ts';
import { makeHome, scriptedModelConfig } from '../fixtures/home.ts';
import { BIN } from '../fixtures/cli.ts';

async function chatSession(t: { after(fn: () => unknown): void }, answer: string) {
  const model = await startModelServer([
    { toolCalls: [{ name: 'write', args: { path: 'chat.txt', content: 'from chat\n' } }] },
    { text: 'finished' },
  ]);
  const home = await makeHome({ config: scriptedModelConfig(model.url, { tools: { elevated: ['write'] } }) });
  t.after(async () => { await model.close(); await home.cleanup(); });
  const child = spawn(process.execPath, [BIN, 'chat'], { env: home.env, stdio: ['pipe', 'pipe', 'pipe'] });
  t.after(() => { if (child.exitCode === null) child.kill(); });
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
  const seen = (re: RegExp) => new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re}; stdout: ${out}; stderr: ${err}`)), 20_000);
    const check = () => { if (re.test(out)) { clearTimeout(timer); resolve(); } };
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; check(); });
    check();
  });
  await seen(/you> /);
  child.stdin.write('please write the file\n');
  await seen(/run it\?/);
  child.stdin.write(`${answer}\n`);
  await seen(/finished/);
  child.stdin.end('/exit\n');
  await new Promise((r) => child.on('close', r));
  return { model, home, out, err };
}

test('hardshell chat: "y" at the inline prompt runs the call', async (t) => {
  const { home, err } = await chatSession(t, 'y');
  assert.match(err, /approval needed/);
  assert.match(err, /chat\.txt/);
  assert.match(err, /tools\.elevated/);
  assert.equal(readFileSync(join(home.workspace, 'chat.txt'), 'utf8'), 'from chat\n');
});

test('hardshell chat: "n" at the inline prompt refuses it and the model is told', async (t) => {
  const { home, model } = await chatSession(t, 'n');
  assert.ok(!existsSync(join(home.workspace, 'chat.txt')));
  assert.match(JSON.stringify(model.requests[1].body.messages), /denied by policy/);
});
