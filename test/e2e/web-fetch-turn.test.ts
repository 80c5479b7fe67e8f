// web_fetch inside a real turn: the allowlist comes from tools.web.fetch.allowedDomains, the
// page reaches the model as untrusted web content, a host off the list is refused with
// nothing sent to it, and every egress decision reaches the audit sink tied to its call.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startModelServer, type ModelServer } from '../fixtures/model-server.ts';
import { makeHome, scriptedModelConfig, type TestHome } from '../fixtures/home.ts';
import { startUpstream, type Upstream, type UpstreamLog } from '../egress/upstream-server.ts';
import { configSchema } from '../../src/config/schema.ts';
import { openStore, type Store } from '../../src/store/db.ts';
import { Sessions } from '../../src/sessions/store.ts';
import { UsageLedger } from '../../src/sessions/usage.ts';
import { MemoryLedger } from '../../src/sessions/memory.ts';
import { createAgentRunner } from '../../src/agent/runner.ts';
import { createWebFetchTool } from '../../src/tools/web-fetch.ts';
import { DEFAULT_REFUSED_RANGES } from '../../src/egress/addresses.ts';
import type { AuditRecord } from '../../src/audit/types.ts';

let upstream: Upstream;
let model: ModelServer;
let home: TestHome;
let db: Store;
const hits: UpstreamLog[] = [];

before(async () => {
  upstream = await startUpstream({ address: '127.0.0.1', http: [0], log: (e) => hits.push(e) });
  model = await startModelServer();
  home = await makeHome();
  db = openStore(join(home.home, 'hardshell.db'));
});
after(async () => {
  db.close();
  await model.close();
  await upstream.close();
  await home.cleanup();
});

test('web_fetch in a turn: allowed page wrapped as web content, other hosts refused, all audited', async () => {
  const port = upstream.ports.http[0];
  // Both names resolve to the loopback upstream; loopback is lifted only for this test's tool.
  const tool = createWebFetchTool(undefined, {
    hosts: { 'docs.example.test': ['127.0.0.1'], 'evil.example': ['127.0.0.1'] },
    ports: [port],
    refusedRanges: DEFAULT_REFUSED_RANGES.filter((r) => r.cidr !== '127.0.0.0/8'),
  });
  const config = configSchema.parse(scriptedModelConfig(model.url, { tools: { web: { fetch: { allowedDomains: ['docs.example.test'] } } } }));
  const audit: AuditRecord[] = [];
  const runner = createAgentRunner({
    config, home: home.home, env: home.env, sessions: new Sessions(db), usage: new UsageLedger(db), memory: new MemoryLedger(db),
    tools: [tool], audit: (r) => audit.push(r),
  });
  model.push(
    { toolCalls: [{ name: 'web_fetch', args: { url: `http://docs.example.test:${port}/` } }] },
    // No data in the URL, so the rule of two lets it through to the allowlist, which refuses it.
    { toolCalls: [{ name: 'web_fetch', args: { url: `http://evil.example:${port}/steal` } }] },
    { text: 'read the docs' },
  );
  const result = await runner.runTurn({ sessionKey: 'w', message: 'read the docs page' });
  assert.equal(result.stopReason, 'completed');
  assert.deepEqual(result.toolCalls.map((c) => [c.decision, c.ok]), [['allow', true], ['allow', false]]);

  const shown = model.requests[1].body.messages.find((m: any) => m.role === 'tool').content as string;
  assert.match(shown, new RegExp(`^⟦untrusted [0-9a-f]{12} from web:http://docs\\.example\\.test:${port}/⟧`));
  assert.match(model.requests[2].raw, /evil\.example is not in tools\.web\.fetch\.allowedDomains/);
  assert.ok(hits.every((h) => !JSON.stringify(h).includes('steal')), 'nothing reached the listener for the refused host');

  const egress = audit.filter((r) => r.kind === 'egress');
  assert.deepEqual(egress.map((e) => [e.decision, e.host, e.callId]), [
    ['allow', 'docs.example.test', result.toolCalls[0].id],
    ['deny', 'evil.example', result.toolCalls[1].id],
  ]);
});
