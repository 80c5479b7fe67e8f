// What the end-to-end approval tests share: a state folder with the scripted model, the
// pending request as `hardshell approvals list` shows it, and the audit log's events.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startModelServer, type StepSource } from '../fixtures/model-server.ts';
import { makeHome, scriptedModelConfig, type TestHome } from '../fixtures/home.ts';
import { runCli } from '../fixtures/cli.ts';

export async function setup(t: { after(fn: () => Promise<void> | void): void }, script: StepSource[], extra: Record<string, any>) {
  const model = await startModelServer(script);
  const home = await makeHome({ config: scriptedModelConfig(model.url, extra) });
  t.after(async () => { await model.close(); await home.cleanup(); });
  return { model, home };
}

/** The first pending request, once one appears (answered ones are not listed). */
export async function waitForPending(home: TestHome, timeoutMs = 20_000): Promise<any> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const res = await runCli(['approvals', 'list', '--json'], home.env);
    assert.equal(res.code, 0, res.stderr);
    const list = JSON.parse(res.stdout);
    if (list.length) return list[0];
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error('no approval request appeared');
}

export function auditEvents(home: TestHome): any[] {
  return readFileSync(join(home.home, 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}
