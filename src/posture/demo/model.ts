// A scripted "compromised model" that runs in this process: each call answers with the next
// step of its script (tool calls or text), through the AI SDK's provider interface. It needs
// no API key and no network, and it records every prompt it was shown.
import type { LanguageModel } from 'ai';
import type { ResolvedModel } from '../../agent/providers.ts';

export type ScriptStep = { tool: string; args: unknown } | { text: string };

export interface ScriptedModel extends ResolvedModel {
  /** Every prompt the model was shown, in order (system message first). */
  prompts: unknown[][];
}

const USAGE = {
  inputTokens: { total: 40, noCache: 40, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 12, text: 12, reasoning: 0 },
};

export function scriptedModel(script: ScriptStep[]): ScriptedModel {
  const queue = [...script];
  const prompts: unknown[][] = [];
  let calls = 0;
  const parts = () => {
    const step = queue.shift() ?? { text: 'The script is over.' };
    if ('tool' in step) {
      const toolCallId = `demo_${++calls}`;
      return [
        { type: 'tool-call', toolCallId, toolName: step.tool, input: JSON.stringify(step.args) },
        { type: 'finish', usage: USAGE, finishReason: { unified: 'tool-calls', raw: 'tool_calls' } },
      ];
    }
    return [
      { type: 'text-start', id: 't' },
      { type: 'text-delta', id: 't', delta: step.text },
      { type: 'text-end', id: 't' },
      { type: 'finish', usage: USAGE, finishReason: { unified: 'stop', raw: 'stop' } },
    ];
  };
  const model = {
    specificationVersion: 'v4',
    provider: 'demo',
    modelId: 'compromised',
    supportedUrls: {},
    async doStream(options: { prompt: unknown[] }) {
      prompts.push(options.prompt);
      const out = [{ type: 'stream-start', warnings: [] }, ...parts()];
      return { stream: new ReadableStream({ start(controller) { for (const p of out) controller.enqueue(p); controller.close(); } }) };
    },
    // hardshell always streams; a non-streaming call would be a bug worth hearing about.
    async doGenerate() {
      throw new Error('the demo model only answers streaming calls');
    },
  } as unknown as LanguageModel;
  return { model, label: 'demo/compromised', prompts };
}
