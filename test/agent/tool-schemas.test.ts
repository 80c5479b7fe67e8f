// The schemas the model is shown: nothing the AI SDK has to strip (it would warn on every
// model call), while the checks the stripped part expressed still hold when a call arrives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allTools } from '../../src/tools/registry.ts';
import { modelSchema } from '../../src/agent/tool-schemas.ts';
import { runTool } from '../../src/agent/run-tool.ts';

test('no tool schema shown to the model carries propertyNames', () => {
  for (const tool of allTools) assert.doesNotMatch(JSON.stringify(modelSchema(tool)), /propertyNames/, tool.name);
  const exec = modelSchema(allTools.find((t) => t.name === 'exec')!) as any;
  assert.equal(exec.properties.env.type, 'object', 'exec still describes env to the model');
});

test('exec env names are still checked when the call arrives', async () => {
  const exec = allTools.find((t) => t.name === 'exec')!;
  const r = await runTool(exec, { command: 'true', env: { LD_PRELOAD: '/tmp/x.so' } }, { workspace: '/nonexistent' } as any);
  assert.equal(r.ok, false);
  assert.match(r.output, /invalid arguments for exec: env\.LD_PRELOAD/);
});
