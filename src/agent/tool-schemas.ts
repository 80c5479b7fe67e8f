// The JSON Schemas the model is shown for each tool, made from the tools' zod inputs.
// `propertyNames` (what zod writes for a record whose keys are checked, such as exec's env)
// is left out: OpenAI's API does not take it, so the AI SDK removes it again and prints a
// warning on every model call — noise in the gateway's output and time in every turn. The
// key check itself still holds: runTool parses every call's arguments with the zod schema.
import { z } from 'zod';
import type { ToolDef } from '../tools/types.ts';

type JsonSchema = Record<string, unknown>;

/** A tool's input as the JSON Schema the model sees. */
export function modelSchema(tool: ToolDef): JsonSchema {
  return withoutPropertyNames(z.toJSONSchema(tool.input) as JsonSchema) as JsonSchema;
}

function withoutPropertyNames(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutPropertyNames);
  if (!node || typeof node !== 'object') return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) if (key !== 'propertyNames') out[key] = withoutPropertyNames(value);
  return out;
}
