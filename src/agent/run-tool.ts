// Runs one tool that policy allowed: arguments checked against its schema first (the model
// is untrusted), failures turned into sentences for the model, output capped.
import { ToolError, type ToolContext, type ToolDef, type ToolResult } from '../tools/types.ts';

/** The most a single tool result may put into the model's context. */
export const MAX_TOOL_OUTPUT = 64 * 1024;

export interface ToolRun extends ToolResult {
  /** Where the output's content came from when it is untrusted (see ToolDef.untrustedSource). */
  source?: string;
}

/** `parsed`: the arguments already checked against tool.input (the turn does it once, for policy too). */
export async function runTool(tool: ToolDef, args: unknown, ctx: ToolContext, parsed = tool.input.safeParse(args)): Promise<ToolRun> {
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`).join('; ');
    return { ok: false, output: `invalid arguments for ${tool.name}: ${problems}` };
  }
  try {
    const result = await tool.run(parsed.data, ctx);
    const source = result.trusted ? undefined : result.untrusted ?? (result.ok ? tool.untrustedSource?.(parsed.data) : undefined);
    // Redact before the cap, so the cap never cuts a secret in two.
    const output = cap(ctx.redact ? ctx.redact(result.output) : result.output);
    return { ok: result.ok, output, ...(source ? { source } : {}) };
  } catch (err) {
    const message = err instanceof ToolError ? err.message : `${tool.name} failed: ${(err as Error)?.message ?? String(err)}`;
    return { ok: false, output: ctx.redact ? ctx.redact(message) : message };
  }
}

function cap(text: string): string {
  if (text.length <= MAX_TOOL_OUTPUT) return text;
  return `${text.slice(0, MAX_TOOL_OUTPUT)}\n[output cut at ${MAX_TOOL_OUTPUT} characters]`;
}
